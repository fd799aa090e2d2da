package slack

import (
	"context"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

// The adapter posts only with a bot token, and has a connection to run
// only with an app token: without one, Run returns at once.
func TestPlatform(t *testing.T) {
	h := bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return bot.Reply{} })
	tests := []struct {
		name  string
		opts  Options
		posts bool
	}{
		{"webhooks only", Options{SigningSecret: "s"}, false},
		{"webhooks and a bot token", Options{SigningSecret: "s", BotToken: "xoxb-1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Handler = h
			a, err := New(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if a.Name() != "slack" || (a.Poster() != nil) != tt.posts {
				t.Errorf("Name = %q, Poster = %v; want slack, posting %v", a.Name(), a.Poster(), tt.posts)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel() // Run must not wait for it
			if err := a.Run(ctx); err != nil {
				t.Errorf("Run = %v, want nil at once", err)
			}
		})
	}
}
