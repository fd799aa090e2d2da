package redisstore

import (
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// FuzzUpdateRecord writes updates as records and reads them back: every
// field survives, times to the nanosecond with their offsets; and a
// record of any bytes, as a damaged store might hold, is refused or read
// without a panic, by decodeUpdate and by UpdatesSince's scan alike.
func FuzzUpdateRecord(f *testing.F) {
	f.Add("0190a1b2c3d40001deadbeef", "U0123ABC", "Held two listening events", int64(1764495637123456789), 3600, int64(0), 40, 30, "on-track", "at-risk", "1764495637123456790")
	f.Add("7", "29:1a-b", "", int64(0), -19800, int64(1764495637000000000), 100, 0, "done", "not-started", "")
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
		if withdrawn > 0 {
			u.Withdrawn, u.WithdrawnAt = true, time.Unix(0, withdrawn).In(zone)
			if offset == 0 {
				u.WithdrawnAt = u.WithdrawnAt.UTC()
			}
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
