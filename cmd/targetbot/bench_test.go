package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot/slack"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// BenchmarkSlackCommandsHTTP measures signed /slack/commands requests end
// to end: HTTP, signature check, parsing, one Redis write, and the Block
// Kit reply, from parallel clients over loopback. It reports commands per
// second and the p50 and p99 latency. Point TARGETBOT_TEST_REDIS at a
// TCP Redis to measure over loopback TCP rather than a unix socket.
func BenchmarkSlackCommandsHTTP(b *testing.B) {
	url := redistest.Start(b)
	_, base, stop := servedMain(b, url, redistest.Prefix(b))
	defer stop()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	send := func(text string) (time.Duration, error) {
		body := slackForm("TBENCH", "UADMIN", text)
		ts := time.Now().Unix()
		req, _ := http.NewRequest("POST", base+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Slack-Signature", slack.Sign(slackSecret, ts, []byte(body)))
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return 0, fmt.Errorf("status %d", res.StatusCode)
		}
		return time.Since(start), nil
	}
	if _, err := send("import eds"); err != nil {
		b.Fatal(err)
	}

	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8) // 8 clients per core
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		i := 0
		for pb.Next() {
			i++
			d, err := send(fmt.Sprintf("update eds/1.%d %d%% on-track bench", i%5+1, i%100))
			if err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, d)
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "commands/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
