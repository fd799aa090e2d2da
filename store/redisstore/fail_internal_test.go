package redisstore

import (
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/targetbot/targetbot/framework"
)

// reply is a server error reply, as go-redis returns one.
type reply string

func (r reply) Error() string { return string(r) }
func (reply) RedisError()     {}

// Issue 27 item 4: a Cluster redirect met during a failover is "try
// again" (unavailable), not an internal error; a reply that means a bug
// here stays internal.
func TestFailMapsReplies(t *testing.T) {
	s := &Store{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	tests := []struct {
		err  error
		code string
	}{
		{reply("MOVED 3999 127.0.0.1:6381"), framework.EUNAVAILABLE},
		{reply("ASK 3999 127.0.0.1:6381"), framework.EUNAVAILABLE},
		{reply("CLUSTERDOWN The cluster is down"), framework.EUNAVAILABLE},
		{reply("TRYAGAIN Multiple keys request during rehashing of slot"), framework.EUNAVAILABLE},
		{reply("ERR wrong number of arguments for 'hset' command"), framework.EINTERNAL},
		{reply("WRONGTYPE Operation against a key holding the wrong kind of value"), framework.EINTERNAL},
	}
	for _, tt := range tests {
		err := s.fail("append update", tt.err)
		if got := framework.ErrorCode(err); got != tt.code {
			t.Errorf("%q = %s (%v), want %s", tt.err, got, err, tt.code)
		}
		if !errors.Is(err, tt.err) {
			t.Errorf("%q: the mapped error does not wrap the reply: %v", tt.err, err)
		}
	}
}
