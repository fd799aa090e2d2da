// Package limit is the yardstick of the end-to-end benchmark: the least
// a Slack slash-command server can do and still be one. It checks the
// request's signature, parses the form, makes one Redis call (a script,
// loaded once, that writes a hash and appends to a stream) and answers
// with a small JSON message. targetbot's `serve` is measured against it
// in the same run, on the same machine, with the same load (see
// docs/PERFORMANCE.md): what targetbot spends beyond it is the price of
// being a bot rather than a form handler.
//
// It is written as a competent Go programmer would write it with the
// standard library and go-redis, not tuned: that is the bar.
//
// NewWithWrite makes the same server around another write: the
// benchmark gives it targetbot's own update (the store's one-round-trip
// AppendUpdate, replay claim included), to measure what that write
// costs on its own, apart from everything else a bot does.
package limit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// script writes the command into a hash per user and a stream per team,
// capped so a long benchmark does not fill memory.
// KEYS: the user's hash, the team's stream. ARGV: text, time.
var script = redis.NewScript(`
redis.call('HSET', KEYS[1], 'text', ARGV[1], 'at', ARGV[2])
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', '100000', '*', 'text', ARGV[1], 'at', ARGV[2])
`)

// Write is a command's one call to its store: the command's text, from
// the form's team_id, user_id, text and trigger_id, with the request's
// timestamp.
type Write func(ctx context.Context, team, user, text, trigger, ts string) error

// Handler answers POST /slack/commands.
type Handler struct {
	secret []byte
	write  Write
}

// New returns a Handler that verifies with secret and writes keys under
// prefix. It loads the script into Redis once, so each command sends
// EVALSHA.
func New(ctx context.Context, rdb redis.UniversalClient, secret, prefix string) (*Handler, error) {
	if err := script.Load(ctx, rdb).Err(); err != nil {
		return nil, err
	}
	return NewWithWrite(secret, func(ctx context.Context, team, user, text, _, ts string) error {
		keys := []string{prefix + ":{" + team + "}:u:" + user, prefix + ":{" + team + "}:log"}
		return script.EvalSha(ctx, rdb, keys, text, ts).Err()
	}), nil
}

// NewWithWrite returns a Handler that verifies with secret and makes
// write its store call.
func NewWithWrite(secret string, write Write) *Handler {
	return &Handler{secret: []byte(secret), write: write}
}

type reply struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ts, sig := r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature")
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" || time.Since(time.Unix(secs, 0)).Abs() > 5*time.Minute {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, h.secret)
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	want := "v0=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	team, user, text := form.Get("team_id"), form.Get("user_id"), form.Get("text")
	if err := h.write(r.Context(), team, user, text, form.Get("trigger_id"), ts); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	out, err := json.Marshal(reply{ResponseType: "in_channel", Text: "<@" + user + "> logged: " + text})
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}
