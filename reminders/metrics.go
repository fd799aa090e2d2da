package reminders

import (
	"context"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Digests flag metrics whose latest period moved the adverse way since
// the period before, and ratios outside their parity band. Flags are
// worked out as the digest is built, so a band a workspace changed
// applies to every period.

// metricSpec is the offered framework's definition of ref's metric, or nil.
func metricSpec(fws map[string]*framework.Framework, ref string) *framework.Metric {
	fwID, tcode := framework.SplitRef(ref)
	if f := fws[fwID]; f != nil {
		return f.MetricOf(tcode)
	}
	return nil
}

// metricBook reads the workspace's metric book when any of its live
// targets may be a metric (its framework defines one, or it is custom
// and may have been measured), and nil otherwise: a workspace without
// metrics pays no read.
func (s *Scheduler) metricBook(ctx context.Context, ws string, ts []framework.Target) (*framework.MetricBook, error) {
	es, ok := s.opts.Store.(store.Entries)
	if !ok {
		return nil, nil
	}
	need := false
	for i := range ts {
		if need = ts[i].Custom || metricSpec(s.frameworks, ts[i].Ref()) != nil; need {
			break
		}
	}
	if !need {
		return nil, nil
	}
	b, err := store.ReadMetricBook(ctx, es, ws)
	if err != nil {
		return nil, fmt.Errorf("reminders: digest %s: %w", ws, err)
	}
	return &b, nil
}

// flaggedMetric is a live metric target whose latest value is flagged.
type flaggedMetric struct {
	t *framework.Target
	r framework.Reading
}

// flaggedMetrics are d's metric targets whose latest value is flagged,
// in target order.
func flaggedMetrics(d *digestData) []flaggedMetric {
	if d.Metrics == nil {
		return nil
	}
	var out []flaggedMetric
	for i := range d.Targets {
		t := &d.Targets[i]
		m, ok := d.Metrics.Definition(t.Ref(), metricSpec(d.Frameworks, t.Ref()))
		if !ok {
			continue
		}
		r := m.Read(d.Metrics.Series(t.Ref()))
		if r.Recorded() && (r.Latest.Outside || r.Latest.Adverse) {
			out = append(out, flaggedMetric{t, r})
		}
	}
	return out
}

// metricsBlock lists the flagged metrics, each with its latest value
// against its baseline and goal.
func metricsBlock(fs []flaggedMetric) bot.Block {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = view.Bullet(view.Ref(f.t.Ref()) + " " + view.Title(f.t.Title, 60) + ": " + view.MetricLatest(&f.r))
	}
	return bot.Block{Title: fmt.Sprintf("Metrics flagged (%d)", len(fs)), Text: strings.Join(lines, "\n"), Colour: view.Alert}
}
