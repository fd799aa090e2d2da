package teams

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/teams/teamstest"
	"github.com/targetbot/targetbot/commands"
)

const (
	testAppID    = "6f1c7e0a-1d2b-4c3d-8e4f-a5b6c7d8e9f0"
	testPassword = "client-secret"
	testTenant   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
)

// Users of the test tenant.
var (
	priya = teamstest.Member{TeamsID: "29:1priya", AAD: "00000000-0000-0000-0000-0000000000a1", Name: "Priya Shah"}
	sam   = teamstest.Member{TeamsID: "29:1sam", AAD: "00000000-0000-0000-0000-0000000000b2", Name: "Sam Jones"}
)

// recorder is a Handler that records requests and answers with reply.
type recorder struct {
	commands.Language // the real command language: forms
	mu                sync.Mutex
	reqs              []bot.Request
	reply             func(bot.Request) bot.Reply
}

func (h *recorder) Handle(_ context.Context, r bot.Request) bot.Reply {
	h.mu.Lock()
	h.reqs = append(h.reqs, r)
	reply := h.reply
	h.mu.Unlock()
	if reply != nil {
		return reply(r)
	}
	return bot.Say("ran "+bot.Code(r.Text), true)
}

// describe is a request in one line: its text, or its verb and named
// arguments in name order.
func describe(r bot.Request) string {
	if r.Verb == "" {
		return r.Text
	}
	words := []string{r.Verb}
	for _, k := range slices.Sorted(maps.Keys(r.Args)) {
		words = append(words, k+"="+r.Args[k])
	}
	return strings.Join(words, " ")
}

func (h *recorder) requests() []bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Request(nil), h.reqs...)
}

// harness is an adapter on a test server, against a fake Bot Framework.
type harness struct {
	fake     *teamstest.Fake
	adapter  *Adapter
	handler  *recorder
	endpoint string
}

func newHarness(t *testing.T, edit func(*Options)) *harness {
	t.Helper()
	fake := teamstest.New(t, testAppID, testPassword)
	fake.AddMember(priya)
	fake.AddMember(sam)
	h := &recorder{}
	// The tests that take the harness as it is pin what both workspace
	// modes share (replies, forms, tokens, service URLs) in the tenant
	// mode they were written for; team_test.go sets WorkspaceTeam.
	opts := Options{
		Workspace: WorkspaceTenant,
		AppID:     testAppID, AppPassword: testPassword,
		OpenIDURL: fake.OpenIDURL(), TokenURL: fake.TokenURL(),
		Handler: h, keyRefreshEvery: time.Millisecond,
	}
	if edit != nil {
		edit(&opts)
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = a.Drain(context.Background()) })
	return &harness{fake: fake, adapter: a, handler: h, endpoint: srv.URL + "/teams/messages"}
}

// personal is a 1:1 message from priya.
func (h *harness) personal(id, text string) []byte {
	return h.fake.JSON(teamstest.Activity{ID: id, Conversation: "a:1personal-priya", Type: teamstest.Personal,
		Tenant: testTenant, From: priya, Text: text})
}

// channel is a channel message from priya, mentioning the bot or not.
func (h *harness) channel(id, text string, mention bool) []byte {
	return h.fake.JSON(teamstest.Activity{ID: id, Conversation: "19:general@thread.tacv2;messageid=1699999999999",
		Type: teamstest.Channel, Tenant: testTenant, From: priya, Text: text, MentionBot: mention})
}

func (h *harness) post(t *testing.T, body []byte, token string) int {
	t.Helper()
	return teamstest.Post(t, h.endpoint, body, token)
}

// drain waits for replies in flight.
func (h *harness) drain(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.adapter.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// activities are the Connector calls that post activities.
func activities(calls []teamstest.Call) []teamstest.Call {
	var out []teamstest.Call
	for _, c := range calls {
		if c.Method == "POST" && strings.Contains(c.Path, "/activities") {
			out = append(out, c)
		}
	}
	return out
}

// cardTexts joins every "text" and "title" string in v, so a test can
// look for content wherever a card shows it.
func cardTexts(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "text" || k == "title") {
					b.WriteString(s + "\n")
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String()
}
