package framework

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestChangeApply(t *testing.T) {
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	base := Target{Framework: "eds", Code: "1.1", Title: "Old", Owner: "U1", Due: "2026-12-31", Rating: Developing, SnoozedUntil: "2026-12-01", SnoozeReason: "leave"}
	for _, tt := range []struct {
		name     string
		c        Change
		check    func(*Target) bool
		from, to string
	}{
		{"assign", Change{Kind: EventAssign, Owner: "U2"}, func(t *Target) bool { return t.Owner == "U2" }, "U1", "U2"},
		{"unassign", Change{Kind: EventAssign}, func(t *Target) bool { return t.Owner == "" }, "U1", ""},
		{"due", Change{Kind: EventDue, Due: "2027-01-31"}, func(t *Target) bool { return t.Due == "2027-01-31" }, "2026-12-31", "2027-01-31"},
		{"rate", Change{Kind: EventRate, Rating: Achieving, Reason: "policy out"}, func(t *Target) bool { return t.Rating == Achieving }, "developing", "achieving"},
		{"a new reason for the same grade", Change{Kind: EventRate, Rating: Developing, Reason: "policy out"}, func(t *Target) bool { return t.Rating == Developing }, "developing", "developing"},
		{"snooze reason only", Change{Kind: EventSnooze, Until: "2026-12-01", Reason: "sick"}, func(t *Target) bool { return t.SnoozeReason == "sick" }, "2026-12-01", "2026-12-01"},
		{"snooze off", Change{Kind: EventSnooze}, func(t *Target) bool { return t.SnoozedUntil == "" && t.SnoozeReason == "" }, "2026-12-01", ""},
		{"edit", Change{Kind: EventEdit, Title: "New"}, func(t *Target) bool { return t.Title == "New" }, "Old", "New"},
		{"archive", Change{Kind: EventArchive}, func(t *Target) bool { return t.Archived }, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tg := base
			tt.c.Author, tt.c.Time = "U9", at
			e, err := tt.c.Apply(&tg, "2026/27", "no policy yet")
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if !tt.check(&tg) || e.From != tt.from || e.To != tt.to || e.Kind != tt.c.Kind || e.Author != "U9" || !e.Time.Equal(at) || e.Target != "eds/1.1" {
				t.Fatalf("target %+v event %+v", tg, e)
			}
			if tt.c.Kind == EventRate && (e.Cycle != "2026/27" || e.Reason != "policy out" || e.ReasonChange() != (e.From == e.To)) {
				t.Fatalf("rate event %+v, want cycle and reason", e)
			}
		})
	}
}

func TestChangeRefusals(t *testing.T) {
	base := Target{Framework: "eds", Code: "1.1", Title: "Old", Owner: "U1", Due: "2026-12-31", Rating: Developing}
	for _, tt := range []struct {
		name    string
		t       Target
		c       Change
		kind    Kind
		subject string
	}{
		{"same owner", base, Change{Kind: EventAssign, Owner: "U1"}, ErrNoChange, "U1"},
		{"unassigning nobody", Target{Framework: "eds", Code: "1.1"}, Change{Kind: EventAssign}, ErrNoChange, ""},
		{"same due", base, Change{Kind: EventDue, Due: "2026-12-31"}, ErrNoChange, "2026-12-31"},
		{"same grade, same reason", base, Change{Kind: EventRate, Rating: Developing, Reason: "again"}, ErrNoChange, "developing"},
		{"same grade, no reason", base, Change{Kind: EventRate, Rating: Developing}, ErrNoChange, "developing"},
		{"snooze off when not snoozed", base, Change{Kind: EventSnooze}, ErrNoChange, ""},
		{"same title", base, Change{Kind: EventEdit, Title: "Old"}, ErrNoChange, "Old"},
		{"archiving an archived target", Target{Framework: "eds", Code: "1.1", Archived: true}, Change{Kind: EventArchive}, ErrNoChange, ""},
		{"restoring a live one", base, Change{Kind: EventRestore}, ErrNoChange, ""},
		{"changing an archived target", Target{Framework: "eds", Code: "1.1", Archived: true}, Change{Kind: EventDue, Due: "2027-01-01"}, ErrArchived, "eds/1.1"},
		{"a bad due date", base, Change{Kind: EventDue, Due: "2027-1-1"}, ErrBadDue, "2027-1-1"},
		{"a bad snooze date", base, Change{Kind: EventSnooze, Until: "soon"}, ErrBadDue, "soon"},
		{"a bad grade", base, Change{Kind: EventRate, Rating: "brilliant"}, ErrBadRating, "brilliant"},
		{"a blank title", base, Change{Kind: EventEdit, Title: "  "}, ErrTooLong, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tg := tt.t
			_, err := tt.c.Apply(&tg, "2026/27", "again")
			if !errors.Is(err, tt.kind) || ErrorSubject(err) != tt.subject {
				t.Fatalf("Apply = %v (subject %q), want %q about %q", err, ErrorSubject(err), tt.kind, tt.subject)
			}
			if tg.Title != tt.t.Title || tg.Owner != tt.t.Owner || tg.Due != tt.t.Due || tg.Rating != tt.t.Rating || tg.Archived != tt.t.Archived {
				t.Fatalf("a refused change changed the target: %+v", tg)
			}
		})
	}
	if _, err := (&Change{Kind: EventEvidence}).Apply(&Target{}, "", ""); ErrorCode(err) != EINVALID || ErrorKind(err) != "" {
		t.Fatalf("evidence through Apply = %v, want a plain EINVALID", err)
	}
	restored := Target{Framework: "eds", Code: "1.1", Archived: true}
	if _, err := (&Change{Kind: EventRestore}).Apply(&restored, "", ""); err != nil || restored.Archived {
		t.Fatalf("restore = %v, %+v", err, restored)
	}
}

func TestRateReason(t *testing.T) {
	// Newest first, as stores return events.
	events := []Event{
		{Kind: EventDue, Cycle: "2026/27", Reason: "not a rate"},
		{Kind: EventRate, Cycle: "2025/26", Reason: "last year"},
		{Kind: EventRate, Cycle: "2026/27", Reason: "this year"},
		{Kind: EventRate, Cycle: "2026/27", Reason: "earlier"},
	}
	for _, tt := range []struct{ cycle, want string }{{"2026/27", "this year"}, {"2025/26", "last year"}, {"2024/25", ""}} {
		if got := RateReason(events, tt.cycle); got != tt.want {
			t.Errorf("RateReason(%s) = %q, want %q", tt.cycle, got, tt.want)
		}
	}
}

func TestValidURL(t *testing.T) {
	for _, ok := range []string{"https://www.england.nhs.uk/eds", "http://intranet.example/board-papers/2026-11.pdf", "HTTPS://Example.org/a?b=c#d"} {
		if !ValidURL(ok) {
			t.Errorf("ValidURL(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "www.nhs.uk", "ftp://x.org/f", "javascript:alert(1)", "https://", "https:///path", "mailto:a@b.c", "https://a b.org", "https://a.org/\x00", "http:nhs.uk", strings.Repeat("https://a.org/", 200)} {
		if ValidURL(bad) {
			t.Errorf("ValidURL(%q) = true", bad)
		}
		if err := CheckEvidence(&Evidence{URL: bad}); bad != "" && (!errors.Is(err, ErrBadURL) || ErrorSubject(err) != bad) {
			t.Errorf("CheckEvidence(%q) = %v", bad, err)
		}
	}
}

func TestArchivedTargetsCountForNothing(t *testing.T) {
	ts := []Target{
		{Framework: "x", Objective: "1", Code: "1", Progress: 100, Status: Done, Rating: Excelling},
		{Framework: "x", Objective: "1", Code: "2", Progress: 0, Status: OffTrack, Rating: Undeveloped, Archived: true, Grades: map[string]Rating{"2025/26": Excelling}},
		{Framework: "x", Objective: "2", Code: "3", Archived: true},
	}
	rs := Rollups(ts)
	if len(rs) != 1 || rs[0].Targets != 1 || rs[0].Status() != Done {
		t.Fatalf("Rollups = %+v, want objective 1 alone, done", rs)
	}
	if p, by := Overall(ts); p != 100 || by[OffTrack] != 0 {
		t.Fatalf("Overall = %d %v", p, by)
	}
	if c := RatingCounts(ts); c[Undeveloped] != 0 || c[Excelling] != 1 || c[Unrated] != 0 {
		t.Fatalf("RatingCounts = %v", c)
	}
	if c := GradeCounts(ts, "2025/26"); c[Excelling] != 0 || c[Unrated] != 1 {
		t.Fatalf("GradeCounts = %v", c)
	}
	f := &Framework{ID: "x", Objectives: []Objective{{Code: "1", Targets: []TargetSpec{{Code: "1"}, {Code: "2"}}}, {Code: "2", Targets: []TargetSpec{{Code: "3"}}}},
		Grading: &Grading{Scores: map[Rating]int{Undeveloped: 0, Developing: 1, Achieving: 2, Excelling: 3}, Bands: []Band{{Below: 2, Rating: Developing}, {Below: 4, Rating: Excelling}}}}
	// Archived targets score nothing, but stay in the maximum and keep the band provisional.
	if sc := f.Score(ts, Scope{}); sc.Sum != 3 || sc.Max != 9 || sc.Graded != 1 || sc.Ungraded != 0 || sc.Archived != 2 || sc.Band != Excelling || !sc.Provisional {
		t.Fatalf("Score = %+v", sc)
	}
	if sc := f.Score(ts, Scope{Cycle: "2025/26"}); sc.Sum != 0 || sc.Ungraded != 1 || sc.Archived != 2 || sc.Band != Unrated {
		t.Fatalf("Score in 2025/26 = %+v", sc)
	}
	if live := Live(ts); len(live) != 1 || live[0].Code != "1" || !live[0].Live() {
		t.Fatalf("Live = %+v", live)
	}
}
