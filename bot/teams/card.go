package teams

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/targetbot/targetbot/bot"
)

const (
	cardVersion = "1.5"
	cardSchema  = "http://adaptivecards.io/schemas/adaptive-card.json"
	// cardContentType is an Adaptive Card attachment's content type.
	cardContentType = "application/vnd.microsoft.card.adaptive"

	// Teams refuses an activity over about 28 KB. A card is kept under
	// maxCardBytes so the activity around it (ids, summary) stays under
	// the limit; longer replies become more cards, in order.
	maxCardBytes = 24000
	// maxPieceBytes bounds one block's container, so a long block splits
	// into several containers that pack into cards.
	maxPieceBytes = 20000
	// maxLineBytes bounds one line of markup in one TextBlock.
	maxLineBytes = 2000
)

// adaptiveCard is the JSON of one Adaptive Card.
type adaptiveCard struct {
	Type    string    `json:"type"` // "AdaptiveCard"
	Schema  string    `json:"$schema"`
	Version string    `json:"version"`
	Body    []any     `json:"body"`
	MSTeams cardTeams `json:"msteams"`
}

// cardTeams is the card's Teams-only part: full width, so lists read as
// lists, and the mentions in its text.
type cardTeams struct {
	Width    string    `json:"width,omitempty"`
	Entities []mention `json:"entities,omitempty"`
}

// piece is one container of a card and the mentions its text makes.
type piece struct {
	el    map[string]any
	ments []mention
}

// render turns a reply into cards: the blocks' cards, then the details'
// cards, each under maxCardBytes. Every line of every block is in them;
// a block too long for one card continues in the next.
func (e *renderEnv) render(r bot.Reply) (top, details []adaptiveCard) {
	return e.cards(r.Blocks), e.cards(r.Details)
}

func (e *renderEnv) cards(blocks []bot.Block) []adaptiveCard {
	var pieces []piece
	for _, b := range blocks {
		pieces = append(pieces, e.block(b)...)
	}
	var out []adaptiveCard
	var cur []piece
	for _, p := range pieces {
		if len(cur) > 0 && jsonSize(newCard(append(cur, p))) > maxCardBytes {
			out = append(out, newCard(cur))
			cur = nil
		}
		cur = append(cur, p)
	}
	if len(cur) > 0 {
		out = append(out, newCard(cur))
	}
	return out
}

func newCard(pieces []piece) adaptiveCard {
	c := adaptiveCard{Type: "AdaptiveCard", Schema: cardSchema, Version: cardVersion, Body: []any{}, MSTeams: cardTeams{Width: "Full"}}
	seen := map[string]bool{}
	for _, p := range pieces {
		c.Body = append(c.Body, p.el)
		for _, m := range p.ments {
			if k := m.Mentioned.ID + "\x00" + m.Text; !seen[k] {
				seen[k] = true
				c.MSTeams.Entities = append(c.MSTeams.Entities, m)
			}
		}
	}
	return c
}

// block renders one block as one or more containers in its colour's
// style: its title in bold, each line of its text and each field as a
// TextBlock (card markdown reads a single newline differently on each
// client, so lines are never joined), and its buttons last.
func (e *renderEnv) block(b bot.Block) []piece {
	type line struct {
		markup string
		bold   bool
		gap    bool // a blank line came before it
	}
	var lines []line
	add := func(markup string, bold bool) {
		gap := false
		for _, l := range strings.Split(markup, "\n") {
			if strings.TrimSpace(l) == "" {
				gap = len(lines) > 0
				continue
			}
			for _, part := range splitLine(l, maxLineBytes) {
				lines = append(lines, line{markup: part, bold: bold, gap: gap})
				gap = false
			}
		}
	}
	add(b.Title, true)
	add(b.Text, false)
	for _, f := range b.Fields {
		add(bot.Bold(f.Name+":")+" "+f.Value, false)
	}
	style := containerStyle(b.Colour)
	newPiece := func() piece {
		el := map[string]any{"type": "Container", "items": []any{}}
		if style != "" {
			el["style"] = style
		}
		return piece{el: el}
	}
	var out []piece
	cur := newPiece()
	size := 0
	for _, l := range lines {
		var ments []mention
		weight := ""
		if l.bold {
			weight = "Bolder"
		}
		tb := textBlock(e.markdownLine(l.markup, &ments), weight)
		if l.gap {
			tb["spacing"] = "Medium"
		} else if len(cur.el["items"].([]any)) > 0 {
			tb["spacing"] = "None"
		}
		n := jsonSize(tb) + jsonSize(ments)
		if size > 0 && size+n > maxPieceBytes {
			out = append(out, cur)
			cur, size = newPiece(), 0
		}
		cur.el["items"] = append(cur.el["items"].([]any), tb)
		cur.ments = append(cur.ments, ments...)
		size += n
	}
	if as := e.actionSet(b.Buttons); as != nil {
		cur.el["items"] = append(cur.el["items"].([]any), as)
	}
	if len(cur.el["items"].([]any)) > 0 {
		out = append(out, cur)
	}
	return out
}

func textBlock(md, weight string) map[string]any {
	tb := map[string]any{"type": "TextBlock", "text": md, "wrap": true}
	if weight != "" {
		tb["weight"] = weight
	}
	return tb
}

// actionSet renders buttons: Action.Submit whose data is the command the
// button runs, so a press needs no server-side state, and for a form
// button an Action.ShowCard that opens its form in place.
func (e *renderEnv) actionSet(buttons []bot.Button) map[string]any {
	var actions []any
	for _, bt := range buttons {
		cmd := strings.TrimSpace(bt.Command)
		if cmd == "" {
			continue
		}
		title := strings.TrimSpace(bt.Label)
		if title == "" {
			title = cmd
		}
		if f, ok := e.form(bt, cmd); ok {
			e.forms++
			actions = append(actions, map[string]any{"type": "Action.ShowCard", "title": title,
				"card": formCard(cmd, strconv.Itoa(e.forms), e.ws, f)})
			continue
		}
		act := map[string]any{"type": "Action.Submit", "title": title, "data": submission{Command: cmd, Workspace: e.ws}}
		switch bt.Style {
		case "primary":
			act["style"] = "positive"
		case "danger":
			act["style"] = "destructive"
		}
		actions = append(actions, act)
	}
	if len(actions) == 0 {
		return nil
	}
	return map[string]any{"type": "ActionSet", "actions": actions}
}

// form is the form a button opens: the one the Handler declares for its
// command, when it is a form button.
func (e *renderEnv) form(bt bot.Button, cmd string) (bot.Form, bool) {
	if !bt.Form || e.lang == nil {
		return bot.Form{}, false
	}
	return e.lang.Form(cmd)
}

// containerStyle maps a block's "#rrggbb" colour to the nearest container
// style Teams offers: good (green), warning (amber), attention (red) or
// accent (blue and purple); greys and unknown values get none. Colour is
// never the only signal: the status or grade is in the text as words.
func containerStyle(hex string) string {
	hex = strings.TrimPrefix(strings.TrimSpace(hex), "#")
	v, err := strconv.ParseUint(hex, 16, 32)
	if len(hex) != 6 || err != nil {
		return ""
	}
	r, g, b := float64(v>>16&0xff), float64(v>>8&0xff), float64(v&0xff)
	hi, lo := max(r, g, b), min(r, g, b)
	if hi-lo < 40 {
		return "" // grey: not started, unrated
	}
	var hue float64
	switch hi {
	case r:
		hue = 60 * (g - b) / (hi - lo)
	case g:
		hue = 60 * ((b-r)/(hi-lo) + 2)
	default:
		hue = 60 * ((r-g)/(hi-lo) + 4)
	}
	if hue < 0 {
		hue += 360
	}
	switch {
	case hue < 15 || hue >= 320:
		return "attention"
	case hue < 70:
		return "warning"
	case hue < 170:
		return "good"
	default:
		return "accent"
	}
}

// jsonSize is the size of v as the connector client encodes it.
func jsonSize(v any) int {
	b, err := marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

// marshal encodes JSON without HTML escaping: Teams reads the text as is,
// and "<at>" stays "<at>" rather than growing into "\u003cat\u003e".
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
