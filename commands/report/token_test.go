package report

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef")
	now    = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
)

func TestSignVerify(t *testing.T) {
	l := Link{Workspace: "slack:T1", Frameworks: []string{"eds-2022"}, Cycle: "2026/27", Expires: now.Add(LinkTTL)}
	tok, err := Sign(secret, l)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(secret, tok, now)
	if err != nil || got.Workspace != "slack:T1" || got.Cycle != "2026/27" || len(got.Frameworks) != 1 || !got.Expires.Equal(l.Expires) {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	if strings.ContainsAny(tok, "/+= ") {
		t.Errorf("token %q is not URL-path safe", tok)
	}
	bad := map[string]string{
		"expired":       tok,
		"other secret":  tok,
		"altered claim": alter(tok, 0),
		"altered sig":   alter(tok, len(tok)-2),
		"no signature":  strings.Split(tok, ".")[0],
		"empty":         "",
		"garbage":       "a.b.c",
	}
	for name, tk := range bad {
		at, key := now, secret
		switch name {
		case "expired":
			at = now.Add(LinkTTL)
		case "other secret":
			key = []byte("fedcba9876543210fedcba9876543210")
		}
		if _, err := Verify(key, tk, at); !errors.Is(err, ErrBadLink) {
			t.Errorf("%s: Verify = %v, want ErrBadLink", name, err)
		}
	}
	// A token cannot be moved to another workspace: the claims are signed.
	forged := strings.Replace(tok, strings.Split(tok, ".")[0], b64(`{"w":"slack:T2","e":`+itoa(now.Add(time.Hour).Unix())+`}`), 1)
	if _, err := Verify(secret, forged, now); !errors.Is(err, ErrBadLink) {
		t.Errorf("cross-workspace token accepted: %v", err)
	}
	if _, err := Sign([]byte("short"), l); err == nil {
		t.Error("Sign accepted a short secret")
	}
}

func alter(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func FuzzVerify(f *testing.F) {
	tok, _ := Sign(secret, Link{Workspace: "local", Expires: now.Add(time.Hour)})
	f.Add(tok)
	f.Add("")
	f.Add("x.y")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Verify(secret, s, now)
		if err == nil && s != tok {
			t.Fatalf("Verify accepted a token it did not sign: %q -> %+v", s, l)
		}
	})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Issue 27: the Markdown report links only http and https URLs; any
// other (from an edited dump) is shown as inert text.
func TestMarkdownLinksOnlyHTTP(t *testing.T) {
	tests := []struct{ url, title, want string }{
		{"https://example.org/a.pdf", "Board paper", "[Board paper](https://example.org/a.pdf)"},
		{"http://example.org/a", "", "[http://example.org/a](http://example.org/a)"},
		{"javascript:alert(1)", "Board paper", "Board paper (javascript:alert(1))"},
		{"javascript:alert(1)", "", "javascript:alert(1)"},
		{"data:text/html,x", "x", "x (data:text/html,x)"},
	}
	for _, tt := range tests {
		got := mdLink(tt.url, tt.title)
		if got != tt.want {
			t.Errorf("mdLink(%q, %q) = %q, want %q", tt.url, tt.title, got, tt.want)
		}
		if !strings.HasPrefix(tt.url, "http") && strings.Contains(got, "](") {
			t.Errorf("mdLink(%q) is a link: %q", tt.url, got)
		}
	}
}
