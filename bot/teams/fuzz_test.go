package teams

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
)

// FuzzActivity: any body parses or fails cleanly; a parsed activity's
// command, typed or submitted, never panics, is trimmed, and a channel
// message without the bot's mention is never a command.
func FuzzActivity(f *testing.F) {
	for _, name := range []string{"personal_message.json", "channel_mention.json", "card_submit.json", "conversation_update.json"} {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"type":"message","serviceUrl":"x","conversation":{"conversationType":"channel"},"text":"<at>x</at> update","entities":[{"type":"mention","text":"<at>x</at>","mentioned":{"id":""}}]}`))
	f.Add([]byte(`{"type":"message","serviceUrl":"x","value":{"command":"update a","form":"1","progress-1":7,"note-1":null}}`))
	f.Add([]byte(`{"type":"message","serviceUrl":"x","conversation":{"conversationType":"personal"},"text":"target"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		act, err := parseActivity(body)
		if err != nil {
			return
		}
		_ = act.tenant()
		_ = act.channel()
		if act.isSubmit() {
			if cmd, form, values, ok := act.submitted(); ok && form != "" {
				f, _ := commands.Language{}.Form(cmd)
				_ = formAnswers(f, form, values)
			}
			return
		}
		text, ok := act.commandText(func(who account) string { return bot.User(who.ID) })
		if !ok {
			return
		}
		if text != strings.TrimSpace(text) {
			t.Fatalf("command %q is not trimmed", text)
		}
		if !act.personal() {
			mentioned := false
			for _, e := range act.Entities {
				if strings.EqualFold(e.Type, "mention") && e.Mentioned != nil && e.Text != "" && act.Recipient.ID != "" && e.Mentioned.ID == act.Recipient.ID {
					mentioned = true
				}
			}
			if !mentioned {
				t.Fatalf("a %q message without the bot's mention became %q", act.Conversation.ConversationType, text)
			}
		}
	})
}

// FuzzUserTextMarkdown: whatever a user types, its card markdown is
// inert (every markdown character escaped, every link labelled with its
// own URL) and mentions no one.
func FuzzUserTextMarkdown(f *testing.F) {
	for _, s := range []string{
		"**bold** _it_ ~~s~~ `c` <at>Sam</at> &lt;", "[nhs.uk](https://evil.example)",
		"see https://nhs.uk/a_(b)_c.", "1. one\n- two\n# three\n> four", "\\*", "<@U1> <!channel>", "é\u00a0\u2028x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		env := &renderEnv{names: map[string]string{}, notify: map[string]bool{}}
		for _, line := range strings.Split(bot.UserText(s), "\n") {
			var ments []mention
			md := env.markdownLine(line, &ments)
			checkInert(t, md)
			if len(ments) != 0 {
				t.Fatalf("user text %q mentions %+v", s, ments)
			}
		}
	})
}

// FuzzMarkup: any markup at all, the command layer's included, renders
// without panicking into cards that stay under Teams' limit.
func FuzzMarkup(f *testing.F) {
	f.Add("*bold* ~strike~ `code` <https://nhs.uk|NHS> <@00000000-0000-0000-0000-0000000000a1>", "title")
	f.Add("<https://x|*>\\*<@>`\\``", "*")
	f.Add(strings.Repeat("é", 5000), "")
	f.Fuzz(func(t *testing.T, text, title string) {
		env := &renderEnv{names: map[string]string{priya.AAD: "Priya"}, notify: map[string]bool{priya.AAD: true}}
		top, _ := env.render(bot.Reply{Blocks: []bot.Block{{Title: title, Text: text, Buttons: []bot.Button{{Label: title, Command: text, Form: true}}}}})
		for _, c := range top {
			if n := jsonSize(c); n > maxCardBytes+4*maxLineBytes*6 {
				t.Fatalf("card of %d bytes", n)
			}
			for _, m := range c.MSTeams.Entities {
				if m.Mentioned.ID != priya.AAD {
					t.Fatalf("mentioned %q, not in Notify", m.Mentioned.ID)
				}
			}
		}
	})
}
