package slack

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store/boltstore"
)

// A panel's vote button, pressed on Slack, votes as the presser: a
// member's vote is recorded, and a non-member is refused privately.
func TestPanelVoteButton(t *testing.T) {
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
	admin := func(text string) bot.Reply {
		r := h.Handle(t.Context(), bot.Request{Workspace: ws, Channel: "C0LAN2Q65", User: "UADMIN", PlatformAdmin: true, Text: text})
		if r.Code != "" {
			t.Fatalf("%q: %s", text, r.Text())
		}
		return r
	}
	admin("import eds-2022")
	open := admin("panel open eds-2022/2")
	var press bot.Button
	for _, b := range open.Blocks {
		for _, btn := range b.Buttons {
			if strings.HasPrefix(b.Title, "eds-2022/2B ") && btn.Label == "achieving" {
				press = btn
			}
		}
	}
	if press.Command == "" {
		t.Fatalf("no achieving button for 2B in %+v", open.Blocks)
	}
	hooks := newHooks(t)
	a := newTestAdapter(t, newFakeSlack(t), h, nil)
	presses := 0
	pressAs := func(user string) map[string]any {
		presses++ // each press is a new request, not a replay
		js := strings.ReplaceAll(readFile(t, "block_actions.json"), "https://hooks.slack.com", hooks.srv.URL)
		js = strings.ReplaceAll(js, "snooze eds/1.1 7d", press.Command)
		js = strings.ReplaceAll(js, "U2CERLKJA", user)
		js = strings.ReplaceAll(js, "1548426417.840180", fmt.Sprintf("1548426417.84018%d", presses))
		if w := serve(a, signed("/slack/interactions", url.Values{"payload": {js}}.Encode())); w.Code != http.StatusOK {
			t.Fatalf("press: %d %q", w.Code, w.Body)
		}
		return hooks.next(t)
	}
	if got := pressAs("U2CERLKJA"); got["response_type"] != "ephemeral" || !strings.Contains(got["text"].(string), "only members of the panel") {
		t.Errorf("a non-member's press: %v", got)
	}
	admin("panel add eds-2022/2 <@U2CERLKJA>")
	if got := pressAs("U2CERLKJA"); !strings.Contains(got["text"].(string), "Your vote on eds-2022/2B is") {
		t.Errorf("a member's press: %v", got)
	}
	admin("panel agree eds-2022/2B achieving")
	tg, err := st.Target(t.Context(), ws, "eds-2022/2B")
	if err != nil || tg.Rating != framework.Achieving {
		t.Errorf("2B = %+v, %v", tg, err)
	}
}
