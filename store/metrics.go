package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// EntryMetric is the kind of a workspace's metric entries: keyed by a
// target's ref, the workspace's settings for its metric
// (framework.MetricSettings as JSON); keyed by "<ref>|<period>", the
// value recorded for that period (framework.Measurement as JSON). One
// kind keeps a workspace's whole metric book one read away, and a value
// one write away: recording a period writes its own key, with no read of
// the others.
const EntryMetric EntryKind = "metric"

// MeasurementKey is the entry key of ref's value for period.
func MeasurementKey(ref string, period framework.Period) string {
	return ref + "|" + string(period)
}

// MeasurementEntry is the entry that keeps v.
func MeasurementEntry(v framework.Measurement) (Entry, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Entry{}, fmt.Errorf("store: encode measurement %s %s: %w", v.Target, v.Period, err)
	}
	return Entry{Kind: EntryMetric, Key: MeasurementKey(v.Target, v.Period), Value: string(b)}, nil
}

// MetricSettingsEntry is the entry that keeps ref's metric settings.
func MetricSettingsEntry(ref string, s framework.MetricSettings) (Entry, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return Entry{}, fmt.Errorf("store: encode metric settings %s: %w", ref, err)
	}
	return Entry{Kind: EntryMetric, Key: ref, Value: string(b)}, nil
}

// ReadMetricBook reads a workspace's metric book in one round trip.
func ReadMetricBook(ctx context.Context, e Entries, ws string) (framework.MetricBook, error) {
	m, err := e.Entries(ctx, ws, EntryMetric)
	if err != nil {
		return framework.MetricBook{}, fmt.Errorf("store: read metrics of %s: %w", ws, err)
	}
	return DecodeMetricBook(m)
}

// DecodeMetricBook builds a metric book from a workspace's metric
// entries, by key.
func DecodeMetricBook(entries map[string]string) (framework.MetricBook, error) {
	b := framework.MetricBook{Settings: map[string]framework.MetricSettings{}, Values: map[string][]framework.Measurement{}}
	for key, val := range entries {
		if !strings.Contains(key, "|") {
			var s framework.MetricSettings
			if err := json.Unmarshal([]byte(val), &s); err != nil {
				return b, fmt.Errorf("store: decode metric settings %s: %w", key, err)
			}
			b.Settings[key] = s
			continue
		}
		var v framework.Measurement
		if err := json.Unmarshal([]byte(val), &v); err != nil {
			return b, fmt.Errorf("store: decode measurement %s: %w", key, err)
		}
		b.Values[v.Target] = append(b.Values[v.Target], v)
	}
	for _, vs := range b.Values {
		framework.SortMeasurements(vs)
	}
	return b, nil
}
