package slack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
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
	f.Add([]byte("team_id=T1&user_id=U1&team_id=T2&text=a+b&text=c&is_enterprise_install=true"))
	f.Add([]byte("team_id=T1&user_id=U1&x=%zz"))
	f.Add([]byte("team%5Fid=T1&user_id=U1&text=%E2%9C%93"))
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, err := parseCommand(body)
		// It reads the body in place; slack-go's parser is the reference.
		want, wantErr := referenceParse(body)
		if (err == nil) != (wantErr == nil) || (err == nil && cmd != want) {
			t.Fatalf("parseCommand(%q) = %+v, %v; slack-go gives %+v, %v", body, cmd, err, want, wantErr)
		}
		if err != nil {
			return
		}
		if cmd.TeamID == "" || cmd.UserID == "" {
			t.Fatalf("parsed a command without team or user: %+v", cmd)
		}
	})
}

// referenceParse is how the adapter parsed commands before parseCommand:
// slack-go's SlashCommandParse on a rebuilt request.
func referenceParse(body []byte) (slack.SlashCommand, error) {
	r, _ := http.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		return slack.SlashCommand{}, err
	}
	if cmd.TeamID == "" || cmd.UserID == "" {
		return slack.SlashCommand{}, errors.New("no team or user")
	}
	return cmd, nil
}

// FuzzToMrkdwnPlain: markup that toMrkdwn passes through unparsed reads
// exactly as the full translation writes it.
func FuzzToMrkdwnPlain(f *testing.F) {
	f.Add("▓▓▓▓░░░░░░ 40% · 🟢 on track")
	f.Add("> quote")
	f.Add("a\nb c")
	f.Add("")
	f.Fuzz(func(t *testing.T, markup string) {
		for _, m := range []*mentions{liveMentions, {names: map[string]string{"U1": "Amy"}}} {
			if got, want := toMrkdwn(markup, m), spansMrkdwn(bot.Parse(markup), m, true); got != want {
				t.Fatalf("toMrkdwn(%q) = %q, want %q", markup, got, want)
			}
		}
	})
}

// FuzzSpansMrkdwn: the one-buffer translation writes exactly what the
// first, string-building one wrote, for every mention setting.
func FuzzSpansMrkdwn(f *testing.F) {
	f.Add("<@U1> updated *`eds/1.1` Title*\n▓▓ 40% · on track\n> note", "Amy")
	f.Add("* x * ~ y ~ *~both~*", "Channel team")
	f.Add("*<@U2CERLKJA>* and <@W1|x> <https://a.b|l*i_n>k>", "a_b")
	f.Fuzz(func(t *testing.T, markup, name string) {
		names := map[string]string{"U1": name, "U2CERLKJA": name}
		for _, m := range []*mentions{liveMentions, {names: names}, {notify: map[string]bool{"U1": true}, names: names}} {
			for _, lineStart := range []bool{true, false} {
				spans := bot.Parse(markup)
				if got, want := spansMrkdwn(spans, m, lineStart), referenceMrkdwn(spans, m, lineStart); got != want {
					t.Fatalf("spansMrkdwn(%q) = %q, want %q", markup, got, want)
				}
			}
		}
	})
}

// referenceMrkdwn, referenceUser and styled are the translation as first
// written; FuzzSpansMrkdwn holds spansMrkdwn to them.
func referenceMrkdwn(spans []bot.Span, m *mentions, lineStart bool) string {
	var b, run strings.Builder
	bold, strike := false, false
	flush := func() {
		b.WriteString(styled(run.String(), bold, strike))
		run.Reset()
	}
	for _, sp := range spans {
		if sp.Bold != bold || sp.Strike != strike {
			flush()
			bold, strike = sp.Bold, sp.Strike
		}
		var s string
		switch sp.Kind {
		case bot.SpanText:
			s = escapeText(sp.Text, lineStart)
		case bot.SpanCode:
			if sp.Text != "" { // `` would show its backticks
				s = "`" + escapeCode(sp.Text) + "`"
			}
		case bot.SpanLink:
			s = link(sp)
		case bot.SpanUser:
			s = referenceUser(m, sp.Text)
		}
		run.WriteString(s)
		if s != "" {
			lineStart = sp.Kind == bot.SpanText && strings.HasSuffix(sp.Text, "\n")
		}
	}
	flush()
	return b.String()
}

func referenceUser(m *mentions, id string) string {
	if m.live(id) {
		return "<@" + id + ">"
	}
	return escapeText(m.plain(id), false)
}

// styled wraps mrkdwn s in Slack's bold and strike markers. Slack ignores
// a marker with white space on its inner side, so white space at either
// end goes outside the markers.
func styled(s string, bold, strike bool) string {
	if !bold && !strike {
		return s
	}
	rest := strings.TrimLeftFunc(s, unicode.IsSpace)
	inner := strings.TrimRightFunc(rest, unicode.IsSpace)
	if inner == "" {
		return s
	}
	lead, trail := s[:len(s)-len(rest)], rest[len(inner):]
	if strike {
		inner = "~" + inner + "~"
	}
	if bold {
		inner = "*" + inner + "*"
	}
	return lead + inner + trail
}
