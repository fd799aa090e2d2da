package reminders

import (
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
)

// recordValue writes a metric value as `record` keeps it.
func recordValue(t *testing.T, st store.Store, v framework.Measurement) {
	t.Helper()
	e, err := store.MeasurementEntry(v)
	if err != nil {
		t.Fatal(err)
	}
	ev := framework.Event{Kind: framework.EventRecord, Author: v.Author, Time: v.Time, Title: v.Target, Cycle: string(v.Period)}
	if _, err := st.WriteEntries(background(), ws, store.EntryWrite{Put: []store.Entry{e}, Events: []framework.Event{ev}}); err != nil {
		t.Fatal(err)
	}
}

// A digest flags a relative likelihood that rose above parity since
// the year before, and one outside the band a workspace set, on both
// stores; a workspace with no metric target pays no read of them.
func TestDigestFlagsMetrics(t *testing.T) {
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		now := london(t, 2026, 6, 15, 9, 0)
		c := newClock(now)
		st := open(t, c)
		for _, f := range fws {
			if f.ID == "wres" {
				if _, err := st.Import(background(), ws, f, now); err != nil {
					t.Fatal(err)
				}
			}
		}
		in := func(ws_, wa, bs, ba float64) map[string]float64 {
			return map[string]float64{"white_shortlisted": ws_, "white_appointed": wa, "bme_shortlisted": bs, "bme_appointed": ba}
		}
		recordValue(t, st, framework.Measurement{Target: "wres/2", Period: "2025", Value: 1.5, Inputs: in(1000, 300, 1000, 200), Author: "U1", Time: now.Add(-48 * time.Hour)})
		recordValue(t, st, framework.Measurement{Target: "wres/2", Period: "2026", Value: 1.875, Inputs: in(1200, 300, 900, 120), Author: "U1", Time: now.Add(-24 * time.Hour)})
		recordValue(t, st, framework.Measurement{Target: "wres/4", Period: "2026", Value: 1.1, Author: "U1", Time: now.Add(-24 * time.Hour)})
		update(t, st, ws, "wres/2", "U1", now.Add(-time.Hour), 10, framework.OnTrack, "action plan agreed")
		subscribe(t, st, ws, "C1", "0 9 * * MON", now.AddDate(0, -1, 0))
		rec := &recorder{}
		s := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": rec}, Location: time.UTC, Now: c.now, Logger: quietLogger(), Frameworks: fws})
		r := postDigest(t, s, rec, "C1")
		if !strings.Contains(r.Text(), "1 metric flagged") {
			t.Errorf("headline = %q", r.Text())
		}
		b, ok := detail(r, "Metrics flagged (1)")
		if !ok || !strings.Contains(b.Text, "`wres/2`") || !strings.Contains(b.Text, "1.88 (2026)") ||
			!strings.Contains(b.Text, "outside parity 0.80–1.25") || !strings.Contains(b.Text, "adverse move") {
			t.Errorf("metrics section = %+v (%v)\n%s", b, ok, allText(r))
		}
	})
}
