package report_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/boltstore"
)

// metricsWS is the workspace the metric report tests read: WRES and
// WDES imported, every metric target recorded for years periods up to
// 2026 (inputs made up, within each definition's rules), WRES 2's last
// two years the design's own figures, one value not meaningful, and a
// workspace band for WRES 3.
const metricsWS = "local:metrics"

// seededMetrics opens a bolt store with the metrics workspace, and
// returns the frameworks it was seeded from.
func seededMetrics(t testing.TB, years int) (store.Store, []*framework.Framework) {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "m.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	fws := builtins(t)
	seedMetrics(t, s, fws, years)
	return s, fws
}

func seedMetrics(t testing.TB, s store.Store, fws []*framework.Framework, years int) {
	t.Helper()
	ctx := context.Background()
	at := day("2026-06-01")
	var puts []store.Entry
	put := func(e store.Entry, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		puts = append(puts, e)
	}
	for _, id := range []string{"wres", "wdes"} {
		f := find(fws, id)
		if _, err := s.Import(ctx, metricsWS, f, at); err != nil {
			t.Fatal(err)
		}
		for _, o := range f.Objectives {
			for _, spec := range o.Targets {
				m := spec.Metric
				if m == nil {
					continue
				}
				ref := framework.Ref(id, spec.Code)
				for y := range years {
					period := framework.Period(strconv.Itoa(2026 - years + 1 + y))
					v := framework.Measurement{Target: ref, Period: period, Author: "amy", Time: at.AddDate(y-years+1, 0, 0), Note: fmt.Sprintf("year %d", y+1)}
					switch {
					case m.Narrative:
						yes := y%2 == 0
						v.Answer, v.Text = &yes, "Network chair reported to the board"
					case m.Formula != nil:
						v.Inputs = map[string]float64{}
						for i, in := range m.Inputs {
							if in.GroupCount {
								v.Inputs[in.Name] = float64(900 + 40*i + 10*y)
							} else {
								v.Inputs[in.Name] = float64(10 + 7*i + 2*y)
							}
						}
						if ref == "wres/2" && y >= years-2 {
							v.Inputs = map[string]float64{"white_shortlisted": 1200, "white_appointed": 300, "bme_shortlisted": 900, "bme_appointed": 120}
							if y == years-2 {
								v.Inputs["bme_appointed"] = 150
							}
						}
						if ref == "wdes/2" && y == years-1 {
							v.Inputs["disabled_shortlisted"], v.Inputs["disabled_appointed"] = 8, 2 // too few to compare
						}
						r, err := m.Compute(v.Inputs)
						if err != nil {
							t.Fatalf("seed %s %s: %v", ref, period, err)
						}
						v.Value, v.NotMeaningful, v.Reason = r.Value, r.NotMeaningful, r.Reason
					case m.Unit == framework.UnitScore:
						v.Value = 6 + 0.1*float64(y)
					case m.Unit == framework.UnitPoints:
						v.Value = -8 + float64(y)
					default:
						v.Value = 20 + float64(y)
					}
					put(store.MeasurementEntry(v))
				}
			}
		}
	}
	put(store.MetricSettingsEntry("wres/3", framework.MetricSettings{Band: &framework.ParityBand{Low: 0.8, High: 1.2}, By: "amy", At: at}))
	put(store.MetricSettingsEntry("wres/5", framework.MetricSettings{Baseline: &framework.Point{Value: 30, Period: "2020"}, Goal: &framework.Point{Value: 20, Period: "2028"}, By: "amy", At: at}))
	for len(puts) > 0 {
		n := min(len(puts), 100)
		ev := framework.Event{Kind: framework.EventRecord, Author: "amy", Time: time.Now()}
		if _, err := s.WriteEntries(ctx, metricsWS, store.EntryWrite{Put: puts[:n], Events: []framework.Event{ev}}); err != nil {
			t.Fatal(err)
		}
		puts = puts[n:]
	}
}
