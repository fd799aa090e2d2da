package console

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/bottest"
)

// The console passes the platform conformance suite: it pings no one,
// and a terminal links any URL it prints.
func TestConformance(t *testing.T) {
	bottest.Run(t, func(t *testing.T) bottest.Harness {
		var out bytes.Buffer
		return &harness{out: &out, poster: NewPoster(&out)}
	})
}

type harness struct {
	out    *bytes.Buffer
	poster *Poster
}

func (h *harness) Place() bottest.Place {
	return bottest.Place{Workspace: "local", Channel: "general", Users: [2]string{"amy", "bob"}}
}

func (h *harness) Poster() bot.Poster { return h.poster }

// heading is the line Post prints before each message.
var heading = regexp.MustCompile(`(?m)^── (#\S+|DM to @\S+) ──\n`)

// urls are what a terminal links: an http or https URL up to a space.
var urls = regexp.MustCompile(`https?://\S+`)

func (h *harness) Shown(t *testing.T) []bottest.Shown {
	out := h.out.String()
	h.out.Reset()
	var shown []bottest.Shown
	locs := heading.FindAllStringSubmatchIndex(out, -1)
	for i, loc := range locs {
		end := len(out)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		to := out[loc[2]:loc[3]]
		to = strings.TrimPrefix(strings.TrimPrefix(to, "#"), "DM to @")
		s := bottest.Shown{To: to, Text: out[loc[1]:end]}
		for _, u := range urls.FindAllString(s.Text, -1) {
			s.Links = append(s.Links, bottest.Link{Label: u, URL: u})
		}
		shown = append(shown, s)
	}
	return shown
}
