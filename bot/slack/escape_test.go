package slack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

// Slack escapes &, < and > in slash-command text as HTML entities; the
// command layer must see what the user typed.
func TestSlashCommandTextIsUnescaped(t *testing.T) {
	f := newFakeSlack(t)
	rec := &recorder{}
	a := newTestAdapter(t, f, rec, nil)
	form, _ := url.ParseQuery(readFile(t, "command_update.form"))
	// As Slack sends "update eds/1.1 -- A&E wait <4h, >95% &amp; <@U1|bob>",
	// with should_escape on: the user's own & < > escaped, the mention not.
	form.Set("text", "update eds/1.1 -- A&amp;E wait &lt;4h, &gt;95% &amp;amp; <@U1|bob>")
	w := serve(a, signed("/slack/commands", form.Encode()))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("handler ran %d times", len(reqs))
	}
	if want := "update eds/1.1 -- A&E wait <4h, >95% &amp; <@U1|bob>"; reqs[0].Text != want {
		t.Errorf("text %q, want %q", reqs[0].Text, want)
	}
}

// Notes are user-supplied: one that says <!channel> or <!here> must not
// notify a whole channel when a reply or digest shows it, and & < > must
// reach Slack escaped. User mentions still work.
func TestRenderEscapesSpecialMentions(t *testing.T) {
	note := "A&E <!channel> <!here> <!everyone> <!subteam^S1> <https://evil.example|NHS login> <@U2CERLKJA> x<5"
	reply := bot.Reply{Text: "logged: " + note,
		Blocks: []bot.Block{{Title: "eds/1.1 <!here>", Text: note,
			Fields: []bot.Field{{Name: "Note", Value: note}, {Name: "Owner <!channel>", Value: note, Inline: true}}}},
		Details: []bot.Block{{Title: "<!channel>", Text: note}}}
	check := func(where, s string) {
		t.Helper()
		for _, bad := range []string{"<!", "<https", "A&E", "x<5"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q unescaped: %s", where, bad, s)
			}
		}
		if strings.Contains(s, "Owner") || strings.Contains(s, "A&amp;E") {
			if !strings.Contains(s, "&lt;!channel&gt;") && !strings.Contains(s, "&lt;!here&gt;") {
				t.Errorf("%s lost the escaped mention text: %s", where, s)
			}
		}
	}
	msg := render(reply)
	check("text", msg.Text)
	js, _ := json.Marshal(msg.Blocks)
	var back []map[string]any
	_ = json.Unmarshal(js, &back)
	raw, _ := json.Marshal(back)
	check("blocks", unescapeJSON(string(raw)))
	if !strings.Contains(unescapeJSON(string(raw)), "<@U2CERLKJA>") {
		t.Errorf("user mention lost: %s", raw)
	}
	for _, p := range detailParts(reply.Details) {
		check("details text", p.Text)
		js, _ := json.Marshal(p.Blocks)
		check("details blocks", unescapeJSON(string(js)))
	}
	for _, b := range textBlocks(note, maxBlocks) {
		check("text blocks", b.(*slack.SectionBlock).Text.Text)
	}
}

// unescapeJSON undoes encoding/json's \u003c style escapes so tests can
// look for < and & directly.
func unescapeJSON(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
}

// Escaping must not push a section over Slack's limits, nor cut an
// entity in half.
func TestEscapedTextStaysInLimits(t *testing.T) {
	long := strings.Repeat("&", 5000)
	sec := renderBlock(bot.Block{Text: long})[0].(*slack.SectionBlock)
	if n := len([]rune(sec.Text.Text)); n > maxSectionText {
		t.Errorf("section %d chars", n)
	}
	if s := strings.TrimSuffix(sec.Text.Text, "…"); !strings.HasSuffix(s, "&amp;") {
		t.Errorf("entity cut: ...%q", s[len(s)-10:])
	}
	for _, b := range textBlocks(long, maxBlocks) {
		s := b.(*slack.SectionBlock).Text.Text
		if len([]rune(s)) > maxSectionText || !strings.HasPrefix(s, "&amp;") || !strings.HasSuffix(s, "&amp;") {
			t.Errorf("chunk of %d chars: %q...%q", len([]rune(s)), s[:10], s[len(s)-10:])
		}
	}
}

func TestMrkdwn(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"A&E", "A&amp;E"},
		{"<!channel> <!here>", "&lt;!channel&gt; &lt;!here&gt;"},
		{"<@U123> and <@W9|bob>", "<@U123> and <@W9|bob>"},
		{"<#C1|general>", "<#C1|general>"},
		{"<@U1", "&lt;@U1"},
		{"<@u1>", "&lt;@u1&gt;"},
		{"<@U1|<!channel>>", "&lt;@U1|&lt;!channel&gt;&gt;"},
		{"<@>", "&lt;@&gt;"},
		{"<https://x|y>", "&lt;https://x|y&gt;"},
	} {
		if got := mrkdwn(c.in); got != c.want {
			t.Errorf("mrkdwn(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzMrkdwn checks that escaping loses nothing (Slack shows exactly what
// was typed) and leaves no special mention or link live.
func FuzzMrkdwn(f *testing.F) {
	for _, s := range []string{"A&E", "<!channel>", "<@U1|bob>", "<@U1|<!here>>", "&amp;lt;", "<#C1>", "<<@U1>>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := mrkdwn(s)
		if back := unescapeCommand(out); back != s {
			t.Fatalf("mrkdwn(%q) = %q, which Slack shows as %q", s, out, back)
		}
		if strings.Contains(out, "<!") || strings.Contains(out, "<http") {
			t.Fatalf("mrkdwn(%q) = %q leaves markup live", s, out)
		}
	})
}
