package framework

// TrendRow is one period of a metric's trend: its value, how it moved
// since the period before, and what the metric's rules flag about it.
type TrendRow struct {
	Measurement
	// Change is Value less the previous period's value; HasChange is
	// false for the first period, and when either value is not
	// meaningful.
	Change    float64
	HasChange bool
	// Outside is set when the value is outside the parity band; Adverse
	// when it moved the adverse way since the period before.
	Outside bool
	Adverse bool
}

// Trend works out each period's row of values, one per period, oldest
// first, as the metric reads them now: a band set today applies to every
// period, since flags are worked out when shown.
func (m *Metric) Trend(values []Measurement) []TrendRow {
	rows := make([]TrendRow, len(values))
	for i, v := range values {
		r := TrendRow{Measurement: v}
		if v.Meaningful() {
			r.Outside = m.OutsideBand(v.Value)
			if i > 0 && values[i-1].Meaningful() {
				prev := values[i-1].Value
				r.Change, r.HasChange = v.Value-prev, true
				r.Adverse = m.AdverseMove(prev, v.Value)
			}
		}
		rows[i] = r
	}
	return rows
}

// Reading is a metric target's state as lists and digests show it: its
// latest period's row and the progress it gives.
type Reading struct {
	Metric *Metric
	// Latest is the latest period's row; ok is false when nothing was
	// recorded yet.
	Latest TrendRow
	ok     bool
	// Progress is derived from the baseline, the goal and the latest
	// value; HasProgress is false when it cannot be (no baseline, no goal,
	// no meaningful value).
	Progress    int
	HasProgress bool
}

// Read is the metric's reading from its values, oldest first.
func (m *Metric) Read(values []Measurement) Reading {
	r := Reading{Metric: m}
	if len(values) == 0 {
		return r
	}
	n := len(values)
	from := max(0, n-2)
	rows := m.Trend(values[from:])
	r.Latest, r.ok = rows[len(rows)-1], true
	if r.Latest.Meaningful() {
		r.Progress, r.HasProgress = m.Progress(r.Latest.Value)
	}
	return r
}

// Recorded reports whether the reading has a value.
func (r *Reading) Recorded() bool { return r.ok }
