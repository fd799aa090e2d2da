package main

import (
	"bufio"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// monitorArg is one argument of a MONITOR line: a quoted string, with
// Redis's escapes.
var monitorArg = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

// TestUpdateTouchesOnlyItsWorkspace: a Slack `/target update`, through
// the whole server, reads and writes no key outside its workspace's hash
// tag (DESIGN section 21), so on Redis Cluster it is served by the one
// node of its workspace's slot, and no key is hot for every workspace.
// MONITOR on a private Redis sees every command the bot sends and every
// command its scripts run.
func TestUpdateTouchesOnlyItsWorkspace(t *testing.T) {
	rdb := redistest.NewTCPServer(t)
	p := startTargetbot(t, rdb.URL()) // imports eds: a write that lists the workspace
	conn, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(rdb.URL(), "redis://"), "/0"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		r := bufio.NewScanner(conn)
		for r.Scan() {
			lines <- r.Text()
		}
	}()
	if ok := <-lines; ok != "+OK" {
		t.Fatalf("MONITOR answered %q", ok)
	}
	const n = 3
	for i := range n {
		signedCommand(t, p.addr, "update eds/1.1 "+strconv.Itoa(10*(i+1))+"% on-track a note")
	}
	signedCommand(t, p.addr, "update eds/1.2 done")
	time.Sleep(200 * time.Millisecond) // the last lines in flight
	_ = conn.Close()

	tag := ":{slack:" + benchTeam + "}:"
	calls, keys := 0, 0
	for line := range lines {
		if strings.Contains(line, `"fcall"`) || strings.Contains(line, `"evalsha"`) {
			calls++
		}
		for _, m := range monitorArg.FindAllStringSubmatch(line, -1) {
			if !strings.HasPrefix(m[1], "tbtest:") {
				continue // not a key of the store's: a name, a value
			}
			keys++
			if !strings.Contains(m[1], tag) {
				t.Errorf("an update touched %q, outside its workspace's hash tag:\n%s", m[1], line)
			}
		}
	}
	if calls != n+1 || keys == 0 {
		t.Fatalf("MONITOR saw %d update calls and %d keys, want %d calls", calls, keys, n+1)
	}
}
