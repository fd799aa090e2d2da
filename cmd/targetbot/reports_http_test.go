package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
)

const (
	linkSecret = "0123456789abcdef0123456789abcdef-test"
	publicURL  = "https://targetbot.example.org"
)

// servedWithLinks runs `targetbot serve`, as servedMain does, with report
// links on, and returns its base URL.
func servedWithLinks(t *testing.T) string {
	t.Helper()
	m, _, errOut := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "t.db"), "")
	m.Now = time.Now
	m.Config.Addr = "127.0.0.1:0"
	m.Config.Admins = "slack:UADMIN,discord:555000111"
	m.Config.SlackSigningSecret = slackSecret
	m.Config.DiscordPublicKey = hex.EncodeToString(discordKey.Public().(ed25519.PublicKey))
	m.Config.DiscordAppID = "1100000000000000001"
	m.Config.LinkSecret, m.Config.PublicURL = linkSecret, publicURL+"/"
	listening := make(chan string, 1)
	m.OnListen = func(addr string) { listening <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve"}) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case addr := <-listening:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve stopped early: %v\n%s", err, errOut)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start listening")
	}
	return ""
}

var reportLink = regexp.MustCompile(regexp.QuoteMeta(publicURL) + `/reports/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`)

// fetch GETs a report URL and returns the response and its body.
func fetch(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// The headers every report response carries, served or refused.
var reportHeaders = map[string]string{
	"Cache-Control":           "private, no-store",
	"X-Robots-Tag":            "noindex, nofollow",
	"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	"Referrer-Policy":         "no-referrer",
	"X-Content-Type-Options":  "nosniff",
}

func checkHeaders(t *testing.T, what string, res *http.Response) {
	t.Helper()
	for k, v := range reportHeaders {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

// On Slack and on Discord, `/target report` answers with the summary and
// a link; the link, followed through serve, gives the report in every
// format with headers that keep it private; and any token that is not
// one serve signed, unaltered and unexpired, gets the same 404.
func TestReportLinksEndToEnd(t *testing.T) {
	base := servedWithLinks(t)
	now := time.Now()
	for _, text := range []string{"import eds-2022", "rate eds-2022/1A developing", "rate eds-2022/2B achieving", "evidence eds-2022/1A https://example.org/eds/paper.pdf Board paper"} {
		if code, r := postSlack(t, base, slackForm("T1", "UADMIN", text), now, false); code != 200 || r["response_type"] != "in_channel" {
			t.Fatalf("%q = %d %v", text, code, r)
		}
	}

	code, r := postSlack(t, base, slackForm("T1", "U2", "report"), now, false)
	text := slackTexts(r)
	if code != 200 || r["response_type"] != "ephemeral" || !strings.Contains(text, "Score 3 of 33") || !strings.Contains(text, "11 outcomes") {
		t.Fatalf("slack report = %d %v", code, text)
	}
	found := reportLink.FindStringSubmatch(text)
	if found == nil {
		t.Fatalf("the slack reply has no report link: %s", text)
	}
	token := found[1]
	page := base + "/reports/" + token

	t.Run("the link serves every format", func(t *testing.T) {
		for _, tt := range []struct{ query, ctype, want string }{
			{"", "text/html; charset=utf-8", "Domain 1: Commissioned or provided services"},
			{"?format=html", "text/html; charset=utf-8", `href="https://example.org/eds/paper.pdf"`},
			{"?format=md", "text/markdown; charset=utf-8", "**Score: 3 of 33 so far, undeveloped (provisional: 9 outcomes ungraded)**"},
			{"?format=csv", "text/csv; charset=utf-8; header=present", "\ufeffframework,cycle,objective,ref"},
			{"?format=json", "application/json; charset=utf-8", `"workspace": "slack:T1"`},
		} {
			res, body := fetch(t, page+tt.query)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != tt.ctype || !strings.Contains(body, tt.want) {
				t.Errorf("%s: %d %q, body lacks %q", tt.query, res.StatusCode, res.Header.Get("Content-Type"), tt.want)
			}
			checkHeaders(t, "format "+tt.query, res)
			if tt.query == "?format=csv" && res.Header.Get("Content-Disposition") != `attachment; filename="targetbot-report-slack-T1-2026-27.csv"` {
				t.Errorf("csv Content-Disposition = %q", res.Header.Get("Content-Disposition"))
			}
		}
		if res, _ := fetch(t, page+"?format=xls"); res.StatusCode != 400 {
			t.Errorf("?format=xls = %d, want 400", res.StatusCode)
		}
	})

	t.Run("discord's link works too, for its own workspace", func(t *testing.T) {
		if code, r := postDiscord(t, base, discordCommand(t, "import", map[string]any{"framework": "eds-2022"}), now, false); code != 200 || r["type"] != float64(4) {
			t.Fatalf("import = %d %v", code, r)
		}
		code, r := postDiscord(t, base, discordCommand(t, "report", map[string]any{"framework": "eds-2022"}), now, false)
		raw, _ := json.Marshal(r)
		found := reportLink.FindStringSubmatch(string(raw))
		if code != 200 || found == nil || !strings.Contains(string(raw), "Score 0 of 33") {
			t.Fatalf("discord report = %d %s", code, raw)
		}
		res, body := fetch(t, base+"/reports/"+found[1])
		if res.StatusCode != 200 || !strings.Contains(body, "Workspace</dt><dd>discord:81234") || strings.Contains(body, "paper.pdf") {
			t.Errorf("discord's link = %d, serving another workspace's report or none", res.StatusCode)
		}
	})

	// commands/report's tests refuse every kind of bad token; these show
	// that serve mounts the handler with its own secret and clock.
	t.Run("a token serve did not sign, or that expired, is 404 and says nothing", func(t *testing.T) {
		payload, sig, _ := strings.Cut(token, ".")
		claims, _ := base64.RawURLEncoding.DecodeString(payload)
		other := strings.Replace(string(claims), `"slack:T1"`, `"slack:T2"`, 1)
		expired, err := report.Sign([]byte(linkSecret), report.Link{Workspace: "slack:T1", Expires: now.Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := report.Sign([]byte("another secret of at least 32 bytes!!"), report.Link{Workspace: "slack:T1", Expires: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		tokens := map[string]string{
			"forged":          "eyJ3Ijoic2xhY2s6VDEiLCJlIjo5OTk5OTk5OTk5fQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			"cross-workspace": base64.RawURLEncoding.EncodeToString([]byte(other)) + "." + sig,
			"expired":         expired,
			"another secret":  foreign,
			"path-like":       "..%2F..%2Fetc",
		}
		var first string
		for name, tok := range tokens {
			res, body := fetch(t, base+"/reports/"+tok)
			if res.StatusCode != 404 {
				t.Errorf("%s token = %d, want 404", name, res.StatusCode)
			}
			checkHeaders(t, name, res)
			if first == "" {
				first = body
			}
			if body != first || strings.Contains(body, "expired") || strings.Contains(body, "signature") {
				t.Errorf("%s token's body %q differs from %q: a refusal must not say why", name, body, first)
			}
		}
		if res, _ := fetch(t, page); res.StatusCode != 200 {
			t.Errorf("the real link stopped working: %d", res.StatusCode)
		}
	})
}

// Bad link settings stop targetbot before it starts, with one line.
func TestBadReportLinkConfiguration(t *testing.T) {
	tests := []struct {
		secret, url, want string
	}{
		{"short", "", "TARGETBOT_LINK_SECRET is 5 bytes: report links need at least 32"},
		{"", "http://targetbot.example.org", "TARGETBOT_PUBLIC_URL \"http://targetbot.example.org\" must start with https://"},
		{"", "targetbot.example.org", "is not a URL"},
		{"", "https://targetbot.example.org/bot", "must be the bare base URL"},
		{"", "https://targetbot.example.org/?x=1", "must be the bare base URL"},
		{"", "https://targetbot.example.org?", "must be the bare base URL"},
		{"", "https://user:pw@targetbot.example.org", "\"https://***@targetbot.example.org\" must be the bare base URL"},
	}
	for _, tt := range tests {
		for _, sub := range []string{"serve", "console"} {
			t.Run(fmt.Sprint(sub, " ", tt.secret, tt.url), func(t *testing.T) {
				m, out, _ := testMain(t, "bolt:"+filepath.Join(t.TempDir(), "x.db"), "import eds\n")
				m.Config.LinkSecret, m.Config.PublicURL = tt.secret, tt.url
				m.Config.Addr = "127.0.0.1:0"
				err := m.Run(context.Background(), []string{sub})
				if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("err = %v, want one line containing %q", err, tt.want)
				}
				if out.Len() != 0 {
					t.Errorf("ran despite bad configuration: %s", out)
				}
			})
		}
	}
}
