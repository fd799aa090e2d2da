package slack

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

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
	// with should_escape on: the user's own & < > escaped, the mention not,
	// which reaches the command layer as the <@U1> it reads as a user.
	form.Set("text", "update eds/1.1 -- A&amp;E wait &lt;4h, &gt;95% &amp;amp; <@U1|bob>")
	w := serve(a, signed("/slack/commands", form.Encode()))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("handler ran %d times", len(reqs))
	}
	if want := "update eds/1.1 -- A&E wait <4h, >95% &amp; <@U1>"; reqs[0].Text != want {
		t.Errorf("text %q, want %q", reqs[0].Text, want)
	}
}

func TestToMrkdwn(t *testing.T) {
	z := zwsp
	notLive := &mentions{names: map[string]string{"U1ABC": "Ann *Lee*"}}
	for _, c := range []struct {
		in   string
		m    *mentions
		want string
	}{
		{"plain", liveMentions, "plain"},
		{"A&E", liveMentions, "A&amp;E"},
		{bot.UserText("<!channel> <!here> <@U1ABC>"), liveMentions, "&lt;!channel&gt; &lt;!here&gt; &lt;@U1ABC&gt;"},
		{"*bold* ~gone~ `code`", liveMentions, "*bold* ~gone~ `code`"},
		{bot.UserText("*not bold* _em_ ~no~"), liveMentions, z + "*" + z + "not bold" + z + "*" + z + " " + z + "_" + z + "em" + z + "_" + z + " " + z + "~" + z + "no" + z + "~" + z},
		{"*bold *and", liveMentions, "*bold* and"},
		{"*`eds/1.1` Title <@U1ABC>* ~`x` y~", liveMentions, "*`eds/1.1` Title <@U1ABC>* ~`x` y~"},
		{"*~both~* *a*~b~", liveMentions, "*~both~* *a*~b~"},
		{"*  *", liveMentions, "  "},
		{"<https://nhs.uk|NHS & co>", liveMentions, "<https://nhs.uk|NHS &amp; co>"},
		{`<https://x.org/a|a \> b | c>`, liveMentions, "<https://x.org/a|a &gt; b ∣ c>"},
		{"<https://nhs.uk>", liveMentions, "<https://nhs.uk>"},
		{bot.UserText("see https://nhs.uk/a?b=1&c=2."), liveMentions, "see <https://nhs.uk/a?b=1&c=2>."},
		{"`a<b & c`", liveMentions, "`a&lt;b &amp; c`"},
		{bot.Code("x`y"), liveMentions, "`xˋy`"},
		{"``", liveMentions, ""},
		{"<@U1ABC>", liveMentions, "<@U1ABC>"},
		{"*<@U1ABC>*", liveMentions, "*<@U1ABC>*"},
		{"<@U1ABC>", notLive, "@Ann " + z + "*" + z + "Lee" + z + "*" + z},
		{"<@U2XYZ>", notLive, "@U2XYZ"},
		{"<@U2XYZ>", &mentions{notify: map[string]bool{"U2XYZ": true}}, "<@U2XYZ>"},
		{"<@bob>", liveMentions, "@bob"},
		{bot.Escape("> quote\n> two"), liveMentions, z + "&gt; quote\n" + z + "&gt; two"},
		{"a > b", liveMentions, "a &gt; b"},
		{bot.Escape("@here @Channel @everyone @bob"), liveMentions, "@" + z + "here @" + z + "Channel @" + z + "everyone @bob"},
	} {
		if got := toMrkdwn(c.in, c.m); got != c.want {
			t.Errorf("toMrkdwn(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Notes and titles are user text: rendered anywhere, in any reply, one
// that says <!channel>, <@U…> or <https://evil|nhs.uk> must not notify
// anyone or disguise a link, and a URL in it must work.
func TestRenderEscapesHostileText(t *testing.T) {
	note := bot.UserText("A&E <!channel> <!here> <!subteam^S1> <https://evil.example|NHS login> [nhs.uk](https://evil.example/1) <@U0OTHER> *bold* see https://www.england.nhs.uk/eds/ x<5")
	r := bot.Reply{Blocks: []bot.Block{{Title: "eds/1.1 " + note, Text: note,
		Fields: []bot.Field{{Name: "Note", Value: note}, {Name: "Owner", Value: note, Inline: true}}}},
		Details: []bot.Block{{Title: note, Text: note}}}
	msgs := append(render(r, newMentions(r, nil)), renderDetails(r, newMentions(r, nil))...)
	for _, msg := range msgs {
		text := checkLimits(t, asPayload(t, msg)) + msg.Text
		checkMrkdwn(t, note, text, newMentions(r, nil))
		for _, bad := range []string{"<!", "<@", "<https://evil.example|", "x<5", "A&E"} {
			if strings.Contains(text, bad) {
				t.Errorf("rendered text contains %q: %s", bad, text)
			}
		}
		if !strings.Contains(text, "<https://www.england.nhs.uk/eds/>") {
			t.Errorf("the URL in the note is not a working link: %s", text)
		}
		if !strings.Contains(text, "&lt;!channel&gt;") {
			t.Errorf("the note's text is lost: %s", text)
		}
	}
}

// checkMrkdwn fails t if out, the mrkdwn rendered from markup (and maybe
// more), holds a live special mention, a user mention m does not allow,
// or a link that markup did not hold with that label.
func checkMrkdwn(t *testing.T, markup, out string, m *mentions) {
	t.Helper()
	if strings.Contains(out, "<!") {
		t.Fatalf("live special mention in %q (from %q)", out, markup)
	}
	want := map[string]bool{}
	for _, sp := range bot.Parse(markup) {
		if sp.Kind == bot.SpanLink {
			want[sp.URL+"|"+inert(sp.Text)] = true
		}
	}
	for s := out; ; {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			t.Fatalf("unclosed < in %q (from %q)", out, markup)
		}
		tok := s[i+1 : i+j]
		s = s[i+j+1:]
		if strings.ContainsAny(tok, "<\n") {
			t.Fatalf("broken token %q in %q (from %q)", tok, out, markup)
		}
		if id, ok := strings.CutPrefix(tok, "@"); ok {
			if !m.live(id) {
				t.Fatalf("mention of %s, who must not be notified, in %q (from %q)", id, out, markup)
			}
			continue
		}
		u, label, found := strings.Cut(tok, "|")
		if !found {
			label = u
		}
		if !want[u+"|"+inert(shown(label))] {
			t.Fatalf("link %q in %q is not one markup %q holds", tok, out, markup)
		}
	}
}

// shown is what Slack shows for escaped mrkdwn text.
func shown(md string) string {
	return strings.ReplaceAll(unescapeCommand(md), zwsp, "")
}

// inert is a label as compared: invisible spaces dropped, and | shown as
// ∣, as escapeLabel does.
func inert(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, zwsp, ""), "|", "∣")
}

// FuzzToMrkdwn: no markup panics; no output holds a live special
// mention, a mention of anyone but the notified, or a link whose label
// differs from the markup's; and text made inert with bot.Escape shows
// exactly as typed, with no formatting character left live.
func FuzzToMrkdwn(f *testing.F) {
	for _, s := range []string{"A&E", "<!channel>", "<@U1|bob>", "<@U1ABC>", "<https://a.b|x|y>", `<https://a.b|x\>y>`, "*b* ~s~ `c`",
		"&amp;lt;", "<#C1>", "<<@U1>>", "> q", "@here", "*`x`*", "<https://a.b|*b*>", "a\\", "`\\``", "\n*x\n*"} {
		f.Add(s)
	}
	m := &mentions{notify: map[string]bool{"U0LIVE": true}, names: map[string]string{"U1ABC": "<!channel> *x*"}}
	f.Fuzz(func(t *testing.T, s string) {
		out := toMrkdwn(s, m)
		checkMrkdwn(t, s, out, m)

		text := toMrkdwn(bot.Escape(s), m)
		checkMrkdwn(t, "", text, m)
		if got, want := shown(text), strings.ReplaceAll(s, zwsp, ""); got != want {
			t.Fatalf("text %q shows as %q", want, got)
		}
		bare := text
		for _, c := range []string{"*", "_", "~", "`"} {
			bare = strings.ReplaceAll(bare, zwsp+c+zwsp, "")
		}
		if strings.ContainsAny(bare, "*_~`") {
			t.Fatalf("text %q renders with a live formatting character: %q", s, text)
		}

		// Split into sections, it stays within limits and safe, and, short
		// of a link too long for any section, nothing is lost.
		long := strings.Repeat(s+" ", 1+3000/(len(s)+1))
		var parts []string
		for _, c := range sectionTexts(strings.Split(long, "\n"), m) {
			if chars(c.md) > maxSectionText {
				t.Fatalf("section of %d chars", chars(c.md))
			}
			checkMrkdwn(t, s, c.md, m)
			parts = append(parts, c.md)
		}
		if len(s) < 500 && norm(strings.Join(parts, "")) != norm(toMrkdwn(long, m)) {
			t.Fatalf("splitting %q lost text", s)
		}
	})
}
