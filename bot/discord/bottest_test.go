package discord

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/bottest"
)

// Discord passes the platform conformance suite, posting to the fake
// REST API; every message is checked against Discord's limits.
func TestConformance(t *testing.T) {
	bottest.Run(t, func(t *testing.T) bottest.Harness {
		api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
			w.Header().Set("Content-Type", "application/json")
			if r.Path == "/users/@me/channels" {
				fmt.Fprintf(w, `{"id":"dm-%s","type":1}`, r.json(t)["recipient_id"])
				return
			}
			fmt.Fprintf(w, `{"id":"%d"}`, 1300+n)
		})
		return &conformance{api: api, adapter: newAdapter(t, &fakeHandler{}, api, nil)}
	})
}

type conformance struct {
	api     *fakeDiscord
	adapter *Adapter
}

func (h *conformance) Place() bottest.Place {
	return bottest.Place{Workspace: "discord:81234", Channel: "90001",
		Users: [2]string{"100000000000000001", "100000000000000002"}, CanPing: true}
}

func (h *conformance) Poster() bot.Poster { return h.adapter }

func (h *conformance) Shown(t *testing.T) []bottest.Shown {
	t.Helper()
	var out []bottest.Shown
	for i, p := range messages(t, h.api.drain(t)) {
		checkLimits(t, fmt.Sprintf("%s #%d", p.path, i), p.msg)
		to := strings.TrimSuffix(strings.TrimPrefix(p.path, "/channels/"), "/messages")
		to = strings.TrimPrefix(to, "dm-")
		s := bottest.Shown{To: to}
		var text strings.Builder
		read := func(md string, content bool) {
			shown, links, users, everyone := readMarkdown(md)
			text.WriteString(shown + "\n")
			s.Links = append(s.Links, links...)
			if !content {
				return // an embed pings no one
			}
			am := p.msg.AllowedMentions
			for _, u := range users {
				if am == nil || slices.Contains(am.Parse, "users") || slices.Contains(am.Users, u) {
					s.Pings = append(s.Pings, u)
				}
			}
			if everyone && (am == nil || slices.Contains(am.Parse, "everyone")) {
				s.Pings = append(s.Pings, "@everyone")
			}
		}
		read(p.msg.Content, true)
		for _, e := range p.msg.Embeds {
			read(e.Title, false)
			read(e.Description, false)
			for _, f := range e.Fields {
				read(f.Name, false)
				read(f.Value, false)
			}
		}
		s.Text = text.String()
		out = append(out, s)
	}
	return out
}

// readMarkdown is what Discord shows for markdown: a backslash makes the
// punctuation after it literal; <url> and an unescaped [label](url) are
// links; <@id> mentions id; an unescaped @everyone or @here pings
// everyone, if the message allows it.
func readMarkdown(md string) (shown string, links []bottest.Link, users []string, everyone bool) {
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		c := md[i]
		switch {
		case c == '\\' && i+1 < len(md) && isPunct(md[i+1]):
			i++
			b.WriteByte(md[i])
		case c == '<':
			end := strings.IndexByte(md[i:], '>')
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			inner := md[i+1 : i+end]
			switch {
			case strings.HasPrefix(inner, "http://") || strings.HasPrefix(inner, "https://"):
				links = append(links, bottest.Link{Label: inner, URL: inner})
				b.WriteString(inner)
			case strings.HasPrefix(inner, "@") && snowflake(strings.TrimPrefix(inner[1:], "!")):
				id := strings.TrimPrefix(inner[1:], "!")
				users = append(users, id)
				b.WriteString("@" + id)
			default:
				b.WriteString(md[i : i+end+1])
			}
			i += end
		case c == '[':
			close := strings.Index(md[i:], "](")
			end := -1
			if close > 0 {
				end = strings.IndexByte(md[i+close:], ')')
			}
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			label, _, _, _ := readMarkdown(md[i+1 : i+close])
			u := md[i+close+2 : i+close+end]
			links = append(links, bottest.Link{Label: label, URL: u})
			b.WriteString(label)
			i += close + end
		case c == '@' && (strings.HasPrefix(md[i:], "@everyone") || strings.HasPrefix(md[i:], "@here")):
			everyone = true
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), links, users, everyone
}
