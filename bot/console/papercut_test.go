package console

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

// exit leaves the console however it is typed.
func TestPapercutExitEndsTheSession(t *testing.T) {
	for _, word := range []string{"exit", "Exit", "QUIT", "/target exit", " exit "} {
		var handled []string
		h := bot.HandlerFunc(func(_ context.Context, r bot.Request) bot.Reply {
			handled = append(handled, r.Text)
			return bot.Say("ok", true)
		})
		var out bytes.Buffer
		c := New(Options{In: strings.NewReader("help\n" + word + "\nlist\n"), Out: &out, User: "sam", Handler: h})
		if err := c.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(handled) != 1 {
			t.Errorf("%q: handled %q, want only help", word, handled)
		}
	}
}
