package slack

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/boltstore"
)

// Every escaped form in Slack's "Formatting text for app surfaces"
// (links, mailto links, users, channels, user groups, special mentions,
// dates, and the three entities), as a slash command with should_escape
// sends it, reaches the command layer as the text the user meant.
func TestUnwrapSlackForms(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		// Links: their URL, with its own &amp; undone.
		{"<https://example.com>", "https://example.com"},
		{"<http://www.example.com|This message *is* a link>", "http://www.example.com"},
		{"<http://example.com|example.com>", "http://example.com"},
		{"<https://example.com/a?b=1&amp;c=2|board &amp; papers>", "https://example.com/a?b=1&c=2"},
		{"see <https://nhs.uk/eds/> and <https://nhs.uk/x|x>.", "see https://nhs.uk/eds/ and https://nhs.uk/x."},
		{"<mailto:bob@example.com|Email Bob Roberts>", "bob@example.com"},
		{"<mailto:bob@example.com|bob@example.com>", "bob@example.com"},
		// Users: the form the command layer reads as a user.
		{"<@U024BE7LH>", "<@U024BE7LH>"},
		{"<@U024BE7LH|bob>", "<@U024BE7LH>"},
		{"<@W123ABC|enterprise.user>", "<@W123ABC>"},
		{"owner <@U1|bob> and <@U2>", "owner <@U1> and <@U2>"},
		// Channels.
		{"<#C024BE7LR|general>", "#general"},
		{"<#C024BE7LR>", "#C024BE7LR"},
		// Special mentions: inert words.
		{"<!here>", "@here"},
		{"<!here|here> now", "@here now"},
		{"<!channel>", "@channel"},
		{"<!everyone>", "@everyone"},
		{"<!subteam^SAZ94GDB8>", "@subteam"},
		{"<!subteam^SAZ94GDB8|@devs>", "@devs"},
		{"<!date^1392734382^Posted {date_num} {time_secs}|Posted 2014-02-18 6:39:42 AM PST>", "Posted 2014-02-18 6:39:42 AM PST"},
		{"<!date^1392734382^{date_short}^https://example.com/|Feb 18, 2014 PST>", "Feb 18, 2014 PST"},
		// The user's own &, < and >: what they typed, never markup.
		{"A&amp;E wait &lt;4h, &gt;95%", "A&E wait <4h, >95%"},
		{"&amp;lt;", "&lt;"},
		{"&lt;https://evil.example|nhs.uk&gt;", "<https://evil.example|nhs.uk>"},
		{"&lt;!channel&gt;", "<!channel>"},
		// Oddities: nothing is lost, nothing live is left.
		{"<<!subteam^S1|!channel>>", "@channel"},
		{"<!channel", "<!channel"},
		{"a < b <https://x.org> c", "a < b https://x.org c"},
	} {
		if got := unwrap(c.in); got != c.want {
			t.Errorf("unwrap(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// `evidence <target> <https://…>` as Slack sends it attaches the link,
// and a note's 1,000 characters count the text, not Slack's wrappers.
func TestEscapedCommandsEndToEnd(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	h := commands.New(commands.Options{Store: st, Frameworks: fws, Now: func() time.Time { return now }})
	const ws = "slack:T1DC2JH3J"
	if r := h.Handle(t.Context(), bot.Request{Workspace: ws, User: "U2CERLKJA", PlatformAdmin: true, Text: "import eds"}); r.Code != "" {
		t.Fatal(r.Text())
	}
	fake := newFakeSlack(t)
	fake.admins["U2CERLKJA"] = true // the signed sample's user: a workspace admin
	a := newTestAdapter(t, fake, h, nil)
	run := func(t *testing.T, n int, text string) string {
		t.Helper()
		form, _ := url.ParseQuery(invocation(readFile(t, "command_update.form"), n))
		form.Set("text", text)
		w := serve(a, signed("/slack/commands", form.Encode()))
		if w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		return w.Body.String()
	}

	t.Run("evidence", func(t *testing.T) {
		body := run(t, 1, "evidence eds/1.1 <https://example.org/board?a=1&amp;b=2|example.org/board> Board paper")
		if strings.Contains(body, "not a web link") {
			t.Fatalf("refused: %s", body)
		}
		ev, err := st.Evidence(t.Context(), ws, "eds/1.1")
		if err != nil || len(ev) != 1 {
			t.Fatalf("evidence %+v, %v (answer %s)", ev, err, body)
		}
		if ev[0].URL != "https://example.org/board?a=1&b=2" || ev[0].Title != "Board paper" {
			t.Errorf("stored %q titled %q", ev[0].URL, ev[0].Title)
		}
	})

	t.Run("note limit counts the unwrapped text", func(t *testing.T) {
		link := "https://example.org/" + strings.Repeat("p", 40)
		// 1,000 characters as typed; with Slack's wrapper and label the
		// text sent is longer.
		note := strings.Repeat("n", 1000-len(link)-1) + " " + link
		body := run(t, 2, "update eds/1.1 40% on-track -- "+strings.Repeat("n", 1000-len(link)-1)+" <"+link+"|"+strings.TrimPrefix(link, "https://")+">")
		if strings.Contains(body, "keep it to") {
			t.Fatalf("refused: %s", body)
		}
		us, err := st.Updates(t.Context(), ws, "eds/1.1", 1)
		if err != nil || len(us) != 1 {
			t.Fatalf("updates %+v, %v (answer %s)", us, err, body)
		}
		if us[0].Note != note {
			t.Errorf("note %q, want %q", us[0].Note, note)
		}
	})

	// Admins are granted and removed in chat on Slack as everywhere: the
	// mention arrives escaped, and the grant is the store's.
	t.Run("admins", func(t *testing.T) {
		run(t, 3, "admins add <@U0AMY|amy>")
		w, err := st.Workspace(t.Context(), ws)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := w.Granted("U0AMY"); !ok {
			t.Fatalf("admins after admins add: %+v", w.Admins)
		}
		if body := run(t, 4, "admins remove <@U0AMY>"); !strings.Contains(body, "last") {
			t.Errorf("removing the last admin granted here: %s", body)
		}
		if w, _ := st.Workspace(t.Context(), ws); len(w.Admins) != 1 {
			t.Errorf("admins after the refused removal: %+v", w.Admins)
		}
	})
}
