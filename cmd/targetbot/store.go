package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore"
)

// openStore opens the store a TARGETBOT_STORE value names. prefix, when
// set, starts every Redis key, so tests can share one server.
func openStore(ctx context.Context, url, prefix string, logger *slog.Logger) (store.Store, error) {
	scheme, rest, _ := strings.Cut(url, ":")
	switch scheme {
	case "bolt":
		if rest == "" {
			return nil, fmt.Errorf("TARGETBOT_STORE %q names no file: use bolt:PATH, for example bolt:targetbot.db", url)
		}
		return boltstore.Open(rest, nil)
	case "redis", "rediss", "unix", "redis-cluster":
		return redisstore.Open(ctx, url, &redisstore.Options{Prefix: prefix, Logger: logger})
	default:
		return nil, fmt.Errorf("TARGETBOT_STORE %q has an unknown scheme: use bolt:PATH, redis://HOST:PORT/DB, rediss://… or redis-cluster://HOST:PORT,HOST:PORT", url)
	}
}
