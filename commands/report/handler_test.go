package report_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
)

var handlerSecret = []byte("0123456789abcdef0123456789abcdef-test")

// The headers every response of the Handler carries, served or refused.
var reportHeaders = map[string]string{
	"Cache-Control":           "private, no-store",
	"X-Robots-Tag":            "noindex, nofollow",
	"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	"Referrer-Policy":         "no-referrer",
	"X-Content-Type-Options":  "nosniff",
}

// handlerOptions are the golden reports' options, as a Handler's.
func handlerOptions(t *testing.T, src report.Source) report.HandlerOptions {
	o := opts(t)
	return report.HandlerOptions{Source: src, Secret: handlerSecret, Frameworks: o.Frameworks,
		Location: o.Location, Generator: o.Generator, Now: func() time.Time { return now }}
}

// get serves GET path through a mux that mounts h at report.Pattern.
func get(h http.Handler, path string) *httptest.ResponseRecorder {
	mux := http.NewServeMux()
	mux.Handle(report.Pattern, h)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func checkHeaders(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	for k, v := range reportHeaders {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

// tokenFor signs a link with the handler's secret, for an hour.
func tokenFor(t *testing.T, l report.Link) string {
	t.Helper()
	if l.Expires.IsZero() {
		l.Expires = now.Add(time.Hour)
	}
	tok, err := report.Sign(handlerSecret, l)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// A link the Handler's secret signed serves the report it grants, in
// every format, byte for byte the report Build makes, with headers that
// keep it private; Linker makes links to the Handler's route.
func TestHandlerServesEveryFormat(t *testing.T) {
	h := report.NewHandler(handlerOptions(t, seeded(t)))
	link, err := report.Linker(handlerSecret, "https://targetbot.example.org")(report.Link{Workspace: ws, Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	path, ok := strings.CutPrefix(link, "https://targetbot.example.org")
	if !ok || !strings.HasPrefix(path, "/reports/") {
		t.Fatalf("Linker made %q", link)
	}
	tests := []struct {
		query  string
		golden string
		ctype  string
	}{
		{"", "report.html", "text/html; charset=utf-8"},
		{"?format=html", "report.html", "text/html; charset=utf-8"},
		{"?format=md", "report.md", "text/markdown; charset=utf-8"},
		{"?format=csv", "report.csv", "text/csv; charset=utf-8; header=present"},
		{"?format=json", "report.json", "application/json; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := get(h, path+tt.query)
			want, err := os.ReadFile(filepath.Join("testdata", tt.golden))
			if err != nil {
				t.Fatal(err)
			}
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != tt.ctype || !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("%d %q, body is not %s", rec.Code, rec.Header().Get("Content-Type"), tt.golden)
			}
			checkHeaders(t, "format "+tt.query, rec)
			disposition := ""
			if tt.golden == "report.csv" {
				disposition = `attachment; filename="targetbot-report-local-2026-27.csv"`
			}
			if got := rec.Header().Get("Content-Disposition"); got != disposition {
				t.Errorf("Content-Disposition = %q, want %q", got, disposition)
			}
		})
	}
	rec := get(h, path+"?format=xls")
	if rec.Code != http.StatusBadRequest || rec.Body.String() != "format must be html, md, csv, json or xlsx\n" {
		t.Errorf("?format=xls = %d %q, want 400", rec.Code, rec.Body)
	}
	checkHeaders(t, "?format=xls", rec)
}

// Any token that is not one the Handler's secret signed, unaltered and
// unexpired, for a report that can be made, gets the same 404 with the
// same headers: a refusal says nothing about why. With no secret, every
// token is refused alike.
func TestHandlerRefusesTokens(t *testing.T) {
	src := seeded(t)
	token := tokenFor(t, report.Link{Workspace: ws})
	payload, sig, _ := strings.Cut(token, ".")
	claims, _ := base64.RawURLEncoding.DecodeString(payload)
	other := strings.Replace(string(claims), `"local"`, `"slack:T2"`, 1)
	foreign, err := report.Sign([]byte("another secret of at least 32 bytes!!"), report.Link{Workspace: ws, Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	flip := []byte(token)
	flip[len(flip)/3] ^= 1
	tokens := map[string]string{
		"forged":            "eyJ3Ijoic2xhY2s6VDEiLCJlIjo5OTk5OTk5OTk5fQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"altered":           string(flip),
		"cross-workspace":   base64.RawURLEncoding.EncodeToString([]byte(other)) + "." + sig,
		"expired":           tokenFor(t, report.Link{Workspace: ws, Expires: now.Add(-time.Minute)}),
		"another secret":    foreign,
		"no report to show": tokenFor(t, report.Link{Workspace: "slack:T2"}),
		"no such framework": tokenFor(t, report.Link{Workspace: ws, Frameworks: []string{"nope"}}),
		"no such cycle":     tokenFor(t, report.Link{Workspace: ws, Cycle: "1999/00"}),
		"truncated":         token[:len(token)-4],
		"no signature":      payload,
		"path-like":         "..%2F..%2Fetc",
		"huge":              strings.Repeat("A", 5000) + ".x",
	}
	h := report.NewHandler(handlerOptions(t, src))
	for name, tok := range tokens {
		rec := get(h, "/reports/"+tok)
		if rec.Code != http.StatusNotFound || rec.Body.String() != "not found\n" || rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("%s token = %d %q, want 404 \"not found\"", name, rec.Code, rec.Body)
		}
		checkHeaders(t, name, rec)
	}
	if rec := get(h, "/reports/"+token); rec.Code != http.StatusOK {
		t.Errorf("the real link = %d, want 200", rec.Code)
	}

	off := handlerOptions(t, src)
	off.Secret = nil
	rec := get(report.NewHandler(off), "/reports/"+token)
	if rec.Code != http.StatusNotFound || rec.Body.String() != "not found\n" {
		t.Errorf("with links off, a good token = %d %q, want 404", rec.Code, rec.Body)
	}
	checkHeaders(t, "links off", rec)
}

// failingSource is a store whose workspace read fails with err.
type failingSource struct {
	report.Source
	err error
}

func (f failingSource) Workspace(context.Context, string) (framework.Workspace, error) {
	return framework.Workspace{}, f.err
}

// A store that cannot be read is 503 with Retry-After, counted; any
// other failure is 500. Neither says more than that.
func TestHandlerStoreFailures(t *testing.T) {
	src := seeded(t)
	token := tokenFor(t, report.Link{Workspace: ws})
	tests := []struct {
		name        string
		err         error
		code        int
		unavailable int
	}{
		{"unavailable", &framework.Error{Code: framework.EUNAVAILABLE, Message: "store down", Err: errors.New("dial tcp: refused")}, http.StatusServiceUnavailable, 1},
		{"timed out", context.DeadlineExceeded, http.StatusServiceUnavailable, 1},
		{"broken", errors.New("corrupt record"), http.StatusInternalServerError, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := handlerOptions(t, failingSource{Source: src, err: tt.err})
			unavailable := 0
			o.Unavailable = func() { unavailable++ }
			rec := get(report.NewHandler(o), "/reports/"+token)
			if rec.Code != tt.code || unavailable != tt.unavailable {
				t.Errorf("= %d, counted %d; want %d, counted %d", rec.Code, unavailable, tt.code, tt.unavailable)
			}
			if retry := rec.Header().Get("Retry-After"); (tt.code == http.StatusServiceUnavailable) != (retry == "5") {
				t.Errorf("Retry-After = %q", retry)
			}
			if body := rec.Body.String(); strings.Contains(body, "refused") || strings.Contains(body, "corrupt") {
				t.Errorf("the body tells the cause: %q", body)
			}
			checkHeaders(t, tt.name, rec)
		})
	}
}
