// Package reporttest opens an HTML report in a real headless Chromium
// for tests: what it renders, every request it makes, and what axe-core's
// WCAG 2.2 AA rules find in it. The report package's tests and the
// command's end-to-end tests share it.
//
// It needs Chromium (TARGETBOT_CHROMIUM, or chromium, chromium-browser,
// google-chrome or headless-shell on the PATH) and axe-core's axe.min.js
// (TARGETBOT_AXE_JS; the Makefile points it at .ci/node_modules, where
// .ci/run installs it). Without them Open skips the test, saying what is
// missing, except in CI (CI set, as CI services do), where it fails.
package reporttest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// AxeTags are the axe-core rule sets Open runs: WCAG 2.2 AA and
// everything it includes.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Page is what Chromium made of a report.
type Page struct {
	URL  string // where the test served it
	Text string // document.body.innerText
	Lang string
	// Charts counts the svg[role=img] elements, and Titled those whose
	// first children are a title then a description.
	Charts, Titled int
	// Tables counts the tables, and Captions those with a caption.
	Tables, Captions int
	Links            []string // the href of every http(s) link, as the browser resolved it
	Headings         []int    // the level of every heading, in document order
	// Requests is every URL the browser asked for, and Served every
	// path the test server was asked for: the page's own, and nothing
	// else, for a report that loads nothing.
	Requests, Served []string
	Violations       []Violation // what axe-core found
	Took             time.Duration
}

// Violation is one axe-core rule that failed, with the elements that
// failed it.
type Violation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"`
}

// Open serves html from a loopback server, opens it in headless
// Chromium with the page's own Content-Security-Policy bypassed (so a
// stray load shows as a request instead of being blocked unseen, and axe
// can run), records every request, reads the page, and runs axe-core.
// It is bounded to 45 seconds, and takes one or two.
func Open(t testing.TB, html []byte) *Page {
	t.Helper()
	chrome, axeJS := tools(t)
	p := &Page{}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		p.Served = append(p.Served, req.URL.String())
		mu.Unlock()
		if req.URL.Path != "/report" {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(html)
	}))
	defer srv.Close()
	p.URL = srv.URL + "/report"

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.Flag("disable-dev-shm-usage", true))...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()

	fail := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("chromium: %s: %v", what, err)
		}
	}
	start := time.Now()
	fail("listen", chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			p.Requests = append(p.Requests, e.Request.URL)
			mu.Unlock()
		}
	}))
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	fail("network", err)
	_, err = chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
	fail("bypass CSP", err)
	fail("navigate", chromedp.Do(ctx, chromedp.Navigate(p.URL)))
	p.Text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	fail("read text", err)
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
		titled: document.querySelectorAll('svg[role=img] > title:first-child + desc').length,
		tables: document.querySelectorAll('table').length,
		captions: document.querySelectorAll('table > caption').length,
		links: [...document.querySelectorAll('a[href^="http"]')].map(a => a.href),
		headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]),
	})`))
	fail("read shape", err)
	p.Lang, p.Charts, p.Titled, p.Tables, p.Captions, p.Links, p.Headings =
		shape.Lang, shape.Charts, shape.Titled, shape.Tables, shape.Captions, shape.Links, shape.Headings

	tags, _ := json.Marshal(AxeTags)
	fail("load axe", chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(axeJS))))
	p.Violations, err = chromedp.Run(ctx, chromedp.Evaluate[[]Violation](
		`axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}, resultTypes: ["violations"]})
			.then(r => r.violations.map(v => ({id: v.id, help: v.help,
				nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)})))`,
		chromedp.EvalAwaitPromise))
	fail("run axe", err)
	p.Took = time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	p.Requests, p.Served = append([]string(nil), p.Requests...), append([]string(nil), p.Served...)
	return p
}

// SkipNotes names the file, set by `make test`, where a skipped browser
// test leaves a line for make to print: go test does not show skips.
const SkipNotes = "TARGETBOT_SKIP_NOTES"

// noteSkip appends the skip's one-line notice to the SkipNotes file.
func noteSkip() {
	path := os.Getenv(SkipNotes)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.WriteString("note: the HTML report's Chromium and axe-core test was skipped: .ci/run installs chromium and axe-core\n")
}

// tools finds Chromium and axe-core, or skips (fails in CI).
func tools(t testing.TB) (chrome string, axeJS []byte) {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: CI must run the browser test (.ci/run installs chromium and axe-core)", what)
		}
		noteSkip()
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
		path = filepath.Join(moduleRoot(), ".ci", "node_modules", "axe-core", "axe.min.js")
	}
	axeJS, err := os.ReadFile(path)
	if err != nil {
		missing("no axe-core at " + path + " (set TARGETBOT_AXE_JS, or npm install --prefix .ci --no-save axe-core)")
	}
	return chrome, axeJS
}

// moduleRoot is the repository's root, found from this file, so the
// default axe-core path works from any package's tests.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}
