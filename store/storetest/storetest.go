// Package storetest is the conformance suite every store.Store
// implementation passes. A store's own tests call Run with a function that
// opens a fresh, empty Store behind store.Checked, as cmd opens it (the
// suite pins the checks too); its benchmarks call the Benchmark functions.
//
// The suite pins the behaviour that commands and reminders rely on, so
// that redisstore and boltstore are interchangeable.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Opener returns a fresh, empty Store for one subtest and registers its
// cleanup with t.Cleanup.
type Opener = func(t *testing.T) store.Store

// Run runs the conformance suite. Each top-level group gets its own store
// from open; the subtests inside a group tell one story in order against
// that store, so they are not run in parallel.
func Run(t *testing.T, open Opener) {
	t.Run("Ping", func(t *testing.T) {
		if err := open(t).Ping(context.Background()); err != nil {
			t.Fatalf("Ping on a fresh store: %v", err)
		}
	})
	t.Run("Workspaces", func(t *testing.T) { testWorkspaces(t, open(t)) })
	t.Run("Import", func(t *testing.T) { testImport(t, open(t)) })
	t.Run("Targets", func(t *testing.T) { testTargets(t, open(t)) })
	t.Run("AddTarget", func(t *testing.T) { testAddTarget(t, open(t)) })
	t.Run("ChangeTarget", func(t *testing.T) { testChangeTarget(t, open(t)) })
	t.Run("NoChange", func(t *testing.T) { testNoChange(t, open(t)) })
	t.Run("RateReason", func(t *testing.T) { testRateReason(t, open(t)) })
	t.Run("Events", func(t *testing.T) { testEvents(t, open(t)) })
	t.Run("Evidence", func(t *testing.T) { testEvidence(t, open(t)) })
	t.Run("Archive", func(t *testing.T) { testArchive(t, open(t)) })
	t.Run("Cycles", func(t *testing.T) { testCycles(t, open(t)) })
	t.Run("Backfill", func(t *testing.T) { testBackfill(t, open(t)) })
	t.Run("AppendUpdate", func(t *testing.T) { testAppendUpdate(t, open(t)) })
	t.Run("AppendUpdateOnce", func(t *testing.T) { testAppendUpdateOnce(t, open(t)) })
	t.Run("Updates", func(t *testing.T) { testUpdates(t, open(t)) })
	t.Run("UpdatesSince", func(t *testing.T) { testUpdatesSince(t, open(t)) })
	t.Run("EachUpdate", func(t *testing.T) { testEachUpdate(t, open(t)) })
	t.Run("RecentEvents", func(t *testing.T) { testRecentEvents(t, open(t)) })
	t.Run("LastUpdateBy", func(t *testing.T) { testLastUpdateBy(t, open(t)) })
	t.Run("Withdraw", func(t *testing.T) { testWithdraw(t, open(t)) })
	t.Run("Due", func(t *testing.T) { testDue(t, open(t)) })
	t.Run("Stale", func(t *testing.T) { testStale(t, open(t)) })
	t.Run("NoteReminded", func(t *testing.T) { testNoteReminded(t, open(t)) })
	t.Run("Subscriptions", func(t *testing.T) { testSubscriptions(t, open(t)) })
	t.Run("Claim", func(t *testing.T) { testClaim(t, open(t)) })
	t.Run("NextFires", func(t *testing.T) { testNextFires(t, open) })
	t.Run("Isolation", func(t *testing.T) { testIsolation(t, open(t)) })
	t.Run("AdapterState", func(t *testing.T) { testAdapterState(t, open) })
	t.Run("Entries", func(t *testing.T) { testEntries(t, open(t)) })
	t.Run("EntryCompare", func(t *testing.T) { testEntryCompare(t, open(t)) })
	t.Run("TargetEntries", func(t *testing.T) { testTargetEntries(t, open(t)) })
	t.Run("HostileNames", func(t *testing.T) { testHostileNames(t, open(t)) })
	t.Run("BadInput", func(t *testing.T) { testBadInput(t, open(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testConcurrentWriters(t, open(t)) })
	t.Run("ConcurrentMixed", func(t *testing.T) { testConcurrentMixed(t, open(t)) })
	t.Run("ConcurrentChanges", func(t *testing.T) { testConcurrentChanges(t, open(t)) })
	t.Run("ConcurrentCycles", func(t *testing.T) { testConcurrentCycles(t, open(t)) })
	t.Run("Transfer", func(t *testing.T) { testTransfer(t, open) })
	t.Run("RestoreRecords", func(t *testing.T) { testRestoreRecords(t, open) })
	t.Run("TransferForeignIDs", func(t *testing.T) { testForeignIDs(t, open) })
	t.Run("ExportDuringWrites", func(t *testing.T) { testExportDuringWrites(t, open(t)) })
	t.Run("Rename", func(t *testing.T) { testRename(t, open) })
	t.Run("ReplaceIsAtomic", func(t *testing.T) { testReplaceIsAtomic(t, open(t)) })
}

// base is the suite's fixed clock, so stored data is deterministic.
var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// at is base plus n minutes.
func at(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }

// eqs is a small two-objective framework whose codes need natural order:
// 1.10 sorts after 1.2.
func eqs() *framework.Framework {
	return &framework.Framework{
		ID:   "eqs",
		Name: "Equality sample",
		Objectives: []framework.Objective{
			{Code: "1", Title: "Patient access", Targets: []framework.TargetSpec{
				{Code: "1.10", Title: "Ten"},
				{Code: "1.1", Title: "One"},
				{Code: "1.2", Title: "Two"},
			}},
			{Code: "2", Title: "Workforce", Targets: []framework.TargetSpec{
				{Code: "2.1", Title: "Staff network"},
			}},
		},
	}
}

// eqsRefs are eqs's targets in framework.SortTargets order.
var eqsRefs = []string{"eqs/1.1", "eqs/1.2", "eqs/1.10", "eqs/2.1"}

// sized is a framework with n targets spread over objectives of ten, the
// shape of a real framework at any size.
func sized(id string, n int) *framework.Framework {
	fw := &framework.Framework{ID: id, Name: "Sized " + id}
	for i := 0; i < n; i++ {
		obj := fmt.Sprint(i/10 + 1)
		if i%10 == 0 {
			fw.Objectives = append(fw.Objectives, framework.Objective{Code: obj, Title: "Objective " + obj})
		}
		o := &fw.Objectives[len(fw.Objectives)-1]
		o.Targets = append(o.Targets, framework.TargetSpec{Code: fmt.Sprintf("%s.%d", obj, i%10+1), Title: fmt.Sprintf("Target %d", i+1)})
	}
	return fw
}

func mustImport(t testing.TB, s store.Store, ws string, fw *framework.Framework, now time.Time) int {
	t.Helper()
	n, err := s.Import(context.Background(), ws, fw, now)
	if err != nil {
		t.Fatalf("Import(%s, %s): %v", ws, fw.ID, err)
	}
	return n
}

func mustAppend(t testing.TB, s store.Store, ws string, u framework.Update) (framework.Update, framework.Target) {
	t.Helper()
	got, tg, err := s.AppendUpdate(context.Background(), ws, u, store.Once{})
	if err != nil {
		t.Fatalf("AppendUpdate(%s, %s): %v", ws, u.Target, err)
	}
	return got, tg
}

func mustTarget(t testing.TB, s store.Store, ws, ref string) framework.Target {
	t.Helper()
	tg, err := s.Target(context.Background(), ws, ref)
	if err != nil {
		t.Fatalf("Target(%s, %s): %v", ws, ref, err)
	}
	return tg
}

func mustChange(t testing.TB, s store.Store, ws, ref string, ch framework.Change) (framework.Target, framework.Event) {
	t.Helper()
	if ch.Author == "" {
		ch.Author = "Uadmin"
	}
	if ch.Time.IsZero() {
		ch.Time = at(500)
	}
	tg, e, err := s.ChangeTarget(context.Background(), ws, ref, ch)
	if err != nil {
		t.Fatalf("ChangeTarget(%s, %s, %s): %v", ws, ref, ch.Kind, err)
	}
	return tg, e
}

// setOwner and setDue change one setting, as assign and due do.
func setOwner(t testing.TB, s store.Store, ws, ref, owner string) framework.Target {
	t.Helper()
	tg, _ := mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventAssign, Owner: owner})
	return tg
}

func setDue(t testing.TB, s store.Store, ws, ref string, d framework.Date) framework.Target {
	t.Helper()
	tg, _ := mustChange(t, s, ws, ref, framework.Change{Kind: framework.EventDue, Due: d})
	return tg
}

// wantCode fails unless err is a *framework.Error with the given code.
func wantCode(t testing.TB, err error, code, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want %q", what, code)
	}
	var fe *framework.Error
	if !errors.As(err, &fe) {
		t.Fatalf("%s: error %v (%T) is not a *framework.Error", what, err, err)
	}
	if got := framework.ErrorCode(err); got != code {
		t.Fatalf("%s: error code %q (%v), want %q", what, got, err, code)
	}
	// Words for users are commands' to choose: a store's message is a
	// neutral phrase, with no chat markup and no command hints.
	if msg := fe.Message; strings.Contains(msg, "`") || strings.Contains(msg, "/target") {
		t.Fatalf("%s: message %q is chat text; a store returns a kind and leaves the wording to commands", what, msg)
	}
}

// wantKind fails unless err is kind's *framework.Error, found with
// errors.Is, with the kind's code and field and the given subject: what
// commands words its replies from, so every driver must agree on it.
func wantKind(t testing.TB, err error, kind framework.Kind, subject, what string) {
	t.Helper()
	wantCode(t, err, kind.Code(), what)
	if !errors.Is(err, kind) {
		t.Fatalf("%s: error %v is not %q (kind %q)", what, err, kind, framework.ErrorKind(err))
	}
	if got := framework.ErrorField(err); got != kind.Field() {
		t.Fatalf("%s: error field %q (%v), want %q", what, got, err, kind.Field())
	}
	if got := framework.ErrorSubject(err); got != subject {
		t.Fatalf("%s: error subject %q (%v), want %q", what, got, err, subject)
	}
}

func targetRefs(ts []framework.Target) []string {
	refs := make([]string, len(ts))
	for i := range ts {
		refs[i] = ts[i].Ref()
	}
	return refs
}

func updateIDs(us []framework.Update) []string {
	ids := make([]string, len(us))
	for i := range us {
		ids[i] = us[i].ID
	}
	return ids
}

func wantRefs(t testing.TB, what string, got []framework.Target, want ...string) {
	t.Helper()
	if refs := targetRefs(got); !slices.Equal(refs, want) && !(len(refs) == 0 && len(want) == 0) {
		t.Fatalf("%s: got %q, want %q", what, refs, want)
	}
}

// wantRefSet is wantRefs for results whose order among equal keys is not
// part of the contract.
func wantRefSet(t testing.TB, what string, got []framework.Target, want ...string) {
	t.Helper()
	refs := targetRefs(got)
	slices.Sort(refs)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(refs, want) {
		t.Fatalf("%s: got %q (any order), want %q", what, refs, want)
	}
}

func wantTime(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// sameUpdate checks every field of a read-back update against the one
// AppendUpdate or Withdraw returned.
func sameUpdate(t testing.TB, what string, got, want framework.Update) {
	t.Helper()
	if !got.Time.Equal(want.Time) || !got.WithdrawnAt.Equal(want.WithdrawnAt) {
		t.Fatalf("%s: times differ: got %+v, want %+v", what, got, want)
	}
	got.Time, want.Time = time.Time{}, time.Time{}
	got.WithdrawnAt, want.WithdrawnAt = time.Time{}, time.Time{}
	if got != want {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}
