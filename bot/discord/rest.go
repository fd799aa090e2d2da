package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// rewrite sends requests meant for Discord's REST API to another base URL.
// discordgo's Endpoint* variables are fixed when the package loads, so
// this is how both it and our own calls reach a fake server or a proxy.
type rewrite struct {
	next http.RoundTripper
	from string // discordgo.EndpointAPI
	to   string // the replacement, ending in "/"
}

func (t *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	u := req.URL.String()
	if !strings.HasPrefix(u, t.from) {
		return t.next.RoundTrip(req)
	}
	nu, err := url.Parse(t.to + strings.TrimPrefix(u, t.from))
	if err != nil {
		return nil, fmt.Errorf("discord: rewrite %s: %w", u, err)
	}
	// A RoundTripper must not change the caller's request.
	r := req.Clone(req.Context())
	r.URL, r.Host = nu, ""
	return t.next.RoundTrip(r)
}

// restClient copies hc (or a default client) and, when apiURL is set,
// installs the rewriting transport.
func restClient(hc *http.Client, apiURL string) (*http.Client, error) {
	c := &http.Client{Timeout: 30 * time.Second}
	if hc != nil {
		cp := *hc
		c = &cp
	}
	if apiURL == "" {
		return c, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: API URL %q must be an absolute http(s) URL such as https://discord.com/api/v9", apiURL)
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = &rewrite{next: next, from: discordgo.EndpointAPI, to: strings.TrimRight(apiURL, "/") + "/"}
	return c, nil
}

// rest makes the REST calls that need more control than discordgo gives:
// posts with a nonce, webhook follow-ups, and 429s handled within ctx
// (discordgo sleeps on a 429 without looking at ctx).
type rest struct {
	client *http.Client
	base   string
	token  string
	log    *slog.Logger
}

const (
	maxAttempts  = 4
	maxRetryWait = 30 * time.Second
)

// statusError is a non-2xx answer from Discord.
type statusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.Status, e.Body)
}

// do sends body as JSON to path (relative to the API base) and decodes
// the answer into out when out is not nil. auth adds the bot token;
// interaction webhooks need none. 429s wait retry_after and 5xx back off,
// for at most maxAttempts tries and never past ctx; a POST that Discord
// cannot deduplicate is retried only when it certainly was not acted on.
func (r *rest) do(ctx context.Context, method, path string, body, out any, auth bool) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s %s: encode: %w", method, path, err)
		}
	}
	repeatable := idempotent(method, path, body)
	for attempt := 1; ; attempt++ {
		wait, unsent, err := r.once(ctx, method, path, payload, out, auth)
		if wait == 0 || attempt == maxAttempts || !repeatable && !unsent {
			return err
		}
		r.log.InfoContext(ctx, "discord: retrying", "method", method, "path", path, "attempt", attempt, "wait", wait, "err", err)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%w (retry in %v would pass the deadline)", err, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s %s: %w (last: %v)", method, path, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// idempotent reports whether sending a request twice has the effect of
// sending it once, so that it may be retried when we cannot tell whether
// Discord acted on it: a 5xx, a timeout, a dropped connection. PATCH and
// DELETE are; opening a DM returns the same channel; a message POST is
// only when it carries an enforced nonce, since a webhook follow-up
// cannot.
func idempotent(method, path string, body any) bool {
	if method != http.MethodPost || path == "users/@me/channels" {
		return true
	}
	m, ok := body.(messageBody)
	return ok && m.EnforceNonce && m.Nonce != ""
}

// once makes one attempt. A non-zero wait means the request may be retried
// after that long; unsent means Discord certainly did not act on it (a
// 429, or no connection), so even a POST may be.
func (r *rest) once(ctx context.Context, method, path string, payload []byte, out any, auth bool) (wait time.Duration, unsent bool, err error) {
	wait, err = r.attempt(ctx, method, path, payload, out, auth)
	var se *statusError
	var oe *net.OpError
	unsent = errors.As(err, &se) && se.Status == http.StatusTooManyRequests ||
		errors.As(err, &oe) && oe.Op == "dial"
	return wait, unsent, err
}

func (r *rest) attempt(ctx context.Context, method, path string, payload []byte, out any, auth bool) (time.Duration, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/targetbot/targetbot, 1)")
	if auth {
		req.Header.Set("Authorization", "Bot "+r.token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, fmt.Errorf("%s %s: %w", method, path, err)
		}
		return time.Second, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return time.Second, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return retryAfter(resp.Header, data), &statusError{method, path, resp.StatusCode, snippet(data)}
	case resp.StatusCode >= 500:
		return time.Second, &statusError{method, path, resp.StatusCode, snippet(data)}
	case resp.StatusCode >= 300:
		return 0, &statusError{method, path, resp.StatusCode, snippet(data)}
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return 0, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return 0, nil
}

// retryAfter reads how long a 429 asks us to wait: retry_after (seconds,
// fractional) in the JSON body, else the Retry-After header. The wait is at
// least a few milliseconds and at most maxRetryWait.
func retryAfter(h http.Header, body []byte) time.Duration {
	secs := -1.0
	var rl struct {
		RetryAfter *float64 `json:"retry_after"`
	}
	if json.Unmarshal(body, &rl) == nil && rl.RetryAfter != nil {
		secs = *rl.RetryAfter
	} else if v, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After")), 64); err == nil {
		secs = v
	}
	d := time.Second
	if secs >= 0 && secs < maxRetryWait.Seconds() {
		d = time.Duration(secs * float64(time.Second))
	} else if secs >= maxRetryWait.Seconds() {
		d = maxRetryWait
	}
	return max(d, 5*time.Millisecond)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// errNoToken is returned by calls that need the bot token when none is set.
var errNoToken = errors.New("discord: no bot token: set DISCORD_BOT_TOKEN")
