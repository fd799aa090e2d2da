package store_test

import (
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// A metric book goes through its entries and back: settings by ref,
// values by ref and period, in period order.
func TestMetricBookEntries(t *testing.T) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	yes := true
	values := []framework.Measurement{
		{Target: "wres/2", Period: "2026", Value: 1.875, Inputs: map[string]float64{"white_shortlisted": 1200}, Author: "amy", Time: at, Note: "a note"},
		{Target: "wres/2", Period: "2025/26", Value: 1.5, Author: "amy", Time: at},
		{Target: "wdes/9b", Period: "2026", Answer: &yes, Text: "the network reports to the board", Author: "sam", Time: at},
	}
	raw := map[string]string{}
	for _, v := range values {
		e, err := store.MeasurementEntry(v)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != store.EntryMetric || e.Key != v.Target+"|"+string(v.Period) {
			t.Fatalf("entry %s/%s", e.Kind, e.Key)
		}
		raw[e.Key] = e.Value
	}
	e, err := store.MetricSettingsEntry("wres/2", framework.MetricSettings{Band: &framework.ParityBand{Low: 0.8, High: 1.2}, By: "amy", At: at})
	if err != nil {
		t.Fatal(err)
	}
	raw[e.Key] = e.Value
	b, err := store.DecodeMetricBook(raw)
	if err != nil {
		t.Fatal(err)
	}
	s := b.Series("wres/2")
	if len(s) != 2 || s[0].Period != "2025/26" || s[1].Inputs["white_shortlisted"] != 1200 || s[1].Note != "a note" || !s[1].Time.Equal(at) {
		t.Errorf("wres/2 series = %+v", s)
	}
	if n := b.Series("wdes/9b"); len(n) != 1 || n[0].Answer == nil || !*n[0].Answer {
		t.Errorf("wdes/9b = %+v", n)
	}
	if st := b.Settings["wres/2"]; st.Band == nil || st.Band.High != 1.2 || st.By != "amy" {
		t.Errorf("settings = %+v", st)
	}
	if _, err := store.DecodeMetricBook(map[string]string{"wres/2|2026": "{"}); err == nil {
		t.Error("a broken value decoded")
	}
}
