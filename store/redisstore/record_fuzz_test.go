package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// FuzzUpdateRecord writes updates as records and reads them back: every
// field survives, times to the nanosecond with their offsets; and a
// record of any bytes, as a damaged store might hold, is refused or read
// without a panic, by decodeUpdate and by UpdatesSince's scan alike.
func FuzzUpdateRecord(f *testing.F) {
	f.Add("0190a1b2c3d40001deadbeef", "U0123ABC", "Held two listening events", int64(1764495637123456789), 3600, int64(0), 40, 30, "on-track", "at-risk", "1764495637123456790")
	f.Add("7", "29:1a-b", "", int64(0), -19800, int64(1764495637000000000), 100, 0, "done", "not-started", "")
	f.Add("8", "U1", "", int64(1), 0, int64(-1), 0, 0, "on-track", "on-track", "")
	f.Add("x", "", "a\x1fnote\x1fwith separators", int64(1<<62), 0, int64(5), 0, 100, "off-track", "weird", "junk")
	f.Fuzz(func(t *testing.T, id, author, note string, ns int64, offset int, withdrawn int64, progress, prev int, status, prevStatus, latest string) {
		// A record of any bytes: no panic, whatever it reads as.
		raw := id + note + latest
		_, _ = decodeUpdate("eqs/1.1", raw)
		(&window{since: latest, limit: 2}).scan("eqs/1.1", []string{raw, note, id})

		if ns < 0 || id == "" || strings.ContainsAny(id+author, recSep) || offset <= -86400 || offset >= 86400 {
			return // what the store refuses, or never writes
		}
		zone := time.FixedZone("", offset)
		u := framework.Update{ID: id, Target: "eqs/1.1", Author: author, Time: time.Unix(0, ns).In(zone), Progress: progress,
			Status: framework.Status(status), Note: note, PrevProgress: prev, PrevStatus: framework.Status(prevStatus)}
		if offset == 0 {
			u.Time = u.Time.UTC()
		}
		switch {
		case withdrawn > 0:
			u.Withdrawn, u.WithdrawnAt = true, time.Unix(0, withdrawn).In(zone)
			if offset == 0 {
				u.WithdrawnAt = u.WithdrawnAt.UTC()
			}
		case withdrawn < 0:
			u.Withdrawn = true // at no time: a restored update can be
		}
		if _, ok := statusCodes[u.Status]; !ok {
			return // the store writes statuses it knows (framework.CheckUpdate)
		}
		if _, ok := statusCodes[u.PrevStatus]; !ok {
			return
		}
		rec := encodeUpdate(&u, latest)
		got, err := decodeUpdate("eqs/1.1", rec)
		if err != nil {
			t.Fatalf("decodeUpdate(encodeUpdate(%+v)): %v", u, err)
		}
		if got.ID != u.ID || got.Author != u.Author || got.Note != u.Note || got.Progress != u.Progress || got.PrevProgress != u.PrevProgress ||
			got.Status != u.Status || got.PrevStatus != u.PrevStatus || got.Withdrawn != u.Withdrawn ||
			!got.Time.Equal(u.Time) || got.Time.Format(time.RFC3339Nano) != u.Time.Format(time.RFC3339Nano) ||
			!got.WithdrawnAt.Equal(u.WithdrawnAt) || got.WithdrawnAt.Format(time.RFC3339Nano) != u.WithdrawnAt.Format(time.RFC3339Nano) {
			t.Fatalf("round trip of %+v\n gave %+v", u, got)
		}
		if id := recordID(rec); id != u.ID {
			t.Fatalf("recordID = %q, want %q", id, u.ID)
		}
	})
}

// FuzzTargetRecord packs targets and unpacks them: every field survives,
// grades included; a packed target of any bytes is refused or read
// without a panic.
func FuzzTargetRecord(f *testing.F) {
	f.Add("eqs/1.1", "1", "Patients have required levels of access", "U1", "2026-12-31", "on-track", 40, "developing", "2025/26", "achieving", "018f00", "note")
	f.Add("x/y/z", "", "", "", "", "done", 100, "", "", "", "", "")
	f.Add("a/b", "o\x1fbj", "t;=", "", "", "weird", -1, "x", "a=b", "c;d", "", "")
	f.Fuzz(func(t *testing.T, ref, objective, title, owner, due, status string, progress int, rating, cycle, grade, last, reason string) {
		_, _ = decodeTarget(ref, objective+title+reason) // any bytes: no panic

		fw, code := framework.SplitRef(ref)
		if fw == "" || code == "" || storeText(objective, title, owner, due, rating, last, reason) != nil {
			return
		}
		if _, ok := statusCodes[framework.Status(status)]; !ok {
			return // the store keeps statuses it knows
		}
		if strings.ContainsAny(cycle+grade, "=;"+recSep) || cycle == "" || grade == "" || strings.ContainsAny(rating+owner+due+last, recSep) {
			return // cycle names and grades are words (framework.CheckCycle, ParseRating)
		}
		in := framework.Target{Framework: fw, Code: code, Objective: objective, Title: title, Owner: owner, Due: framework.Date(due),
			Status: framework.Status(status), Progress: progress, Rating: framework.Rating(rating), SnoozeReason: reason, LastUpdate: last,
			Grades: map[string]framework.Rating{cycle: framework.Rating(grade)}, Reminders: 2, Archived: true, Custom: true,
			CreatedAt: time.Date(2026, 4, 1, 9, 0, 0, 5, time.FixedZone("", 3600)), UpdatedAt: time.Date(2026, 5, 1, 9, 0, 0, 7, time.UTC)}
		got, err := decodeTarget(in.Ref(), encodeTarget(&in))
		if err != nil {
			t.Fatalf("decodeTarget(encodeTarget(%+v)): %v", in, err)
		}
		if got.Ref() != in.Ref() || got.Objective != in.Objective || got.Title != in.Title || got.Owner != in.Owner || got.Due != in.Due ||
			got.Status != in.Status || got.Progress != in.Progress || got.Rating != in.Rating || got.SnoozeReason != in.SnoozeReason ||
			got.LastUpdate != in.LastUpdate || got.Grades[cycle] != in.Grades[cycle] || len(got.Grades) != 1 || got.Reminders != 2 ||
			!got.Archived || !got.Custom || got.CreatedAt.Format(time.RFC3339Nano) != in.CreatedAt.Format(time.RFC3339Nano) ||
			!got.UpdatedAt.Equal(in.UpdatedAt) {
			t.Fatalf("round trip of %+v\n gave %+v", in, got)
		}
	})
}

// A text that holds the records' separator is refused, and changes
// nothing: commands take control characters out of what users type, so
// only a caller that skips them meets this.
func TestSeparatorInTextIsRefused(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	const ws = "slack:T1"
	fw := &framework.Framework{ID: "eqs", Name: "E", Objectives: []framework.Objective{{Code: "1", Title: "O", Targets: []framework.TargetSpec{{Code: "1", Title: "T"}}}}}
	if _, err := s.Import(ctx, ws, fw, time.Now()); err != nil {
		t.Fatal(err)
	}
	bad := "a" + recSep + "b"
	_, _, err := s.ChangeTarget(ctx, ws, "eqs/1", framework.Change{Kind: framework.EventEdit, Title: bad, Author: "U1", Time: time.Now()})
	if framework.ErrorCode(err) != framework.EINVALID {
		t.Errorf("an edit to a title with the separator = %v, want EINVALID", err)
	}
	err = s.AddTarget(ctx, ws, framework.Target{Framework: "eqs", Objective: "1", Code: "9", Title: bad, Custom: true})
	if framework.ErrorCode(err) != framework.EINVALID {
		t.Errorf("a new target titled with the separator = %v, want EINVALID", err)
	}
	_, _, err = s.AppendUpdate(ctx, ws, framework.Update{Target: "eqs/1", Author: "U" + recSep, Progress: 10}, store.Once{})
	if framework.ErrorCode(err) != framework.EINVALID {
		t.Errorf("an update by an author with the separator = %v, want EINVALID", err)
	}
	if tg, err := s.Target(ctx, ws, "eqs/1"); err != nil || tg.Title != "T" || tg.Progress != 0 {
		t.Errorf("after the refusals eqs/1 = %+v, %v", tg, err)
	}
	if _, err := s.Target(ctx, ws, "eqs/9"); framework.ErrorCode(err) != framework.ENOTFOUND {
		t.Errorf("the refused target exists: %v", err)
	}
}
