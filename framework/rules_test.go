package framework

import (
	"sort"
	"strings"
	"testing"
	"time"
)

func TestOverdueUsesWorkspaceDay(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on 1 Dec is still 1 Dec in London but 2 Dec in Auckland.
	now := time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		target Target
		loc    *time.Location
		want   bool
	}{
		{"due today is not overdue", Target{Due: "2026-12-01", Status: OnTrack}, london, false},
		{"due yesterday is overdue", Target{Due: "2026-11-30", Status: OnTrack}, london, true},
		{"the zone's today moves the line", Target{Due: "2026-12-01", Status: OnTrack}, auckland, true},
		{"done is never overdue", Target{Due: "2026-01-01", Status: Done}, london, false},
		{"no due date is never overdue", Target{Status: AtRisk}, london, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Overdue(&tt.target, now, tt.loc); got != tt.want {
				t.Errorf("Overdue = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSnoozed(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if !Snoozed(&Target{SnoozedUntil: "2026-11-30"}, now, time.UTC) {
		t.Error("snoozed until next week should be snoozed")
	}
	if Snoozed(&Target{SnoozedUntil: "2026-11-23"}, now, time.UTC) {
		t.Error("a snooze ends on its date")
	}
	if Snoozed(&Target{}, now, time.UTC) {
		t.Error("no snooze is not snoozed")
	}
}

func TestRollups(t *testing.T) {
	ts := []Target{
		{Framework: "eds", Objective: "1", Code: "1.10", Progress: 50, Status: OnTrack},
		{Framework: "eds", Objective: "1", Code: "1.2", Progress: 25, Status: AtRisk},
		{Framework: "eds", Objective: "2", Code: "2.1", Progress: 100, Status: Done},
		{Framework: "eds", Objective: "3", Code: "3.1", Status: NotStarted},
	}
	rs := Rollups(ts)
	if len(rs) != 3 {
		t.Fatalf("got %d rollups, want 3", len(rs))
	}
	if r := rs[0]; r.Objective != "1" || r.Targets != 2 || r.Progress != 38 || r.Status() != AtRisk {
		t.Errorf("objective 1 = %+v status %s, want 2 targets, 38%%, at-risk", r, r.Status())
	}
	if r := rs[1]; r.Status() != Done || r.Progress != 100 {
		t.Errorf("objective 2 = %+v status %s, want done", r, r.Status())
	}
	if r := rs[2]; r.Status() != NotStarted {
		t.Errorf("objective 3 status = %s, want not-started", r.Status())
	}
	if ts[0].Code != "1.2" {
		t.Errorf("Rollups should sort naturally: first code = %s, want 1.2", ts[0].Code)
	}
	p, by := Overall(ts)
	if p != 44 || by[Done] != 1 || by[NotStarted] != 1 {
		t.Errorf("Overall = %d %v", p, by)
	}
}

func TestCompareCodes(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		{"1.2", "1.10", -1},
		{"2", "10", -1},
		{"1.1", "1.1", 0},
		{"4.3", "4.2", 1},
		{"a", "b", -1},
		{"1.01", "1.1", 0},
		{"1", "1.1", -1},
	}
	for _, tt := range tests {
		got := CompareCodes(tt.a, tt.b)
		if (got < 0) != (tt.want < 0) || (got > 0) != (tt.want > 0) {
			t.Errorf("CompareCodes(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParsers(t *testing.T) {
	if s, ok := ParseStatus("On Track"); !ok || s != OnTrack {
		t.Errorf("ParseStatus(On Track) = %q %v", s, ok)
	}
	if _, ok := ParseStatus("brilliant"); ok {
		t.Error("ParseStatus accepted brilliant")
	}
	if r, ok := ParseRating("Excelling"); !ok || r != Excelling || r.Band() != "purple" {
		t.Errorf("ParseRating(Excelling) = %q %v", r, ok)
	}
	if _, ok := ParseRating("brilliant"); ok {
		t.Error("ParseRating accepted brilliant")
	}
	if d, err := ParseDate("2026-12-31"); err != nil || d != "2026-12-31" || d.Score() != 20261231 || DateFromScore(d.Score()) != d {
		t.Errorf("ParseDate(2026-12-31) = %q %v", d, err)
	}
	for _, bad := range []string{"31-12-2026", "2026-02-30", "tomorrow", ""} {
		if _, err := ParseDate(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseDate(%q) error = %v, want invalid", bad, err)
		}
	}
	if got := Date("2026-12-31").AddDays(1); got != "2027-01-01" {
		t.Errorf("AddDays = %s", got)
	}
}

func TestErrors(t *testing.T) {
	err := Errorf(ENOTFOUND, "unknown target `9.9`: try `/target list`")
	if ErrorCode(err) != ENOTFOUND || ErrorMessage(err) != "unknown target `9.9`: try `/target list`" {
		t.Errorf("code %q message %q", ErrorCode(err), ErrorMessage(err))
	}
	internal := &Error{Code: EINTERNAL, Message: "secret detail"}
	if ErrorMessage(internal) != "internal error" {
		t.Errorf("internal errors must not leak: %q", ErrorMessage(internal))
	}
	if ErrorCode(nil) != "" || ErrorCode(errPlain) != EINTERNAL || ErrorMessage(errPlain) != "internal error" {
		t.Error("plain errors are internal")
	}
}

var errPlain = &plainErr{}

type plainErr struct{}

func (*plainErr) Error() string { return "boom" }

func TestValidate(t *testing.T) {
	f := Framework{ID: "x", Name: "X", Objectives: []Objective{{Code: "1", Title: "One", Targets: []TargetSpec{{Code: "1.1", Title: "A"}, {Code: "1.1", Title: "B"}}}}}
	err := f.Validate()
	if ErrorCode(err) != EINVALID || ErrorField(err) != "objectives[0].targets[1].code" {
		t.Fatalf("Validate = %v (field %q)", err, ErrorField(err))
	}
	f.Objectives[0].Targets[1].Code = "1.2"
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Targets()); n != 2 {
		t.Fatalf("Targets() = %d", n)
	}
}

// Commands match codes ignoring case, so codes that differ only in case
// could never be told apart: `list x/a` would stay ambiguous however it
// was typed.
func TestValidateRefusesCodesDifferingOnlyInCase(t *testing.T) {
	objectives := Framework{ID: "x", Name: "X", Objectives: []Objective{
		{Code: "A", Title: "One", Targets: []TargetSpec{{Code: "A.1", Title: "a"}}},
		{Code: "a", Title: "Two", Targets: []TargetSpec{{Code: "a.2", Title: "b"}}},
	}}
	if err := objectives.Validate(); ErrorCode(err) != EINVALID || ErrorField(err) != "objectives[1].code" {
		t.Errorf("objectives A and a: Validate = %v (field %q)", err, ErrorField(err))
	}
	targets := Framework{ID: "x", Name: "X", Objectives: []Objective{
		{Code: "1", Title: "One", Targets: []TargetSpec{{Code: "1.a", Title: "a"}, {Code: "1.A", Title: "b"}}},
	}}
	if err := targets.Validate(); ErrorCode(err) != EINVALID || ErrorField(err) != "objectives[0].targets[1].code" {
		t.Errorf("targets 1.a and 1.A: Validate = %v (field %q)", err, ErrorField(err))
	}
}

func TestStoreChecks(t *testing.T) {
	for _, u := range []Update{{Progress: Unchanged}, {Progress: 0, Status: Done}, {Progress: 100, Status: OnTrack}} {
		if err := CheckUpdate(&u); err != nil {
			t.Errorf("CheckUpdate(%+v) = %v", u, err)
		}
	}
	for _, tt := range []struct {
		u     Update
		field string
	}{{Update{Progress: 101}, "progress"}, {Update{Progress: -2}, "progress"}, {Update{Progress: 5, Status: "brilliant"}, "status"}} {
		if err := CheckUpdate(&tt.u); ErrorCode(err) != EINVALID || ErrorField(err) != tt.field {
			t.Errorf("CheckUpdate(%+v) = %v, want invalid %s", tt.u, err, tt.field)
		}
	}
	for _, d := range []Date{"", "2026-12-31"} {
		if err := CheckDue(d); err != nil {
			t.Errorf("CheckDue(%q) = %v", d, err)
		}
	}
	for _, d := range []Date{"next week", "2026-2-3", "2026-02-30"} {
		if err := CheckDue(d); ErrorCode(err) != EINVALID || ErrorField(err) != "due" {
			t.Errorf("CheckDue(%q) = %v, want invalid due", d, err)
		}
	}
	if err := CheckDone("eds/1.1", 40, Done); ErrorCode(err) != EINVALID || ErrorField(err) != "status" {
		t.Errorf("CheckDone at 40%% = %v", err)
	}
}

func TestNextStatus(t *testing.T) {
	tests := []struct {
		cur      Status
		progress int
		given    Status
		want     Status
	}{
		{NotStarted, 10, "", OnTrack},
		{NotStarted, 0, "", NotStarted},
		{"", 100, "", OnTrack},
		{"", 0, "", NotStarted},
		{NotStarted, 40, AtRisk, AtRisk},
		{AtRisk, 50, "", AtRisk},
		{Done, 100, "", Done},
		{OffTrack, 0, OnTrack, OnTrack},
	}
	for _, tt := range tests {
		if got := NextStatus(tt.cur, tt.progress, tt.given); got != tt.want {
			t.Errorf("NextStatus(%q, %d, %q) = %q, want %q", tt.cur, tt.progress, tt.given, got, tt.want)
		}
	}
}

func TestLessRef(t *testing.T) {
	refs := []string{"nhse/1.1", "eds/1.10", "eds/1.2", "eds-2022/1A", "eds/2.1"}
	sort.SliceStable(refs, func(i, j int) bool { return LessRef(refs[i], refs[j]) })
	if got := strings.Join(refs, " "); got != "eds/1.2 eds/1.10 eds/2.1 eds-2022/1A nhse/1.1" {
		t.Errorf("sorted = %s", got)
	}
}
