package discord

import (
	"context"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

// The adapter posts only with a bot token, and runs the Gateway only
// with a bot token and no public key: otherwise Run returns at once.
func TestPlatform(t *testing.T) {
	h := bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return bot.Reply{} })
	tests := []struct {
		name  string
		opts  Options
		posts bool
	}{
		{"public key only", Options{PublicKey: testPublic}, false},
		{"public key and a bot token", Options{PublicKey: testPublic, BotToken: "t"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Handler = h
			a, err := New(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if a.Name() != "discord" || (a.Poster() != nil) != tt.posts {
				t.Errorf("Name = %q, Poster = %v; want discord, posting %v", a.Name(), a.Poster(), tt.posts)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel() // Run must not wait for it
			if err := a.Run(ctx); err != nil {
				t.Errorf("Run = %v, want nil at once", err)
			}
		})
	}
}
