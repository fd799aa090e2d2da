package slack

import (
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/bottest"
)

// Slack passes the platform conformance suite, posting to the fake Web
// API; every payload is checked against Block Kit's limits.
func TestConformance(t *testing.T) {
	bottest.Run(t, func(t *testing.T) bottest.Harness {
		f := newFakeSlack(t)
		return &conformance{fake: f, adapter: newTestAdapter(t, f, &recorder{}, nil)}
	})
}

type conformance struct {
	fake    *fakeSlack
	adapter *Adapter
	seen    int // chat.postMessage calls already shown
}

func (h *conformance) Place() bottest.Place {
	return bottest.Place{Workspace: worstWS, Channel: digestChannel, Users: [2]string{"U0AAAAAAA", "U0BBBBBBB"}, CanPing: true}
}

func (h *conformance) Poster() bot.Poster { return h.adapter }

func (h *conformance) Shown(t *testing.T) []bottest.Shown {
	t.Helper()
	posted := h.fake.posted(t)
	var out []bottest.Shown
	for _, p := range posted[h.seen:] {
		s := readMrkdwn(checkLimits(t, p))
		s.To, _ = p["channel"].(string)
		// A DM goes to the channel conversations.open gave: "D" and the user.
		if u, ok := strings.CutPrefix(s.To, "D"); ok {
			s.To = u
		}
		out = append(out, s)
	}
	h.seen = len(posted)
	return out
}

// readMrkdwn is what Slack shows for mrkdwn: <@U…> pings U… and shows
// their name, <!channel>, <!here> and <!everyone> ping everyone, <url>
// and <url|label> are links, and the three entities show as their
// characters.
func readMrkdwn(md string) bottest.Shown {
	var s bottest.Shown
	var b strings.Builder
	text := func(t string) {
		b.WriteString(strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(t))
	}
	for {
		i := strings.IndexByte(md, '<')
		if i < 0 {
			text(md)
			break
		}
		text(md[:i])
		j := strings.IndexByte(md[i:], '>')
		if j < 0 {
			text(md[i:])
			break
		}
		tok := md[i+1 : i+j]
		md = md[i+j+1:]
		switch {
		case strings.HasPrefix(tok, "@"):
			id, _, _ := strings.Cut(tok[1:], "|")
			s.Pings = append(s.Pings, id)
			b.WriteString("@" + id)
		case strings.HasPrefix(tok, "!"):
			what, _, _ := strings.Cut(tok[1:], "|")
			s.Pings = append(s.Pings, "@"+what)
			b.WriteString("@" + what)
		case strings.HasPrefix(tok, "#"):
			b.WriteString("#" + tok[1:])
		default:
			u, label, ok := strings.Cut(tok, "|")
			if !ok {
				label = u
			}
			label = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", zwsp, "").Replace(label)
			s.Links = append(s.Links, bottest.Link{Label: label, URL: strings.ReplaceAll(u, "&amp;", "&")})
			b.WriteString(label)
		}
	}
	s.Text = b.String()
	return s
}
