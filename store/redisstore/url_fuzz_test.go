package redisstore

import (
	"strings"
	"testing"
)

// FuzzNewClient feeds arbitrary store URLs to the parser: it must never
// panic, and every rejection must show the forms it accepts.
func FuzzNewClient(f *testing.F) {
	for _, s := range []string{
		"redis://localhost:6379/0",
		"rediss://u:p@host:6380",
		"unix:///tmp/redis.sock?db=1",
		"redis-cluster://a:1,b:2",
		"redis-cluster://u:p@a:1,,b:2/?read_timeout=1s",
		"redis-cluster://",
		"bolt:x.db",
		"redis://[::1]:6379",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, url string) {
		c, _, _, err := newClient(url)
		if err != nil {
			if !strings.Contains(err.Error(), "redis-cluster://host:port,host:port") {
				t.Fatalf("newClient(%q) error %q does not show the accepted forms", url, err)
			}
			return
		}
		_ = c.Close()
	})
}
