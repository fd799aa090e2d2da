package report_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

// The seeded workspace every report test reads: EDS 2022 imported in
// June 2025 and graded in its first cycle (2025/26), a second cycle
// (2026/27) opened on 1 April 2026, NHS England's objectives imported
// beside it, and a year of updates, grades, owners, due dates, evidence,
// a withdrawn update, a custom outcome and an archived one. Text people
// typed is as hostile as it gets: formula starters, markup, pipes,
// quotes, commas and line breaks. Reports are made at now.

const ws = "local"

var (
	london = mustZone("Europe/London")
	now    = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// day is 10:00 London time on a date.
func day(date string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" 10:00", london)
	if err != nil {
		panic(err)
	}
	return t
}

func builtins(t testing.TB) []*framework.Framework {
	t.Helper()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return fws
}

func find(fws []*framework.Framework, id string) *framework.Framework {
	for _, f := range fws {
		if f.ID == id {
			return f
		}
	}
	panic("no framework " + id)
}

// seeded opens a bolt store in a temporary folder and seeds it.
func seeded(t testing.TB) store.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	seed(t, s, builtins(t))
	return s
}

func seed(t testing.TB, s store.Store, fws []*framework.Framework) {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed: %s: %v", what, err)
		}
	}
	update := func(ref, date string, progress int, status framework.Status, note string) framework.Update {
		t.Helper()
		u, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref, Author: "amy", Time: day(date), Progress: progress, Status: status, Note: note}, store.Once{})
		must("update "+ref, err)
		return u
	}
	change := func(ref, date string, ch framework.Change) {
		t.Helper()
		ch.Author, ch.Time = "sam", day(date)
		_, _, err := s.ChangeTarget(ctx, ws, ref, ch)
		must(string(ch.Kind)+" "+ref, err)
	}
	evidence := func(ref, date, url, title string) {
		t.Helper()
		_, err := s.AddEvidence(ctx, ws, ref, framework.Evidence{URL: url, Title: title, Author: "bob", Time: day(date)})
		must("evidence "+ref, err)
	}

	_, err := s.Import(ctx, ws, find(fws, "eds-2022"), day("2025-06-02"))
	must("import eds-2022", err)
	must("timezone", s.SetTimezone(ctx, ws, "Europe/London"))
	update("eds-2022/1A", "2025-07-10", 20, framework.OnTrack, "Access audit started")
	update("eds-2022/2A", "2025-09-01", 10, framework.OnTrack, "")
	update("eds-2022/1B", "2026-02-12", 30, framework.AtRisk, "Waiting on data")
	change("eds-2022/1A", "2026-01-15", framework.Change{Kind: framework.EventRate, Rating: framework.Undeveloped, Reason: "no audit yet"})
	change("eds-2022/1B", "2026-01-15", framework.Change{Kind: framework.EventRate, Rating: framework.Developing})
	change("eds-2022/2A", "2026-01-15", framework.Change{Kind: framework.EventRate, Rating: framework.Developing})
	change("eds-2022/3A", "2026-01-15", framework.Change{Kind: framework.EventRate, Rating: framework.Achieving})
	evidence("eds-2022/1A", "2026-02-01", "https://example.org/eds/2025-audit.pdf", "Audit plan 2025")

	_, _, err = s.StartCycle(ctx, ws, "2026/27", day("2026-04-01"))
	must("cycle start", err)
	_, err = s.Import(ctx, ws, find(fws, "nhse-2024-26"), day("2026-04-10"))
	must("import nhse-2024-26", err)

	change("eds-2022/1A", "2026-04-02", framework.Change{Kind: framework.EventAssign, Owner: "amy"})
	change("eds-2022/1A", "2026-04-02", framework.Change{Kind: framework.EventDue, Due: "2026-12-31"})
	change("eds-2022/1B", "2026-04-02", framework.Change{Kind: framework.EventDue, Due: "2026-10-31"})
	change("eds-2022/2B", "2026-04-02", framework.Change{Kind: framework.EventDue, Due: "2026-09-30"})
	change("eds-2022/2B", "2026-04-02", framework.Change{Kind: framework.EventAssign, Owner: "bob"})
	// amy has a name and role; bob none, so he is named by his id.
	amy := framework.Person{User: "amy", Name: "Amy Khan", Role: "EDI lead", Manual: true}
	_, err = s.WriteEntries(ctx, ws, store.EntryWrite{Put: []store.Entry{{Kind: store.EntryPerson, Key: amy.User, Value: amy.Encode()}}})
	must("name amy", err)
	// Domain 1 is graded per service: three services, 1A graded by each
	// in this cycle (their median is its developing) and by one in the
	// last, 1B by one so far.
	svc := func(code, name string) store.Entry {
		d := framework.Service{Code: code, Name: name, By: "sam", At: day("2026-04-03")}
		b, _ := json.Marshal(d)
		return store.Entry{Kind: store.EntryKind(framework.ServiceEntries), Key: framework.ServiceDefKey("eds-2022", code), Value: string(b)}
	}
	grade := func(cycle, ref, code string, r framework.Rating) store.Entry {
		return store.Entry{Kind: store.EntryKind(framework.ServiceEntries), Key: framework.ServiceGradeKey(cycle, ref, code), Value: string(r)}
	}
	_, err = s.WriteEntries(ctx, ws, store.EntryWrite{Put: []store.Entry{
		svc("ae", "Accident and emergency"), svc("mh", "Mental health | \"crisis\" care"), svc("op", "Outpatients"),
		grade("2025/26", "eds-2022/1A", "ae", framework.Undeveloped),
		grade("2026/27", "eds-2022/1A", "ae", framework.Developing), grade("2026/27", "eds-2022/1A", "mh", framework.Achieving),
		grade("2026/27", "eds-2022/1A", "op", framework.Undeveloped), grade("2026/27", "eds-2022/1B", "op", framework.Undeveloped),
	}})
	must("services", err)
	update("eds-2022/1A", "2026-05-05", 35, framework.OnTrack, "Listening events held, 3 of 5")
	update("eds-2022/1A", "2026-08-20", 60, framework.OnTrack, "=HYPERLINK(\"https://evil.example/\",\"click\") | *not bold* <script>alert(1)</script>\nsecond line, with \"quotes\"")
	update("eds-2022/1B", "2026-06-30", 40, framework.AtRisk, "")
	update("eds-2022/2B", "2026-05-15", 50, framework.OnTrack, "")
	update("eds-2022/2B", "2026-09-29", 100, framework.Done, "Policy signed off by the board")
	update("eds-2022/3C", "2026-07-07", 15, framework.OffTrack, "-5% on plan; @channel please help")
	withdrawn := update("eds-2022/3A", "2026-10-01", 50, framework.OnTrack, "logged by mistake")
	_, _, err = s.Withdraw(ctx, ws, withdrawn.ID, day("2026-10-01").Add(time.Minute))
	must("withdraw", err)
	update("nhse-2024-26/5.2", "2026-06-01", 40, framework.OnTrack, "Recruitment panels diversified")

	change("eds-2022/1A", "2026-10-05", framework.Change{Kind: framework.EventRate, Rating: framework.Developing, Reason: "audit done"})
	change("eds-2022/1B", "2026-10-05", framework.Change{Kind: framework.EventRate, Rating: framework.Undeveloped})
	change("eds-2022/2A", "2026-10-05", framework.Change{Kind: framework.EventRate, Rating: framework.Achieving})
	change("eds-2022/2B", "2026-10-05", framework.Change{Kind: framework.EventRate, Rating: framework.Excelling})
	change("eds-2022/3A", "2026-10-05", framework.Change{Kind: framework.EventRate, Rating: framework.Achieving})

	evidence("eds-2022/1A", "2026-09-01", "https://example.org/eds/listening-events.pdf", "Listening events [summary] (PDF)")
	evidence("eds-2022/1A", "2026-09-02", "https://example.org/eds/board?paper=7&year=2026", "")
	evidence("eds-2022/2B", "2026-09-30", "https://en.wikipedia.org/wiki/Equality_Act_(2010)", "Equality Act, \"2010\"")

	must("add 2E", s.AddTarget(ctx, ws, framework.Target{Framework: "eds-2022", Objective: "2", Code: "2E", Title: "+Staff network, \"monthly\"", Custom: true, Status: framework.NotStarted, CreatedAt: day("2026-06-15")}))
	update("eds-2022/2E", "2026-07-01", 25, framework.OnTrack, "")
	must("add 3D", s.AddTarget(ctx, ws, framework.Target{Framework: "eds-2022", Objective: "3", Code: "3D", Title: "Old duplicate", Custom: true, Status: framework.NotStarted, CreatedAt: day("2026-06-15")}))
	change("eds-2022/3D", "2026-06-16", framework.Change{Kind: framework.EventArchive})
}

// opts are the options every test builds with.
func opts(t testing.TB) report.Options {
	return report.Options{Frameworks: builtins(t), Location: london, Now: now, Generator: "targetbot test"}
}
