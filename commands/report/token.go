package report

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// LinkTTL is how long a report link works.
const LinkTTL = 30 * 24 * time.Hour

// MinSecretLen is the shortest TARGETBOT_LINK_SECRET accepted, in bytes:
// the size of the HMAC-SHA256 key that gives its full strength.
const MinSecretLen = 32

// Link is what a signed report link grants: one workspace's report on
// some frameworks (none means every imported one) for one cycle ("" is
// the current one), until Expires.
type Link struct {
	Workspace  string   `json:"w"`
	Frameworks []string `json:"f,omitempty"`
	Cycle      string   `json:"c,omitempty"`
	// Template is the layout, "" for the default.
	Template Template  `json:"t,omitempty"`
	Expires  time.Time `json:"-"`
	Exp      int64     `json:"e"`
}

// ErrBadLink is every reason a link is refused: forged, altered,
// truncated or expired. Callers answer 404 and say nothing more.
var ErrBadLink = errors.New("report: bad link")

// Sign returns the link's token: the claims, then an HMAC-SHA256 of them
// under secret, both base64url. It is safe in a URL path.
func Sign(secret []byte, l Link) (string, error) {
	if len(secret) < MinSecretLen {
		return "", errors.New("report: the link secret is shorter than 32 bytes")
	}
	l.Exp = l.Expires.Unix()
	payload, err := json.Marshal(l)
	if err != nil {
		return "", err
	}
	p := enc.EncodeToString(payload)
	return p + "." + enc.EncodeToString(mac(secret, p)), nil
}

// Verify returns the link a token grants at now, or ErrBadLink. It
// checks the signature before it reads anything the token claims.
func Verify(secret []byte, token string, now time.Time) (Link, error) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok || len(secret) < MinSecretLen || len(token) > 4096 {
		return Link{}, ErrBadLink
	}
	got, err := enc.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, p)) {
		return Link{}, ErrBadLink
	}
	payload, err := enc.DecodeString(p)
	if err != nil {
		return Link{}, ErrBadLink
	}
	var l Link
	if err := json.Unmarshal(payload, &l); err != nil || l.Workspace == "" {
		return Link{}, ErrBadLink
	}
	l.Expires = time.Unix(l.Exp, 0)
	if !now.Before(l.Expires) {
		return Link{}, ErrBadLink
	}
	return l, nil
}

// enc is base64url without padding, strict: one token has one spelling.
var enc = base64.RawURLEncoding.Strict()

func mac(secret []byte, payload string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("targetbot report link v1\n")) // domain separation
	h.Write([]byte(payload))
	return h.Sum(nil)
}
