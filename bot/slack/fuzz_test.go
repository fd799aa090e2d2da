package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzVerify: no input panics, and nothing verifies unless it carries the
// right HMAC over its own exact timestamp text and body, within 5 minutes.
func FuzzVerify(f *testing.F) {
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J"
	f.Add("1531420618", Sign(testSecret, 1531420618, []byte(body)), []byte(body), int64(0))
	f.Add("1531420618", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", []byte(body), int64(30))
	f.Add("", "", []byte{}, int64(-400))
	f.Add("99999999999999999999", "v0=zz", []byte("\x00"), int64(1))
	f.Add("+1531420618", "v0=", []byte("a=b"), int64(0))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte, skew int64) {
		h := http.Header{}
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", sig)
		now := time.Unix(1531420618+skew%1000, 0)
		if Verify(h, body, testSecret, now) != nil {
			return
		}
		mac := hmac.New(sha256.New, []byte(testSecret))
		mac.Write([]byte("v0:" + h.Get("X-Slack-Request-Timestamp") + ":"))
		mac.Write(body)
		if want := "v0=" + hex.EncodeToString(mac.Sum(nil)); !strings.EqualFold(h.Get("X-Slack-Signature"), want) {
			t.Fatalf("accepted signature %q for ts %q body %q; want %s", sig, ts, body, want)
		}
		secs, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			t.Fatalf("accepted unparseable timestamp %q", ts)
		}
		if d := now.Sub(time.Unix(secs, 0)); d > maxSkew || d < -maxSkew {
			t.Fatalf("accepted timestamp %d at %v", secs, now)
		}
	})
}

// FuzzParseCommand: any form body parses or fails cleanly, and a parsed
// command always names its team and user.
func FuzzParseCommand(f *testing.F) {
	f.Add([]byte("token=x&team_id=T1&user_id=U1&channel_id=C1&command=%2Ftarget&text=update+eds%2F1.1+40%25"))
	f.Add([]byte("team_id=T1&user_id=U1&text=%zz"))
	f.Add([]byte(";;;&&&==="))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, err := parseCommand(body)
		if err != nil {
			return
		}
		if cmd.TeamID == "" || cmd.UserID == "" {
			t.Fatalf("parsed a command without team or user: %+v", cmd)
		}
	})
}
