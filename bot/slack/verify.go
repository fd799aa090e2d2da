package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxSkew is how far a request's timestamp may be from our clock, in
// either direction, before we treat it as a replay.
const maxSkew = 5 * time.Minute

// Errors Verify returns. They are for logs; callers answer 401 to all.
var (
	ErrMissingSignature = errors.New("slack: missing X-Slack-Signature or X-Slack-Request-Timestamp")
	ErrBadTimestamp     = errors.New("slack: request timestamp is malformed or more than 5 minutes away")
	ErrBadSignature     = errors.New("slack: signature does not match")
)

// Verify checks Slack's v0 request signature: X-Slack-Signature must be
// "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)), and
// X-Slack-Request-Timestamp must be within 5 minutes of now, either way.
// The comparison is constant-time. It returns nil only for a good
// signature; an empty secret never verifies.
func Verify(h http.Header, body []byte, secret string, now time.Time) error {
	sig, ts, err := checkHeaders(h, secret, now)
	if err != nil {
		return err
	}
	return checkMAC(&macState{mac: hmac.New(sha256.New, []byte(secret))}, sig, ts, body)
}

// macState is an HMAC-SHA256 keyed with the signing secret, and room
// for what checkMAC writes into it and reads out: arrays handed to a
// hash.Hash escape, so they live with the HMAC, which the adapter
// reuses (Adapter.macs).
type macState struct {
	mac    hash.Hash
	prefix [32]byte
	sum    [sha256.Size]byte
}

// checkMAC checks sig against HMAC-SHA256 over "v0:" + ts + ":" + body
// with st's HMAC, fresh or reset.
func checkMAC(st *macState, sig, ts string, body []byte) error {
	mac := st.mac
	got, ok := strings.CutPrefix(sig, "v0=")
	if !ok || len(got) != 2*sha256.Size {
		return ErrBadSignature
	}
	var gotMAC [sha256.Size]byte
	if _, err := hex.Decode(gotMAC[:], []byte(got)); err != nil {
		return ErrBadSignature
	}
	mac.Write(append(append(append(st.prefix[:0], "v0:"...), ts...), ':'))
	mac.Write(body)
	if !hmac.Equal(gotMAC[:], mac.Sum(st.sum[:0])) {
		return ErrBadSignature
	}
	return nil
}

// checkHeaders does every check that needs no body: both headers present
// once each, and a well-formed timestamp inside the window.
func checkHeaders(h http.Header, secret string, now time.Time) (sig, ts string, err error) {
	sig = only(h, "X-Slack-Signature")
	ts = only(h, "X-Slack-Request-Timestamp")
	if sig == "" || ts == "" || secret == "" {
		return "", "", ErrMissingSignature
	}
	// Only plain decimal seconds as Slack writes them: ParseInt would
	// also take "+123", and Slack never sends a leading zero.
	if len(ts) > 12 || ts[0] == '0' || strings.TrimLeft(ts, "0123456789") != "" {
		return "", "", ErrBadTimestamp
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", "", ErrBadTimestamp
	}
	if d := now.Sub(time.Unix(secs, 0)); d > maxSkew || d < -maxSkew {
		return "", "", ErrBadTimestamp
	}
	return sig, ts, nil
}

// only returns the header's value when it is given exactly once, and ""
// otherwise: with two, which one a proxy or we would pick is a guess.
func only(h http.Header, key string) string {
	if v := h.Values(key); len(v) == 1 {
		return v[0]
	}
	return ""
}

// Sign returns the v0 signature Slack would send for body at ts. Tests
// and tools use it to act as Slack.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// readVerified reads a body of at most limit bytes and verifies it. It
// answers 401 to a bad or missing signature and 413 to a body over
// limit, and returns ok=false: nothing from an unverified request is
// parsed or executed. sig is the verified X-Slack-Signature, which names
// this body at this timestamp and nothing else: the replay key.
//
// Headers are checked before the body is read, and a Content-Length
// over limit is refused before it is read, so a request that cannot be
// genuine costs us no more than its headers, and one that is too big no
// more than limit bytes.
func (a *Adapter) readVerified(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, sig string, ok bool) {
	now := a.opts.Now()
	sig, ts, err := checkHeaders(r.Header, a.opts.SigningSecret, now)
	if err != nil {
		a.log.Warn("slack: rejected request", "path", r.URL.Path, "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, "", false
	}
	if r.ContentLength > limit {
		a.log.Warn("slack: refused an oversized request", "path", r.URL.Path, "content_length", r.ContentLength, "limit", limit)
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, "", false
	}
	body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.log.Warn("slack: refused an oversized request", "path", r.URL.Path, "limit", limit)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil, "", false
		}
		a.log.Warn("slack: could not read a request body", "path", r.URL.Path, "err", err)
		http.Error(w, "could not read the request body", http.StatusBadRequest)
		return nil, "", false
	}
	// The headers were checked above; only the MAC is left. HMACs are
	// reused: keying one hashes the secret twice.
	st := a.macs.Get().(*macState)
	err = checkMAC(st, sig, ts, body)
	st.mac.Reset()
	a.macs.Put(st)
	if err != nil {
		a.log.Warn("slack: rejected request", "path", r.URL.Path, "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, "", false
	}
	return body, sig, true
}
