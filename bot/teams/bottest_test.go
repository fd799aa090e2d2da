package teams

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/bottest"
)

// teamsMaxActivity is the size over which Teams refuses an activity,
// written out again here so the suite checks the renderer against Teams
// rather than against its own constants.
const teamsMaxActivity = 28 * 1024

// Teams passes the platform conformance suite, posting to the fake Bot
// Framework; every activity is checked against Teams' size limit. This
// is where Teams runs the worst-case digest.
func TestConformance(t *testing.T) {
	bottest.Run(t, func(t *testing.T) bottest.Harness {
		return &conformance{h: postHarness(t)}
	})
}

type conformance struct {
	h    *harness
	seen int // activities already shown
}

func (c *conformance) Place() bottest.Place {
	return bottest.Place{Workspace: testWS, Channel: "19:general@thread.tacv2", Users: [2]string{priya.AAD, sam.AAD}, CanPing: true}
}

func (c *conformance) Poster() bot.Poster { return c.h.adapter }

func (c *conformance) Shown(t *testing.T) []bottest.Shown {
	t.Helper()
	acts := activities(c.h.fake.Calls())
	var out []bottest.Shown
	for i, act := range acts[c.seen:] {
		if b, _ := json.Marshal(act.Body); len(b) > teamsMaxActivity {
			t.Errorf("activity %d of %d bytes, over Teams' %d", i, len(b), teamsMaxActivity)
		}
		conv := strings.TrimPrefix(act.Path, "/v3/conversations/")
		conv, _, _ = strings.Cut(conv, "/")
		conv, _, _ = strings.Cut(conv, ";messageid=") // a thread of the channel
		s := bottest.Shown{To: strings.TrimPrefix(conv, "a:dm-")}
		var text strings.Builder
		for _, md := range textsInOrder(act.Body) {
			shown, links := readCardMarkdown(md)
			text.WriteString(shown + "\n")
			s.Links = append(s.Links, links...)
		}
		s.Text = text.String()
		// A mention notifies only as an entity whose text the card shows.
		for _, m := range mentionsOf(act.Body) {
			if strings.Contains(text.String(), "@"+strings.TrimSuffix(strings.TrimPrefix(m.Text, "<at>"), "</at>")) {
				s.Pings = append(s.Pings, m.Mentioned.ID)
			}
		}
		out = append(out, s)
	}
	c.seen = len(acts)
	return out
}

// textsInOrder is every TextBlock's text in v, in the order a card shows
// them; mention entities are left out.
func textsInOrder(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if v["type"] == "TextBlock" {
			s, _ := v["text"].(string)
			return []string{s}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			if k != "msteams" && k != "entities" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, textsInOrder(v[k])...)
		}
	case []any:
		for _, x := range v {
			out = append(out, textsInOrder(x)...)
		}
	}
	return out
}

// mentionsOf is every mention entity of every card in an activity.
func mentionsOf(act map[string]any) []mention {
	var out []mention
	atts, _ := act["attachments"].([]any)
	for _, a := range atts {
		b, _ := json.Marshal(a.(map[string]any)["content"])
		var card adaptiveCard
		if err := json.Unmarshal(b, &card); err == nil {
			out = append(out, card.MSTeams.Entities...)
		}
	}
	return out
}

// readCardMarkdown is what Teams shows for card markdown: a backslash
// makes the character after it literal, an unescaped [label](url) is a
// link, and <at>Name</at> shows as @Name.
func readCardMarkdown(md string) (string, []bottest.Link) {
	var b strings.Builder
	var links []bottest.Link
	for i := 0; i < len(md); i++ {
		switch c := md[i]; {
		case c == '\\' && i+1 < len(md):
			i++
			b.WriteByte(md[i])
		case strings.HasPrefix(md[i:], "<at>"):
			end := strings.Index(md[i:], "</at>")
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			b.WriteString("@" + md[i+4:i+end])
			i += end + len("</at>") - 1
		case c == '[':
			mid := labelEnd(md[i:])
			end := -1
			if mid > 0 && strings.HasPrefix(md[i+mid:], "](") {
				end = strings.IndexByte(md[i+mid:], ')')
			}
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			label, _ := readCardMarkdown(md[i+1 : i+mid])
			dest := md[i+mid+2 : i+mid+end]
			if u, err := url.PathUnescape(dest); err == nil {
				dest = u // the same URL, as the browser reads it
			}
			links = append(links, bottest.Link{Label: label, URL: dest})
			b.WriteString(label)
			i += mid + end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), links
}

// labelEnd is the index of the unescaped "]" that closes the label
// starting at s[0], or -1.
func labelEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ']':
			return i
		}
	}
	return -1
}
