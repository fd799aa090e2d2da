package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/targetbot/targetbot/commands/report"
)

// The HTML report is opened in a real headless Chromium, which must
// render it, make no request but for the page itself, and pass axe-core's
// WCAG 2.0, 2.1 and 2.2 A and AA rules with no violation.
//
// It needs Chromium (TARGETBOT_CHROMIUM, or chromium, chromium-browser,
// google-chrome or headless-shell on the PATH) and axe-core's axe.min.js
// (TARGETBOT_AXE_JS, default .ci/node_modules/axe-core/axe.min.js, where
// .ci/run installs it). Without them the test skips, saying which is
// missing, except in CI (CI set, as CI services do), where it fails.

// axeTags are the rule sets run: WCAG 2.2 AA and everything it includes.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

func TestHTMLInChromium(t *testing.T) {
	chrome, axeJS := browserTools(t)

	r, err := report.Build(context.Background(), seeded(t), report.Request{Workspace: ws}, opts(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc bytes.Buffer
	if err := r.Render(&doc, report.HTML); err != nil {
		t.Fatal(err)
	}
	// The page is served as serve would, from a loopback server that
	// records every request it gets.
	var mu sync.Mutex
	var served []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		served = append(served, req.URL.String())
		mu.Unlock()
		if req.URL.Path != "/report" {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", report.HTML.ContentType())
		_, _ = w.Write(doc.Bytes())
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.Flag("disable-dev-shm-usage", true))...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()

	var requested []string
	err = chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requested = append(requested, e.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	start := time.Now()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	// The page's own Content-Security-Policy would block a stray load
	// before it showed as a request, and would block axe too: bypass it,
	// so the test sees everything the markup asks for.
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/report")); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	shape, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Lang     string   `json:"lang"`
		Charts   int      `json:"charts"`
		Titled   int      `json:"titled"`
		Tables   int      `json:"tables"`
		Captions int      `json:"captions"`
		Links    []string `json:"links"`
		Headings []int    `json:"headings"`
	}](`({
		lang: document.documentElement.lang,
		charts: document.querySelectorAll('svg[role=img]').length,
		titled: document.querySelectorAll('svg[role=img] > title + desc').length,
		tables: document.querySelectorAll('table').length,
		captions: document.querySelectorAll('table > caption').length,
		links: [...document.querySelectorAll('a[href^="http"]')].map(a => a.href),
		headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]),
	})`))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}

	t.Run("it renders the report", func(t *testing.T) {
		for _, want := range []string{
			"Domain 1: Commissioned or provided services", "Domain 2: Workforce health and well-being", "Domain 3: Inclusive leadership",
			"Patients (service users) have required levels of access to the service", "2E", "Old duplicate",
			"Score: 8 of 36, developing (7 outcomes ungraded)", "Developing", "Excelling", "Undeveloped", "2026-10-31 (overdue)",
			"Listening events [summary] (PDF)", "Progress over time", "NHS England equality objectives",
			`=HYPERLINK("https://evil.example/","click") | *not bold* <script>alert(1)</script> second line`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("the rendered page lacks %q", want)
			}
		}
		if shape.Lang != "en-GB" {
			t.Errorf("lang = %q", shape.Lang)
		}
		// A grade chart per framework, a progress chart per objective with
		// targets: 2 + 3 + 8.
		if shape.Charts != 13 || shape.Titled != shape.Charts {
			t.Errorf("%d charts, %d with a title and a description; want 13 and 13", shape.Charts, shape.Titled)
		}
		if shape.Tables == 0 || shape.Captions != shape.Tables {
			t.Errorf("%d tables, %d with captions", shape.Tables, shape.Captions)
		}
		for _, want := range []string{"https://example.org/eds/listening-events.pdf", "https://en.wikipedia.org/wiki/Equality_Act_%282010%29", "https://example.org/eds/board?paper=7&year=2026"} {
			if !contains(shape.Links, want) {
				t.Errorf("evidence link %s is not a link on the page: %v", want, shape.Links)
			}
		}
		for i := 1; i < len(shape.Headings); i++ {
			if shape.Headings[i] > shape.Headings[i-1]+1 {
				t.Errorf("heading levels skip from h%d to h%d", shape.Headings[i-1], shape.Headings[i])
			}
		}
	})

	t.Run("it loads nothing", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		if len(requested) != 1 || requested[0] != srv.URL+"/report" {
			t.Errorf("the browser requested %q; want only the page itself", requested)
		}
		if len(served) != 1 {
			t.Errorf("the server was asked for %q; want only /report", served)
		}
	})

	t.Run("axe finds no WCAG 2.2 AA violation", func(t *testing.T) {
		type violation struct {
			ID    string   `json:"id"`
			Help  string   `json:"help"`
			Nodes []string `json:"nodes"`
		}
		tags, _ := json.Marshal(axeTags)
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(axeJS))); err != nil {
			t.Fatalf("loading axe: %v", err)
		}
		violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](
			`axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}, resultTypes: ["violations"]})
				.then(r => r.violations.map(v => ({id: v.id, help: v.help,
					nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)})))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("running axe: %v", err)
		}
		for _, v := range violations {
			t.Errorf("axe: %s (%s)\n  %s", v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
		}
	})
	t.Logf("chromium rendered and checked the report in %v", time.Since(start).Round(time.Millisecond))
}

// browserTools finds Chromium and axe-core, or skips (fails under CI).
func browserTools(t *testing.T) (chrome string, axeJS []byte) {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: CI must run the browser test (.ci/run installs chromium and axe-core)", what)
		}
		t.Skipf("%s: skipping the browser test (.ci/run installs chromium and axe-core; in CI this fails)", what)
	}
	chrome = os.Getenv("TARGETBOT_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if chrome != "" {
			break
		}
		chrome, _ = exec.LookPath(name)
	}
	if chrome == "" {
		missing("no Chromium found (set TARGETBOT_CHROMIUM, or install chromium)")
	}
	path := os.Getenv("TARGETBOT_AXE_JS")
	if path == "" {
		path = filepath.Join("..", "..", ".ci", "node_modules", "axe-core", "axe.min.js")
	}
	axeJS, err := os.ReadFile(path)
	if err != nil {
		missing("no axe-core at " + path + " (set TARGETBOT_AXE_JS, or npm install --prefix .ci axe-core)")
	}
	return chrome, axeJS
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
