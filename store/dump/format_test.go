package dump

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/storetest"
)

var update = flag.Bool("update", false, "rewrite testdata/sample.jsonl")

var created = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// encode writes snaps as a dump.
func encode(t testing.TB, snaps ...*store.Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	var ids []string
	for _, s := range snaps {
		ids = append(ids, s.Workspace.ID)
	}
	w, err := NewWriter(&buf, Header{Created: created, By: "targetbot test", Workspaces: ids})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps {
		err := s.Each(func(r store.Record) error { return w.Write(s.Workspace.ID, &r) })
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The format's field names are pinned by a file: a change to them, or
// to the domain's JSON tags, shows here as a diff to review, and any
// change to the format is a new version.
func TestFormatIsStable(t *testing.T) {
	got := encode(t, storetest.SampleSnapshot("local"), storetest.SampleSnapshot("slack:T0123"))
	path := filepath.Join("testdata", "sample.jsonl")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the dump of the sample differs from %s (go test ./store/dump -run Format -update rewrites it):\n%s", path, got)
	}
	f, err := Read(bytes.NewReader(want))
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	if len(f.Workspaces) != 2 || f.Header.By != "targetbot test" || !f.Header.Created.Equal(created) {
		t.Fatalf("Read = %+v", f.Header)
	}
	for _, snap := range f.Workspaces {
		if d := storetest.DiffSnapshots(snap, storetest.SampleSnapshot(snap.Workspace.ID)); d != "" {
			t.Errorf("%s read back: %s", snap.Workspace.ID, d)
		}
	}
}

// A dump written before adapter state (the same version, without its
// records) still reads, as the workspaces without their adapter state.
func TestDumpBeforeAdapterStateReads(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "sample-before-adapter-state.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	for _, snap := range f.Workspaces {
		want := storetest.SampleSnapshot(snap.Workspace.ID)
		want.AdapterState, want.Entries, want.WorkspaceEvents = nil, nil, nil // the sample gained them later
		if d := storetest.DiffSnapshots(snap, want); d != "" {
			t.Errorf("%s read back: %s", snap.Workspace.ID, d)
		}
	}
}

// A dump written before entries and workspace events (the same version,
// without their records) still reads, as the workspaces without them.
func TestDumpBeforeEntriesReads(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "sample-before-entries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	for _, snap := range f.Workspaces {
		want := storetest.SampleSnapshot(snap.Workspace.ID)
		want.Entries, want.WorkspaceEvents = nil, nil
		if d := storetest.DiffSnapshots(snap, want); d != "" {
			t.Errorf("%s read back: %s", snap.Workspace.ID, d)
		}
	}
}

// Every field of every record survives a line and back. A field added
// to a domain type and forgotten here fails, since fill sets it.
func TestEveryFieldSurvives(t *testing.T) {
	var w framework.Workspace
	var tg framework.Target
	var u framework.Update
	var e framework.Event
	var s framework.Subscription
	var st store.StateEntry
	var en store.Entry
	var we framework.Event
	for _, v := range []any{&w, &tg, &u, &e, &s, &st, &en, &we} {
		fill(t, reflect.ValueOf(v).Elem(), "")
	}
	s.Workspace = w.ID
	w.Admins = nil // read from the admin entries, which travel as entries
	en.Op = ""     // only an expectation compares: a stored entry has no Op
	for _, r := range []store.Record{
		{Type: store.RecordWorkspace, Workspace: w},
		{Type: store.RecordTarget, Target: tg},
		{Type: store.RecordUpdate, Update: u},
		{Type: store.RecordEvent, Event: e},
		{Type: store.RecordSubscription, Subscription: s},
		{Type: store.RecordAdapterState, State: st},
		{Type: store.RecordEntry, Entry: en},
		{Type: store.RecordWorkspaceEvent, Event: we},
	} {
		b, err := json.Marshal(toLine(w.ID, &r))
		if err != nil {
			t.Fatal(err)
		}
		v := lineFor(string(r.Type))
		if err := decodeStrict(b, v); err != nil {
			t.Fatalf("%s: %v", r.Type, err)
		}
		ws, back := fromLine(v)
		if ws != w.ID {
			t.Errorf("%s: workspace %q, want %q", r.Type, ws, w.ID)
		}
		if !reflect.DeepEqual(back, r) {
			t.Errorf("%s does not survive a line:\n got %+v\nwant %+v\nline %s", r.Type, back, r, b)
		}
	}
}

// fill sets every field of v to a value that is not its zero.
func fill(t *testing.T, v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x-" + strings.ToLower(name))
	case reflect.Int:
		v.SetInt(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, name+"key")
		fill(t, e, name+"value")
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(t, s.Index(0), name)
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 4, 1, 9, 0, 0, 123456789, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("fill: field %s of kind %s: teach fill and the dump format about it", name, v.Kind())
	}
}
