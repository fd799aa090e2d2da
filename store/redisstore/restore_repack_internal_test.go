package redisstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// TestStreamedRestoreShapes restores histories of every shape from a
// stream of records (RestoreRecords), their updates interleaved in time
// across targets, out of time order and some undone, and finds them in
// the shapes a snapshot's restore writes (splitHistory): inline, begun
// on a list, and deep. Each then reads back the same, newest first, and
// takes an update at its head.
func TestStreamedRestoreShapes(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	const ws = "slack:T1"
	depths := []int{0, 1, 8, 9, 10, 20, 70, 100}
	fw := &framework.Framework{ID: "eqs", Name: "E", Objectives: []framework.Objective{{Code: "1", Title: "O"}}}
	for i := range depths {
		fw.Objectives[0].Targets = append(fw.Objectives[0].Targets, framework.TargetSpec{Code: fmt.Sprint(i + 1), Title: "T"})
	}
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.FixedZone("", 3600))
	if _, err := s.Import(ctx, ws, fw, t0); err != nil {
		t.Fatal(err)
	}
	ref := func(i int) string { return fmt.Sprintf("eqs/%d", i+1) }
	for n := 1; n <= slices.Max(depths); n++ {
		for i, d := range depths {
			if n > d {
				continue
			}
			at := t0.Add(time.Duration(n*len(depths)+i) * time.Minute)
			if n%7 == 0 {
				at = at.Add(-30 * time.Minute) // made out of time order
			}
			u, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref(i), Author: fmt.Sprint("U", n%3), Time: at, Progress: n % 100,
				Note: strings.Repeat("n", (n*13+i)%90)}, store.Once{})
			if err != nil {
				t.Fatal(err)
			}
			if n%9 == 0 && n == d { // undo a history's newest
				if _, _, err := s.Withdraw(ctx, ws, u.ID, at.Add(time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	snap, err := s.snapshot(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	k := s.keys(ws)
	shape := func() map[string][]string { // each ref's inline value (or "-"), then its list
		t.Helper()
		inline, err := s.c.HGetAll(ctx, k.shortHistories()).Result()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for i := range depths {
			v, ok := inline[ref(i)]
			if !ok {
				v = "-"
			}
			list, err := s.c.LRange(ctx, k.history(ref(i)), 0, -1).Result()
			if err != nil {
				t.Fatal(err)
			}
			got[ref(i)] = append([]string{v}, list...)
		}
		return got
	}
	if err := s.Restore(ctx, snap, store.RestoreOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	want := shape()
	if err := s.RestoreRecords(ctx, ws, store.RecordsOf(snap), store.RestoreOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	got := shape()
	for i, d := range depths {
		if !slices.Equal(got[ref(i)], want[ref(i)]) {
			t.Errorf("%d updates: streamed, the history is %d inline bytes and %d listed; from a snapshot, %d and %d",
				d, len(got[ref(i)][0]), len(got[ref(i)])-1, len(want[ref(i)][0]), len(want[ref(i)])-1)
		}
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Fatal("a streamed restore writes other histories than a snapshot's")
	}
	if v := want[ref(1)][0]; v == "" || v[strings.Index(v, frameSep)+1] != recSep[0] {
		t.Errorf("a restored short history's newest record keeps its time and id: %.40q", v)
	}

	for i, d := range depths {
		var made []framework.Update // newest made first
		for _, u := range snap.Updates {
			if u.Target == ref(i) {
				made = slices.Insert(made, 0, u)
			}
		}
		u, _, err := s.AppendUpdate(ctx, ws, framework.Update{Target: ref(i), Author: "U9", Time: t0.Add(48 * time.Hour), Progress: 50, Note: "after"}, store.Once{})
		if err != nil {
			t.Fatal(err)
		}
		made = slices.Insert(made, 0, u)
		us, err := s.Updates(ctx, ws, ref(i), 0)
		if err != nil || len(us) != len(made) {
			t.Fatalf("%d updates, restored, then one: Updates = %d, %v; want %d", d, len(us), err, len(made))
		}
		for j := range made {
			if !sameUpdate(us[j], made[j]) {
				t.Fatalf("%d updates, restored, then one: update %d = %+v, want %+v", d, j, us[j], made[j])
			}
		}
	}
}

// TestMaxInlineBound holds maxInline to the records: the shortest record
// the codec makes, framed, is no shorter than maxInline assumes, so no
// inline history holds more than maxInline records.
func TestMaxInlineBound(t *testing.T) {
	rec := encodeUpdate(&framework.Update{Time: time.Unix(0, 0).UTC()}, "")
	if framed := frameRecords([]string{rec}); 1+inlineMax/len(framed) > maxInline {
		t.Errorf("the shortest record framed is %d bytes: an inline history can hold more than maxInline = %d", len(framed), maxInline)
	}
}
