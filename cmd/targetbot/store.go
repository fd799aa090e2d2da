package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
	"github.com/targetbot/targetbot/store/redisstore"
)

// openStore opens the store a store URL names, behind store.Checked,
// which checks input once above the driver; from says where the URL
// came from ("--store", "TARGETBOT_STORE", "REDIS_URL") for errors.
// prefix, when set, starts every Redis key, so tests can share one server.
func openStore(ctx context.Context, url, from, prefix string, logger *slog.Logger) (store.Store, error) {
	s, err := openDriver(ctx, url, from, prefix, logger)
	if err != nil {
		return nil, err
	}
	return store.Checked(s), nil
}

// openDriver opens the driver a store URL names, as openStore says.
func openDriver(ctx context.Context, url, from, prefix string, logger *slog.Logger) (store.Store, error) {
	scheme, rest, hasScheme := strings.Cut(url, ":")
	switch {
	case scheme == "bolt":
		if rest == "" {
			return nil, fmt.Errorf("%s %q names no file: use bolt:PATH, for example bolt:targetbot.db", from, url)
		}
		if strings.ContainsAny(rest, "?#") {
			return nil, fmt.Errorf("%s %q: bolt:PATH takes a file path and no options; a path with ? or # in it is almost always a mistake", from, url)
		}
		if dir := filepath.Dir(rest); dir != "." {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return nil, fmt.Errorf("%s %q: the folder %s does not exist: create it, or choose another path", from, url, dir)
			}
		}
		s, err := boltstore.Open(rest, nil)
		switch {
		case errors.Is(err, boltstore.ErrLocked):
			if logger != nil {
				logger.Info("store locked", "store", url, "err", err)
			}
			return nil, fmt.Errorf("another targetbot process is using %s: stop it, or give your commands to that one, and try again (to run several at once, keep the store in Redis)", rest)
		case err != nil:
			return nil, err
		}
		return s, nil
	case scheme == "redis", scheme == "rediss", scheme == "unix", scheme == "redis-cluster":
		return redisstore.Open(ctx, url, &redisstore.Options{Prefix: prefix, Logger: logger})
	case !hasScheme || strings.HasSuffix(url, ".db"):
		return nil, fmt.Errorf("%s %q has no scheme: for a file, write bolt:%s", from, url, url)
	default:
		return nil, fmt.Errorf("%s %q has an unknown scheme: use bolt:PATH, redis://HOST:PORT/DB, rediss://… or redis-cluster://HOST:PORT,HOST:PORT", from, url)
	}
}

// requireExisting refuses a bolt: store whose file does not exist, for
// the subcommands that read what is stored (dump, report, run-schedules):
// opening the path would create an empty file, and they would then
// report nothing. The default store is named as a file in this folder,
// not as TARGETBOT_STORE, which the user never set.
func requireExisting(url, from string) error {
	path, ok := strings.CutPrefix(url, "bolt:")
	if !ok {
		return nil
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if from == "" {
		from = "TARGETBOT_STORE"
	}
	if url == DefaultStore && from == "TARGETBOT_STORE" {
		return fmt.Errorf("there is no %s in this folder: run targetbot in the folder that holds it, or name it with --store bolt:PATH", path)
	}
	return fmt.Errorf("%s %s: there is no such file", from, url)
}

// checkReachable fails, in one sentence, when the store does not
// answer: the console and run-schedules are no use without it. The
// driver's error chain goes to the log, not the sentence. serve starts
// anyway and reports through /readyz, since Redis may come up after it.
func checkReachable(ctx context.Context, s store.Store, url string, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		log.Info("store unreachable", "store", redact(url), "err", err)
		return fmt.Errorf("cannot reach the store at %s: is it running?", redact(url))
	}
	return nil
}

// quietHandler passes on only records at or above min: the subcommands
// that stop at once on an unreachable store say so in one sentence, and
// the driver's own warnings on opening would print before it.
type quietHandler struct {
	slog.Handler
	min slog.Level
}

// Enabled reports whether l reaches min and the wrapped handler takes it.
func (q quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= q.min && q.Handler.Enabled(ctx, l)
}
