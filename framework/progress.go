package framework

import "math"

// Progress is how far latest has moved from the baseline towards the
// goal, 0 to 100, rounded half away from zero: baseline 30, goal 20,
// latest 25 gives 50. For a parity metric the goal is the band: inside
// it is 100, and outside it progress is how much nearer the band latest
// is than the baseline was. ok is false when the metric has no baseline,
// or no goal and no band to aim for.
func (m *Metric) Progress(latest float64) (pct int, ok bool) {
	if m.Narrative || m.Baseline == nil || !finite(latest) {
		return 0, false
	}
	base := m.Baseline.Value
	var done float64
	if m.Direction == Parity {
		band, ok := m.EffectiveBand()
		if !ok {
			return 0, false
		}
		from, now := band.distance(base), band.distance(latest)
		switch {
		case now == 0:
			done = 1
		case from == 0:
			done = 0
		default:
			done = (from - now) / from
		}
	} else {
		if m.Goal == nil || m.Goal.Value == base {
			return 0, false
		}
		done = (latest - base) / (m.Goal.Value - base)
	}
	return int(math.Round(100 * math.Min(1, math.Max(0, done)))), true
}

// OutsideBand reports whether v is outside the metric's parity band; a
// metric with no band is never outside one. The band is read when asked,
// so a workspace's new band applies to every period.
func (m *Metric) OutsideBand(v float64) bool {
	b, ok := m.EffectiveBand()
	return ok && finite(v) && !b.Contains(v)
}

// AdverseWay is which way of moving is adverse: Adverse when set, else
// against the direction; "" for a parity metric that states none, where
// moving away from the band is adverse.
func (m *Metric) AdverseWay() Adverse {
	switch {
	case m.Adverse != "":
		return m.Adverse
	case m.Narrative:
		return ""
	}
	switch m.Better() {
	case HigherBetter:
		return AdverseLower
	case LowerBetter:
		return AdverseHigher
	}
	return ""
}

// AdverseMove reports whether going from prev to cur, the values of two
// periods, moved the adverse way. A parity metric's move is adverse when
// it goes the adverse way and ends on the adverse side of parity (a
// relative likelihood rising from 0.7 to 0.9 nears parity, which is no
// harm), or, when it states no adverse way, when it ends further outside
// its band.
func (m *Metric) AdverseMove(prev, cur float64) bool {
	if !finite(prev) || !finite(cur) || m.Narrative {
		return false
	}
	way := m.AdverseWay()
	if m.Better() == Parity {
		band, ok := m.EffectiveBand()
		if !ok {
			return false
		}
		mid := m.parityPoint(band)
		switch way {
		case AdverseHigher:
			return cur > prev && cur > mid
		case AdverseLower:
			return cur < prev && cur < mid
		}
		return band.distance(cur) > band.distance(prev)
	}
	switch way {
	case AdverseHigher:
		return cur > prev
	case AdverseLower:
		return cur < prev
	}
	return false
}

// parityPoint is the value of exact parity: 1 for a ratio, else the
// middle of the band.
func (m *Metric) parityPoint(b ParityBand) float64 {
	if m.Unit == UnitRatio {
		return 1
	}
	return (b.Low + b.High) / 2
}
