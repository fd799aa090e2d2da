package teams

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/teams/teamstest"
	"github.com/targetbot/targetbot/commands/view"
)

const testWS = "teams:" + testTenant

// postHarness is a harness whose workspace's service URL is already kept,
// as after a restart.
func postHarness(t *testing.T) *harness {
	kept := &mapState{}
	h := newHarness(t, func(o *Options) { o.State = kept })
	_ = kept.PutAdapterState(t.Context(), testWS, ServiceURLKey, h.fake.ServiceURL())
	return h
}

func digestReply() bot.Reply {
	return bot.Reply{
		Blocks:  []bot.Block{{Title: "📊 Digest", Text: "4 targets, 1 overdue"}},
		Details: []bot.Block{{Title: "Overdue", Text: "🔴 " + view.Ref("eds/1.1") + " owned by " + bot.User(priya.AAD), Colour: view.Alert}},
	}
}

// A digest starts a new post in the channel, its details follow in the
// thread, and posting the same Key again posts nothing.
func TestPostDigestToChannel(t *testing.T) {
	h := postHarness(t)
	m := bot.Message{Workspace: testWS, Channel: "19:general@thread.tacv2", Reply: digestReply(), Key: "digest:1"}
	for range 2 {
		if err := h.adapter.Post(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	acts := activities(h.fake.Calls())
	if len(acts) != 2 {
		t.Fatalf("%d posts, want headline and detail once: %+v", len(acts), acts)
	}
	if acts[0].Path != "/v3/conversations/19:general@thread.tacv2/activities" || acts[0].Auth != "Bearer "+h.fake.AccessToken() {
		t.Errorf("headline %s %s", acts[0].Path, acts[0].Auth)
	}
	// Teams threads a reply under the thread's own conversation id
	// only; under the bare channel id it shows a post of its own.
	root := "1700000000001"
	if acts[1].Path != "/v3/conversations/19:general@thread.tacv2;messageid="+root+"/activities/"+root || acts[1].Body["replyToId"] != root ||
		acts[1].Body["conversation"].(map[string]any)["id"] != "19:general@thread.tacv2;messageid="+root {
		t.Errorf("detail %s %v, want a reply in the headline's thread", acts[1].Path, acts[1].Body["conversation"])
	}
	detail := cardTexts(acts[1].Body)
	if !strings.Contains(detail, "Priya Shah") || strings.Contains(detail, "<at>") {
		t.Errorf("a digest names owners without notifying them: %s", detail)
	}
	if n := h.fake.TokenRequests(); n != 1 {
		t.Errorf("token fetched %d times, want once", n)
	}
}

// A reminder opens a 1:1 chat with the owner, then posts there, with
// buttons, mentioning only the owner.
func TestPostReminderDM(t *testing.T) {
	h := postHarness(t)
	r := bot.Reply{
		Blocks: []bot.Block{{Text: "⏰ You have 1 target overdue."},
			{Title: view.Ref("eds/1.1") + " Services", Text: "overdue, due 2026-11-01 · by " + bot.User(sam.AAD), Buttons: view.ReminderButtons("eds/1.1", "7d")}},
		Notify: []string{priya.AAD},
	}
	r.Blocks[0].Text += " " + bot.User(priya.AAD)
	if err := h.adapter.Post(t.Context(), bot.Message{Workspace: testWS, User: priya.AAD, Reply: r, Key: "remind:1:" + priya.AAD}); err != nil {
		t.Fatal(err)
	}
	calls := h.fake.Calls()
	if calls[0].Method != "POST" || calls[0].Path != "/v3/conversations" {
		t.Fatalf("first call %+v, want the 1:1 chat created", calls[0])
	}
	body := calls[0].Body
	if body["tenantId"] != testTenant || fmt.Sprint(body["members"]) != fmt.Sprint([]any{map[string]any{"id": priya.AAD, "aadObjectId": priya.AAD}}) ||
		body["bot"].(map[string]any)["id"] != "28:"+testAppID {
		t.Errorf("create conversation body %v", body)
	}
	acts := activities(calls)
	if len(acts) != 1 || acts[0].Path != "/v3/conversations/a:dm-"+priya.AAD+"/activities" {
		t.Fatalf("posts %+v", acts)
	}
	card := acts[0].Body["attachments"].([]any)[0].(map[string]any)["content"].(map[string]any)
	ents := card["msteams"].(map[string]any)["entities"].([]any)
	if len(ents) != 1 || ents[0].(map[string]any)["mentioned"].(map[string]any)["id"] != priya.AAD {
		t.Errorf("entities %v, want the owner only", ents)
	}
	texts := cardTexts(card)
	for _, want := range []string{"<at>Priya Shah</at>", "Sam Jones", "Log eds/1.1", "Mark eds/1.1 done", "Snooze eds/1.1 a week"} {
		if !strings.Contains(texts, want) {
			t.Errorf("reminder lacks %q: %s", want, texts)
		}
	}
}

// A 429 waits its Retry-After and the post goes once; a failure that may
// have posted is not retried, and posting the Key again resumes after the
// part that did go.
func TestPostRetriesAndResumes(t *testing.T) {
	h := postHarness(t)
	var limited atomic.Bool
	h.fake.Respond = func(c teamstest.Call, n int) (int, string, bool) {
		if c.Method == "POST" && strings.HasSuffix(c.Path, "/activities") && limited.CompareAndSwap(false, true) {
			return 429, `{"error":{"code":"TooManyRequests"}}`, true
		}
		return 0, "", false
	}
	if err := h.adapter.Post(t.Context(), bot.Message{Workspace: testWS, Channel: "19:c@thread.tacv2", Reply: bot.Say("hello", false), Key: "k1"}); err != nil {
		t.Fatal(err)
	}
	if n := len(activities(h.fake.Calls())); n != 2 {
		t.Fatalf("%d attempts, want the 429 and one post", n)
	}

	var failDetail atomic.Bool
	failDetail.Store(true)
	h.fake.Respond = func(c teamstest.Call, n int) (int, string, bool) {
		if strings.Contains(c.Path, "/activities/") && failDetail.Load() {
			return 502, `{"error":"bad gateway"}`, true
		}
		return 0, "", false
	}
	before := len(activities(h.fake.Calls()))
	m := bot.Message{Workspace: testWS, Channel: "19:c@thread.tacv2", Reply: digestReply(), Key: "k2"}
	if err := h.adapter.Post(t.Context(), m); err == nil {
		t.Fatal("a 502 on the detail should fail the post")
	}
	if n := len(activities(h.fake.Calls())) - before; n != 2 {
		t.Fatalf("%d calls, want the headline and one unretried detail", n)
	}
	failDetail.Store(false)
	if err := h.adapter.Post(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	acts := activities(h.fake.Calls())[before+2:]
	if len(acts) != 1 || !strings.Contains(acts[0].Path, "/activities/") {
		t.Fatalf("resumed with %+v, want only the detail", acts)
	}
}

// The bot's token goes only to service URLs that verified activities
// named: not to one a caller makes up, and a post to a workspace no
// activity has come from fails plainly.
func TestTokenOnlyToVerifiedServiceURLs(t *testing.T) {
	h := newHarness(t, nil)
	var hits atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer evil.Close()
	err := h.adapter.conn.do(t.Context(), "POST", evil.URL+"/", conversationPath("a:1", ""), map[string]string{}, nil, false)
	if !errors.Is(err, errUntrusted) || hits.Load() != 0 {
		t.Fatalf("call to an unverified URL: err %v, %d hits", err, hits.Load())
	}
	err = h.adapter.Post(t.Context(), bot.Message{Workspace: testWS, Channel: "19:c@thread.tacv2", Reply: bot.Say("hi", false)})
	if !errors.Is(err, errNoServiceURL) {
		t.Fatalf("post before any activity: %v", err)
	}
	// After a verified activity, the workspace's posts go through.
	if code := h.post(t, h.personal("1", "help"), h.fake.Token()); code != 200 {
		t.Fatal(code)
	}
	h.drain(t)
	if err := h.adapter.Post(t.Context(), bot.Message{Workspace: testWS, Channel: "19:c@thread.tacv2", Reply: bot.Say("hi", false)}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 0 {
		t.Error("the evil server was called")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"2": 2 * time.Second, "0.5": 500 * time.Millisecond, "0": 100 * time.Millisecond, "": time.Second,
		"soon": time.Second, "86400": time.Minute, now.Add(3 * time.Second).Format(http.TimeFormat): 3 * time.Second,
	}
	for v, want := range tests {
		if got := retryAfter(v, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}
