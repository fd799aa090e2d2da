package redisstore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// TestRedisDown stops a private server under a working store: every
// call must come back quickly as EUNAVAILABLE with the user-safe
// message, and none may panic.
func TestRedisDown(t *testing.T) {
	ctx := context.Background()
	srv := redistest.NewServer(t)
	s, err := redisstore.Open(ctx, srv.URL(), &redisstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const ws = "slack:T1"
	fw := sizedFramework("eqs", 3)
	if _, err := s.Import(ctx, ws, fw, t0); err != nil {
		t.Fatalf("Import while up: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping while up: %v", err)
	}

	srv.Stop()

	ref := "eqs/1.1"
	d := framework.Date("2026-04-01")
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Ping", func(ctx context.Context) error { return s.Ping(ctx) }},
		{"Workspace", func(ctx context.Context) error { _, err := s.Workspace(ctx, ws); return err }},
		{"Workspaces", func(ctx context.Context) error { _, err := s.Workspaces(ctx); return err }},
		{"SetTimezone", func(ctx context.Context) error { return s.SetTimezone(ctx, ws, "UTC") }},
		{"Import", func(ctx context.Context) error { _, err := s.Import(ctx, ws, fw, t0); return err }},
		{"Target", func(ctx context.Context) error { _, err := s.Target(ctx, ws, ref); return err }},
		{"Targets", func(ctx context.Context) error { _, err := s.Targets(ctx, ws); return err }},
		{"AddTarget", func(ctx context.Context) error {
			return s.AddTarget(ctx, ws, framework.Target{Framework: "eqs", Objective: "1", Code: "x", Title: "X"})
		}},
		{"WorkspaceTarget", func(ctx context.Context) error { _, _, err := s.WorkspaceTarget(ctx, ws, ref); return err }},
		{"ChangeTarget", func(ctx context.Context) error {
			_, _, err := s.ChangeTarget(ctx, ws, ref, framework.Change{Kind: framework.EventDue, Due: d})
			return err
		}},
		{"AddEvidence", func(ctx context.Context) error {
			_, err := s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: "https://example.org"})
			return err
		}},
		{"Events", func(ctx context.Context) error { _, err := s.Events(ctx, ws, ref, 0); return err }},
		{"Evidence", func(ctx context.Context) error { _, err := s.Evidence(ctx, ws, ""); return err }},
		{"StartCycle", func(ctx context.Context) error { _, _, err := s.StartCycle(ctx, ws, "2026/27", t0); return err }},
		{"AppendUpdate", func(ctx context.Context) error {
			_, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "U1", Progress: 10}, store.Once{})
			return err
		}},
		{"Updates", func(ctx context.Context) error { _, err := s.Updates(ctx, ws, ref, 5); return err }},
		{"UpdatesSince", func(ctx context.Context) error { _, _, err := s.UpdatesSince(ctx, ws, t0, time.Time{}, 25); return err }},
		{"LastUpdateBy", func(ctx context.Context) error { _, err := s.LastUpdateBy(ctx, ws, "U1"); return err }},
		{"Withdraw", func(ctx context.Context) error { _, _, err := s.Withdraw(ctx, ws, "x", t0); return err }},
		{"Due", func(ctx context.Context) error { _, err := s.Due(ctx, ws, "", d); return err }},
		{"Stale", func(ctx context.Context) error { _, err := s.Stale(ctx, ws, t0); return err }},
		{"NoteReminded", func(ctx context.Context) error { return s.NoteReminded(ctx, ws, []string{ref}) }},
		{"PutSubscription", func(ctx context.Context) error {
			return s.PutSubscription(ctx, framework.Subscription{Workspace: ws, Channel: "C1", Spec: framework.DefaultDigestSpec})
		}},
		{"Subscriptions", func(ctx context.Context) error { _, err := s.Subscriptions(ctx, ws); return err }},
		{"AllSubscriptions", func(ctx context.Context) error { _, err := s.AllSubscriptions(ctx); return err }},
		{"MarkDigested", func(ctx context.Context) error { return s.MarkDigested(ctx, ws, "C1", t0) }},
		{"DeleteSubscription", func(ctx context.Context) error { return s.DeleteSubscription(ctx, ws, "C1") }},
		{"Claim", func(ctx context.Context) error { _, err := s.Claim(ctx, ws, "k", time.Minute); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := c.call(ctx)
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("took %v with Redis down, want under 3s", took)
			}
			if code := framework.ErrorCode(err); code != framework.EUNAVAILABLE {
				t.Fatalf("error %v has code %q, want %q", err, code, framework.EUNAVAILABLE)
			}
			if !errors.Is(err, framework.ErrUnavailable) {
				t.Errorf("error %v is not ErrUnavailable", err)
			}
		})
	}
}

// TestCancelledContext maps a cancelled request to EUNAVAILABLE, not an
// internal error, so the user is told to try again.
func TestCancelledContext(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Targets(ctx, "slack:T1"); framework.ErrorCode(err) != framework.EUNAVAILABLE {
		t.Fatalf("Targets with a cancelled context: %v, want EUNAVAILABLE", err)
	}
	if _, _, err := s.AppendUpdate(ctx, "slack:T1", framework.Update{Target: "a/1", Author: "U1", Progress: 1}, store.Once{}); framework.ErrorCode(err) != framework.EUNAVAILABLE {
		t.Fatalf("AppendUpdate with a cancelled context: %v, want EUNAVAILABLE", err)
	}
}

// TestOpenURLs covers the store URL forms DESIGN.md names, and the error
// for anything else.
func TestOpenURLs(t *testing.T) {
	cases := []struct {
		url     string
		cluster bool
		err     string // substring of the error; "" means it opens
	}{
		{url: "redis://127.0.0.1:1/0"},
		{url: "rediss://user:secret@127.0.0.1:1"},
		{url: "unix:///nonexistent/redis.sock?db=2"},
		{url: "redis-cluster://127.0.0.1:1,127.0.0.1:2", cluster: true},
		{url: "redis-cluster://user:pw@127.0.0.1:1?read_timeout=1s", cluster: true},
		{url: "bolt:targetbot.db", err: "redis-cluster://host:port,host:port"},
		{url: "http://localhost:6379", err: "use redis://"},
		{url: "redis-cluster://", err: "no nodes"},
		{url: "redis-cluster://localhost", err: "has no port"},
		{url: "redis://localhost:6379/notadb", err: "bad store URL"},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			// Open pings once; nothing listens on these ports, so bound it.
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			s, err := redisstore.Open(ctx, tc.url, &redisstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Open(%q) error = %v, want one containing %q", tc.url, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tc.url, err)
			}
			defer s.Close()
			if _, ok := s.Client().(*redis.ClusterClient); ok != tc.cluster {
				t.Fatalf("Open(%q) client is %T, cluster want %v", tc.url, s.Client(), tc.cluster)
			}
		})
	}
	if _, err := redisstore.Open(context.Background(), "redis://127.0.0.1:1", &redisstore.Options{Prefix: "a{b}"}); err == nil {
		t.Fatal("Open with a prefix holding braces: no error, want one (it would break the hash tag)")
	}
}
