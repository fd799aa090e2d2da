package redisstore

import (
	"testing"

	"github.com/redis/go-redis/v9"
)

// The hot path's client is made from the URL's options as the pooled
// client is: with no retries (a write is never sent twice) and the same
// timeouts. go-redis rewrites options as it makes a client, so a client
// made from another's options would retry three times, and a write whose
// connection dropped after Redis applied it could be reported as refused.
func TestHotClientHasThePooledClientsOptions(t *testing.T) {
	for _, url := range []string{
		"redis://127.0.0.1:1/0",
		"redis://u:p@127.0.0.1:1/2?max_retries=2&read_timeout=-1&write_timeout=-2&dial_timeout=1s",
		"unix:///tmp/no.sock?db=3",
	} {
		s, err := dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if s.hotc == nil {
			t.Fatalf("%s: no hot client", url)
		}
		pooled, hot := s.c.(*redis.Client).Options(), s.hotc.Options()
		type opts struct {
			Network, Addr, Username, Password             string
			DB, MaxRetries, DialerRetries                 int
			MinRetryBackoff, MaxRetryBackoff, DialTimeout any
			ReadTimeout, WriteTimeout, PoolTimeout        any
			ContextTimeoutEnabled                         bool
		}
		of := func(o *redis.Options) opts {
			return opts{o.Network, o.Addr, o.Username, o.Password, o.DB, o.MaxRetries, o.DialerRetries,
				o.MinRetryBackoff, o.MaxRetryBackoff, o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout, o.ContextTimeoutEnabled}
		}
		if of(hot) != of(pooled) {
			t.Errorf("%s: hot client's options %+v, pooled client's %+v", url, of(hot), of(pooled))
		}
		if url == "redis://127.0.0.1:1/0" && hot.MaxRetries != 0 { // 0 once made: none
			t.Errorf("%s: the hot client retries %d times", url, hot.MaxRetries)
		}
		_ = s.Close()
	}
}
