package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// CheckTargetEntryWrite holds a chosen write to naming its entry and
// field, keeping its events in its cases, and checks every case's events.
func TestCheckTargetEntryChoice(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	ev := framework.Event{Kind: "record", Author: "sam", Time: now, Title: "m/1.1"}
	ok := func() store.TargetEntryWrite {
		return store.TargetEntryWrite{Ref: "m/1.1", Kind: "metric", Put: []store.Entry{{Kind: "metric", Key: "m/1.1|2026", Value: "v"}},
			Choose: &store.EntryChoice{Key: "m/1.1", Field: "unit", Events: map[string][]framework.Event{"count": {ev}}}}
	}
	if w := ok(); store.CheckTargetEntryWrite(&w) != nil {
		t.Fatalf("a chosen write is refused: %v", store.CheckTargetEntryWrite(&w))
	}
	for name, edit := range map[string]func(w *store.TargetEntryWrite){
		"events beside the cases": func(w *store.TargetEntryWrite) { w.Events = []framework.Event{ev} },
		"no key":                  func(w *store.TargetEntryWrite) { w.Choose.Key = "" },
		"no field":                func(w *store.TargetEntryWrite) { w.Choose.Field = "" },
		"a key with a space":      func(w *store.TargetEntryWrite) { w.Choose.Key = "a b" },
		"a case's event untimed":  func(w *store.TargetEntryWrite) { w.Choose.Events["count"][0].Time = time.Time{} },
	} {
		w := ok()
		w.Choose.Events = map[string][]framework.Event{"count": {ev}}
		edit(&w)
		if err := store.CheckTargetEntryWrite(&w); !errors.Is(err, framework.ErrTooLong) {
			t.Errorf("%s: CheckTargetEntryWrite = %v, want ErrTooLong", name, err)
		}
	}
}

// Pick reads the entry's field as the stores do: absent entries, other
// fields and values that are not JSON choose the "" case.
func TestEntryChoicePick(t *testing.T) {
	c := store.EntryChoice{Key: "k", Field: "unit", Events: map[string][]framework.Event{"count": {{Kind: "a"}}, "": {{Kind: "none"}}}}
	for value, want := range map[string]string{
		`{"unit":"count"}`: "a", `{"unit":"percent"}`: "", "": "none", "not json": "none", `{"unit":3}`: "none", `{"other":"count"}`: "none",
	} {
		evs, ok := c.Pick(value)
		got := ""
		if ok {
			got = string(evs[0].Kind)
		}
		if got != want {
			t.Errorf("Pick(%q) = %q, want %q", value, got, want)
		}
	}
}
