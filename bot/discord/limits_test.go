package discord

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

// wireMessage is a message as Discord reads it: a channel post, a
// follow-up, or an interaction response's data.
type wireMessage struct {
	Content    string      `json:"content"`
	Flags      int         `json:"flags"`
	Embeds     []wireEmbed `json:"embeds"`
	Components []struct {
		Type       int `json:"type"`
		Components []struct {
			Type     int    `json:"type"`
			Label    string `json:"label"`
			Style    int    `json:"style"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	} `json:"components"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
		Users []string `json:"users"`
	} `json:"allowed_mentions"`
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

type wireEmbed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Color       int    `json:"color"`
	Fields      []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Inline bool   `json:"inline"`
	} `json:"fields"`
}

// wire is m as the adapter sends it.
func wire(t testing.TB, m message) wireMessage {
	t.Helper()
	b, err := json.Marshal(bodyOf(m, 0))
	if err != nil {
		t.Fatal(err)
	}
	var w wireMessage
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// text is everything a message shows, for finding what it holds.
func (m wireMessage) text() string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + "\n" + f.Value)
		}
	}
	return b.String()
}

// buttons lists the message's buttons, label and custom id.
func (m wireMessage) buttons() (labels, ids []string) {
	for _, row := range m.Components {
		for _, c := range row.Components {
			labels, ids = append(labels, c.Label), append(ids, c.CustomID)
		}
	}
	return labels, ids
}

// checkLimits checks a message against every limit Discord enforces on
// what the adapter sends, and that nothing in it can ping anyone by
// itself.
func checkLimits(t testing.TB, where string, m wireMessage) {
	t.Helper()
	if width(m.Content) > maxContent {
		t.Errorf("%s: content of %d", where, width(m.Content))
	}
	if m.Content == "" && len(m.Embeds) == 0 {
		t.Errorf("%s: no content and no embeds", where)
	}
	if len(m.Embeds) > maxEmbeds {
		t.Errorf("%s: %d embeds", where, len(m.Embeds))
	}
	total := 0
	for i, e := range m.Embeds {
		at := fmt.Sprintf("%s embed %d", where, i)
		total += width(e.Title) + width(e.Description)
		if width(e.Title) > maxEmbedTitle || width(e.Description) > maxEmbedDesc || len(e.Fields) > maxFields {
			t.Errorf("%s: title %d, description %d, %d fields", at, width(e.Title), width(e.Description), len(e.Fields))
		}
		if e.Title == "" && e.Description == "" && len(e.Fields) == 0 {
			t.Errorf("%s: empty", at)
		}
		for _, f := range e.Fields {
			total += width(f.Name) + width(f.Value)
			if width(f.Name) > maxFieldName || width(f.Value) > maxFieldValue || f.Name == "" || f.Value == "" {
				t.Errorf("%s: field of %d/%d", at, width(f.Name), width(f.Value))
			}
		}
	}
	if total > maxEmbedTotal {
		t.Errorf("%s: embeds total %d", where, total)
	}
	if len(m.Components) > maxRows {
		t.Errorf("%s: %d rows", where, len(m.Components))
	}
	ids := map[string]bool{}
	for _, row := range m.Components {
		if row.Type != 1 || len(row.Components) == 0 || len(row.Components) > maxButtonsInRow {
			t.Errorf("%s: row of type %d with %d", where, row.Type, len(row.Components))
		}
		for _, b := range row.Components {
			if b.Type != 2 || b.Label == "" || width(b.Label) > maxButtonLabel || b.CustomID == "" || width(b.CustomID) > maxCustomID || ids[b.CustomID] {
				t.Errorf("%s: button %q / %q", where, b.Label, b.CustomID)
			}
			ids[b.CustomID] = true
		}
	}
	if am := m.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) > maxMentionUsers {
		t.Errorf("%s: allowed_mentions %+v, want parse [] and at most 100 users", where, am)
	}
}

var refRE = regexp.MustCompile("`eds/[0-9]+`")

// A reply as big as a command could make: hundreds of blocks with long
// titles, many fields, long text and more buttons than fit. Every message
// rendered from it is one Discord accepts, and nothing is lost: every
// block shows, and every button is in a message that shows its block.
func TestBigRepliesStayInDiscordLimits(t *testing.T) {
	long := strings.Repeat("Équité @everyone ", 400)
	var blocks []bot.Block
	for i := range 300 {
		b := bot.Block{Title: fmt.Sprintf("`eds/%d` %s", i, long[:600]), Text: long, Colour: "#ffffff"}
		for j := range 40 {
			name := fmt.Sprintf("f%d", j)
			if j%3 == 0 {
				name = long[:300] // too long for a field name
			}
			b.Fields = append(b.Fields, bot.Field{Name: name, Value: long[:j*30], Inline: j%2 == 0})
		}
		for j := range 12 {
			b.Buttons = append(b.Buttons, bot.Button{Label: long[:100], Command: fmt.Sprintf("snooze eds/%d %dd", i, j), Form: j%2 == 0})
		}
		blocks = append(blocks, b)
	}
	for _, dm := range []string{"", "81234"} {
		msgs := render(bot.Reply{Blocks: append([]bot.Block{{Text: long}}, blocks...), Details: blocks, Notify: []string{"555"}}, dm)
		pressed, shown := map[string]bool{}, map[string]bool{}
		fields := 0
		for i, m := range msgs {
			where := fmt.Sprintf("dm=%q message %d", dm, i)
			w := wire(t, m)
			checkLimits(t, where, w)
			if u := w.AllowedMentions.Users; len(u) != 1 || u[0] != "555" {
				t.Errorf("%s: users %v", where, u)
			}
			here := map[string]bool{}
			for _, ref := range refRE.FindAllString(w.text(), -1) {
				here[ref], shown[ref] = true, true
			}
			for _, e := range w.Embeds {
				fields += len(e.Fields)
				for _, l := range strings.Split(e.Description, "\n") {
					if strings.HasPrefix(l, "**f") || strings.HasPrefix(l, "**Équité") {
						fields++ // a field too big for one, shown as a line
					}
				}
			}
			_, ids := w.buttons()
			for _, id := range ids {
				var n, d int
				if _, err := fmt.Sscanf(id[strings.Index(id, "eds/"):], "eds/%d %dd", &n, &d); err != nil {
					t.Fatalf("%s: custom id %q", where, id)
				}
				if !here[fmt.Sprintf("`eds/%d`", n)] {
					t.Errorf("%s: button %q without its block", where, id)
				}
				pressed[id] = true
			}
		}
		for i := range 300 {
			if !shown[fmt.Sprintf("`eds/%d`", i)] {
				t.Errorf("dm=%q: block %d not shown", dm, i)
			}
			for j := range 12 {
				id := customID(blocks[i].Buttons[j], dm)
				if !pressed[id] {
					t.Errorf("dm=%q: no button %q", dm, id)
				}
			}
		}
		if fields != 300*2*40 {
			t.Errorf("dm=%q: %d fields shown, want %d", dm, fields, 300*2*40)
		}
	}
}
