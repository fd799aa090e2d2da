package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
)

func TestSplitVerb(t *testing.T) {
	tests := []struct{ in, verb, rest string }{
		{"", "", ""},
		{"   ", "", ""},
		{"/target update eds/1.1 40%", "update", "eds/1.1 40%"},
		{"/TARGET   LIST  mine", "list", "mine"},
		{"UPDATE eds/1.1", "update", "eds/1.1"},
		{"/target", "", ""},
		{"show\teds/1.1", "show", "eds/1.1"},
		{"/targets list", "/targets", "list"},
	}
	for _, tt := range tests {
		verb, rest := splitVerb(tt.in)
		if verb != tt.verb || rest != tt.rest {
			t.Errorf("splitVerb(%q) = %q, %q; want %q, %q", tt.in, verb, rest, tt.verb, tt.rest)
		}
	}
}

func TestTokenize(t *testing.T) {
	a := tokenize("eds/1.1  40%\ton-track   the  note\n keeps  spacing ")
	if a.len() != 7 {
		t.Fatalf("len = %d, want 7: %+v", a.len(), a.tokens)
	}
	if got := a.from(3); got != "the  note\n keeps  spacing" {
		t.Errorf("from(3) = %q", got)
	}
	if got := a.after(1); got != "on-track   the  note\n keeps  spacing" {
		t.Errorf("after(1) = %q", got)
	}
	if a.at(99) != "" || a.from(99) != "" || a.after(-1) != "" {
		t.Error("out of range words are not empty")
	}
}

func TestParseUpdateArgs(t *testing.T) {
	u := framework.Unchanged
	tests := []struct {
		in       string
		progress int
		status   framework.Status
		note     string
		field    string // "" with errOK false means success
		wantErr  bool
	}{
		{in: "40%", progress: 40},
		{in: "40% on-track", progress: 40, status: framework.OnTrack},
		{in: "on-track 40%", progress: 40, status: framework.OnTrack},
		{in: "AT-RISK waiting on HR data", progress: u, status: framework.AtRisk, note: "waiting on HR data"},
		{in: "done", progress: 100, status: framework.Done},
		{in: "100% done", progress: 100, status: framework.Done},
		{in: "just a note", progress: u, note: "just a note"},
		{in: "-- 50% of staff trained", progress: u, note: "50% of staff trained"},
		{in: "40% --  done  deal ", progress: 40, note: "done  deal"},
		{in: "40", progress: 40},
		{in: "40 on-track", progress: 40, status: framework.OnTrack},
		{in: "3 sessions held", progress: u, note: "3 sessions held"},
		{in: "0%", progress: 0},
		{in: "140%", field: "progress", wantErr: true},
		{in: "-5%", field: "progress", wantErr: true},
		{in: "40.5%", field: "progress", wantErr: true},
		{in: "140", field: "progress", wantErr: true},
		{in: "40% 50%", field: "progress", wantErr: true},
		{in: "on-track at-risk", field: "status", wantErr: true},
		{in: "40% done", field: "progress", wantErr: true},
		{in: "", wantErr: true},
		{in: "--", wantErr: true},
		{in: strings.Repeat("x", maxNote+1), field: "note", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseUpdateArgs(tokenize("eds/1.1 "+tt.in), 1)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, got %+v", got)
				}
				if framework.ErrorCode(err) != framework.EINVALID || framework.ErrorField(err) != tt.field {
					t.Fatalf("err = %v (field %q), want EINVALID field %q", err, framework.ErrorField(err), tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.progress != tt.progress || got.status != tt.status || got.note != tt.note {
				t.Errorf("got %+v, want progress %d status %q note %q", got, tt.progress, tt.status, tt.note)
			}
		})
	}
}

func TestParseMention(t *testing.T) {
	tests := []struct {
		in, id string
		ok     bool
	}{
		{"<@U123>", "U123", true},
		{"<@U123|amy>", "U123", true},
		{"<@!123>", "123", true},
		{"<@123>", "123", true},
		{"@amy", "amy", true},
		{"amy", "", false},
		{"<@>", "", false},
		{"<@U123", "", false},
		{"@", "", false},
		{"@a b", "", false},
		{"<#C123>", "", false},
	}
	for _, tt := range tests {
		id, ok := parseMention(tt.in)
		if ok != tt.ok || (ok && id != tt.id) {
			t.Errorf("parseMention(%q) = %q, %v; want %q, %v", tt.in, id, ok, tt.id, tt.ok)
		}
	}
}

func TestParseSnooze(t *testing.T) {
	today := framework.Date("2026-11-23")
	tests := []struct {
		in   string
		want framework.Date
		ok   bool
	}{
		{"7d", "2026-11-30", true},
		{"2w", "2026-12-07", true},
		{"2W", "2026-12-07", true},
		{"2026-12-01", "2026-12-01", true},
		{"2026-11-23", "", false},
		{"2026-11-01", "", false},
		{"0d", "", false},
		{"400d", "", false},
		{"7x", "", false},
		{"d", "", false},
		{"01-12-2026", "", false},
		{"soon", "", false},
	}
	for _, tt := range tests {
		got, err := parseSnooze(tt.in, today)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSnooze(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && framework.ErrorField(err) != "until" {
			t.Errorf("parseSnooze(%q) field = %q", tt.in, framework.ErrorField(err))
		}
	}
}

func TestParseSpec(t *testing.T) {
	london, err := loadLocation("europe/london")
	if err != nil || london.String() != "Europe/London" {
		t.Fatalf("loadLocation(europe/london) = %v, %v", london, err)
	}
	now := mustTime(t, "2026-11-23T10:00:00Z") // a Monday
	spec, next, err := parseSpec("0  9 * *   MON", london, now)
	if err != nil {
		t.Fatal(err)
	}
	if spec != "0 9 * * MON" || next.Format("2006-01-02 15:04 MST") != "2026-11-30 09:00 GMT" {
		t.Errorf("got %q next %v", spec, next)
	}
	for _, bad := range []string{"0 9 * *", "61 9 * * MON", "CRON_TZ=UTC 0 9 * * *", "@every 1m", "hello"} {
		if _, _, err := parseSpec(bad, london, now); framework.ErrorCode(err) != framework.EINVALID {
			t.Errorf("parseSpec(%q) err = %v, want EINVALID", bad, err)
		}
	}
	for _, bad := range []string{"Local", "", "Mars/Olympus", "../../etc/passwd"} {
		if _, err := loadLocation(bad); err == nil {
			t.Errorf("loadLocation(%q) succeeded", bad)
		}
	}
}

func TestVerbsDocumented(t *testing.T) {
	vs := Verbs()
	if len(vs) < 16 {
		t.Fatalf("only %d verbs", len(vs))
	}
	for _, v := range vs {
		if lv := lookup(v.Name); lv == nil || lv.run == nil {
			t.Errorf("verb %s has no code", v.Name)
		}
		if !strings.HasPrefix(v.Usage, v.Name) || v.Summary == "" || len(v.Examples) == 0 || v.Access == "" {
			t.Errorf("verb %s is not fully documented: %+v", v.Name, v)
		}
		for _, e := range v.Examples {
			if verb, _ := splitVerb(e); verb != v.Name {
				t.Errorf("example %q of %s runs %s", e, v.Name, verb)
			}
		}
	}
	vs[0].Examples[0] = "changed"
	if Verbs()[0].Examples[0] == "changed" {
		t.Error("Verbs shares its slices with callers")
	}
}

func TestSuggestVerb(t *testing.T) {
	if got := suggestVerb("updte"); got != "update" {
		t.Errorf("suggestVerb(updte) = %q", got)
	}
	if got := suggestVerb("zzzzzzzz"); got != "" {
		t.Errorf("suggestVerb(zzzzzzzz) = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "/target update eds/1.1 40% on-track note", "update 1.1 -- 50%", "assign eds/1.1 <@U1|amy>", "snooze 1.1 2w why", "digest here 0 9 * * MON", "update x 40 done", "\xff\xfe", "update x 99999999999999999999%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		verb, rest := splitVerb(s)
		a := tokenize(rest)
		for i := -1; i <= a.len(); i++ {
			_, _, _ = a.at(i), a.from(i), a.after(i)
		}
		u, err := parseUpdateArgs(a, 1)
		if err == nil {
			if u.progress != framework.Unchanged && (u.progress < 0 || u.progress > 100) {
				t.Fatalf("progress %d out of range from %q", u.progress, s)
			}
			if u.progress == framework.Unchanged && u.status == "" && u.note == "" {
				t.Fatalf("empty update accepted from %q", s)
			}
		} else if framework.ErrorMessage(err) == "" {
			t.Fatalf("error without message from %q", s)
		}
		_, _ = parseMention(a.at(0))
		_, _ = parseSnooze(a.at(0), "2026-11-23")
		_ = suggestVerb(verb)
		_, _, _ = parseSpec(rest, time.UTC, time.Unix(0, 0))
		_, _ = loadLocation(a.at(0))
	})
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]framework.Status{
		"on-track": framework.OnTrack, "ON_TRACK": framework.OnTrack, "ontrack": framework.OnTrack,
		"atrisk": framework.AtRisk, "offtrack": framework.OffTrack, "notstarted": framework.NotStarted,
		"Done": framework.Done, "completed": framework.Done, "nope": "",
	} {
		if got, ok := parseStatus(in); got != want || ok != (want != "") {
			t.Errorf("parseStatus(%q) = %q, %v", in, got, ok)
		}
	}
}
