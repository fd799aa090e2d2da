package console

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/targetbot/targetbot/bot"
)

// Poster prints the messages the scheduler posts (digests to channels,
// reminders to users) for the console's workspace.
type Poster struct {
	mu   sync.Mutex
	out  io.Writer
	seen map[string]bool
}

// NewPoster returns a Poster writing to out.
func NewPoster(out io.Writer) *Poster {
	return &Poster{out: out, seen: map[string]bool{}}
}

var _ bot.Poster = (*Poster)(nil)

// Post prints m under a heading that says where it would go. A message
// whose Key was printed before is skipped, as a platform would.
func (p *Poster) Post(_ context.Context, m bot.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if m.Key != "" {
		if p.seen[m.Key] {
			return nil
		}
		p.seen[m.Key] = true
	}
	to := "#" + m.Channel
	if m.User != "" {
		to = "DM to @" + m.User
	}
	_, err := fmt.Fprintf(p.out, "── %s ──\n%s\n\n", to, Render(m.Reply))
	return err
}
