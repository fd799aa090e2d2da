package teams

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

// Service URLs read from the store reach the token only on Bot
// Framework hosts, at the token endpoint's origin, or at an origin the
// options name.
func TestServiceHostsAllow(t *testing.T) {
	def := newServiceHosts(Options{TokenURL: "http://127.0.0.1:4000/token"})
	custom := newServiceHosts(Options{TokenURL: DefaultTokenURL, ServiceHosts: []string{"connector.example", "http://127.0.0.1:5000/"}})
	tests := []struct {
		hosts serviceHosts
		url   string
		want  bool
	}{
		{def, "https://smba.trafficmanager.net/uk/", true},
		{def, "https://SMBA.trafficmanager.net:443/emea/", true},
		{def, "https://europe.webchat.botframework.com/", true},
		{def, "https://smba.infra.gcc.teams.microsoft.com/", true},
		{def, "http://smba.trafficmanager.net/uk/", false},       // not https
		{def, "https://smba.trafficmanager.net:8443/uk/", false}, // not the default port
		{def, "https://botframework.com/", false},                // "*." is subdomains only
		{def, "https://evilbotframework.com/", false},            // not a subdomain
		{def, "https://botframework.com.evil.example/", false},   // not a suffix
		{def, "https://user@smba.trafficmanager.net/uk/", false}, // userinfo
		{def, "https://evil.example/", false},                    // planted in a dump
		{def, "http://127.0.0.1:4000/connector/", true},          // the token endpoint's origin
		{def, "http://127.0.0.1:4001/connector/", false},         // another port
		{def, "https://127.0.0.1:4000/connector/", false},        // another scheme
		{def, "not a url", false},
		{custom, "https://connector.example/x/", true},
		{custom, "https://smba.trafficmanager.net/uk/", false}, // the option replaces the defaults
		{custom, "http://127.0.0.1:5000/connector/", true},
		{custom, "http://127.0.0.1:4000/connector/", false},
	}
	for _, tc := range tests {
		if got := tc.hosts.allow(tc.url); got != tc.want {
			t.Errorf("allow(%q) with %v = %v, want %v", tc.url, tc.hosts.patterns, got, tc.want)
		}
	}
}

// A service URL planted in the store (a restored dump) on a host that is
// not the Bot Connector's is never sent the token; the workspace's next
// verified activity replaces it. An origin the options trust is used.
func TestTokenNotSentToPlantedServiceURL(t *testing.T) {
	var hits atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{"id":"1"}`))
	}))
	defer evil.Close()
	msg := bot.Message{Workspace: testWS, Channel: "19:c@thread.tacv2", Reply: bot.Say("hi", false)}

	kept := &mapState{}
	h := newHarness(t, func(o *Options) { o.State = kept })
	_ = kept.PutAdapterState(t.Context(), testWS, ServiceURLKey, evil.URL+"/")
	if err := h.adapter.Post(t.Context(), msg); !errors.Is(err, errUntrusted) || hits.Load() != 0 {
		t.Fatalf("post to a planted URL: err %v, %d hits", err, hits.Load())
	}
	if code := h.post(t, h.personal("1", "help"), h.fake.Token()); code != 200 {
		t.Fatal(code)
	}
	h.drain(t)
	if u, _ := kept.AdapterState(t.Context(), testWS, ServiceURLKey); u != h.fake.ServiceURL() {
		t.Errorf("after a verified activity the store keeps %q, want %q", u, h.fake.ServiceURL())
	}
	if err := h.adapter.Post(t.Context(), msg); err != nil || hits.Load() != 0 {
		t.Fatalf("post after a verified activity: err %v, %d hits on the planted URL", err, hits.Load())
	}

	trusting := &mapState{}
	h = newHarness(t, func(o *Options) { o.State, o.ServiceHosts = trusting, []string{evil.URL} })
	_ = trusting.PutAdapterState(t.Context(), testWS, ServiceURLKey, evil.URL+"/")
	if err := h.adapter.Post(t.Context(), msg); err != nil || hits.Load() == 0 {
		t.Fatalf("post to an origin the options trust: err %v, %d hits", err, hits.Load())
	}
}
