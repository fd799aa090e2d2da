package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Metrics: `measure` sets how a target is measured by a number, `record`
// keeps a period's value with its inputs, author and note, and `trend`
// shows every period. A workspace's metric book (settings and values) is
// kept as its store.EntryMetric entries; each change is one atomic entry
// write with its workspace event, so re-recording a period replaces the
// value and the history keeps both.
//
// Cost on Redis: `record` of a target named in full is one round trip
// (recordAtOnce), whether it is a framework's indicator or a custom
// metric, and whoever may record it; so is its refusal when the target
// is no metric or the value does not fit. Otherwise (a bare reference, a
// target that is not here) it reads the workspace with the target and
// the metric book side by side, then writes once: three round trips, two
// of latency; that write expects the value it read, so a concurrent
// record of the same period is refused rather than lost.

// metricStore is the store's entries, when it keeps them.
func (h *Handler) metricStore() (store.Entries, error) {
	if e, ok := h.store.(store.Entries); ok {
		return e, nil
	}
	return nil, framework.Errorf(framework.EUNAVAILABLE, "metrics are not available with this store: ask whoever runs targetbot to upgrade it")
}

// metricSpec is the framework's definition of ref's metric, or nil.
func (h *Handler) metricSpec(ref string) *framework.Metric {
	fwID, tcode := framework.SplitRef(ref)
	if f := h.framework(fwID); f != nil {
		return f.MetricOf(tcode)
	}
	return nil
}

// mayBeMetric reports whether t can be a metric without reading the
// book: its framework defines one, or it is custom (measured with
// `measure`). Other targets cost no read of the book.
func (h *Handler) mayBeMetric(t *framework.Target) bool {
	return t.Custom || h.metricSpec(t.Ref()) != nil
}

// metricTarget is a target with its metric book, read together.
type metricTarget struct {
	w    framework.Workspace
	t    framework.Target
	book framework.MetricBook
	// raw are the book's entries as read, for the write's expectations.
	raw map[string]string
	es  store.Entries
}

// loadMetricTarget reads the call's target and the workspace's metric
// book concurrently.
func (h *Handler) loadMetricTarget(ctx context.Context, c *call) (*metricTarget, error) {
	es, err := h.metricStore()
	if err != nil {
		return nil, err
	}
	type book struct {
		raw map[string]string
		err error
	}
	bc := make(chan book, 1)
	go func() {
		raw, err := es.Entries(ctx, c.req.Workspace, store.EntryMetric)
		bc <- book{raw, err}
	}()
	w, t, err := h.lookupTarget(ctx, c)
	b := <-bc
	if err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, storeErr("load metrics", b.err)
	}
	mt := &metricTarget{w: w, t: t, raw: b.raw, es: es}
	if mt.book, err = store.DecodeMetricBook(b.raw); err != nil {
		return nil, storeErr("decode metrics", err)
	}
	return mt, nil
}

// notMetric is the refusal of `record` or `trend` on a target that is
// not measured by a number.
func notMetric(t *framework.Target) error {
	return framework.FieldErrorf("target", "%s is not a metric: it is measured by progress, so log it with %s, or an admin can measure it by a number with %s",
		code(t.Ref()), code("/target update "+t.Ref()+" 40%"), code("/target measure "+t.Ref()+" percent baseline 30 2025 goal 20 2028"))
}

// writeMetric writes one metric entry with its event, expecting the
// entry's value as read.
func (h *Handler) writeMetric(ctx context.Context, mt *metricTarget, put store.Entry, ev framework.Event) error {
	w := store.EntryWrite{
		Expect: []store.Entry{{Kind: store.EntryMetric, Key: put.Key, Value: mt.raw[put.Key]}},
		Put:    []store.Entry{put},
		Events: []framework.Event{ev},
	}
	if _, err := mt.es.WriteEntries(ctx, mt.w.ID, w); err != nil {
		if errors.Is(err, framework.ErrEntryChanged) {
			return framework.Errorf(framework.ECONFLICT, "%s changed while you were recording: look with %s and try again", code(mt.t.Ref()), code("/target trend "+mt.t.Ref()))
		}
		return storeErr("write metric", err)
	}
	return nil
}

// measure sets a target's unit, direction, baseline and goal, or its
// parity band.
func (h *Handler) measure(ctx context.Context, c *call) (bot.Reply, error) {
	a, err := readMeasure(c)
	if err != nil {
		return bot.Reply{}, err
	}
	mt, err := h.loadMetricTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	t := &mt.t
	if err := h.requireOwnerOrAdmin(ctx, c, t, "measure"); err != nil {
		return bot.Reply{}, err
	}
	if t.Archived {
		return bot.Reply{}, explain(framework.ErrArchived.About(t.Ref()))
	}
	spec := h.metricSpec(t.Ref())
	if spec != nil && spec.Narrative {
		return bot.Reply{}, framework.FieldErrorf("target", "%s is answered yes or no with what was done, not measured: record it with %s", code(t.Ref()), code("/target record "+t.Ref()+" 2026 yes <text…>"))
	}
	s := mt.book.Settings[t.Ref()]
	what := "measures"
	if a.band != nil {
		if _, ok := mt.book.Definition(t.Ref(), spec); !ok {
			return bot.Reply{}, framework.FieldErrorf("band", "%s is not measured yet: set its unit, baseline and goal first, with %s", code(t.Ref()), code("/target measure "+t.Ref()+" ratio parity baseline 1.5 2025 goal 1.25 2028"))
		}
		s.Band, what = a.band, "set the parity band of"
	} else {
		if spec != nil && a.settings.Unit != spec.Unit {
			return bot.Reply{}, framework.FieldErrorf("unit", "%s is a %s by its framework, not a %s: give %s", code(t.Ref()), spec.Unit, a.settings.Unit, code(string(spec.Unit)))
		}
		s.Unit, s.Direction, s.Baseline, s.Goal = a.settings.Unit, a.settings.Direction, a.settings.Baseline, a.settings.Goal
	}
	s.By, s.At = c.req.User, c.now
	m := s.Apply(spec)
	if err := m.Validate(); err != nil {
		return bot.Reply{}, err
	}
	put, err := store.MetricSettingsEntry(t.Ref(), s)
	if err != nil {
		return bot.Reply{}, storeErr("encode metric", err)
	}
	ev := framework.Event{Kind: framework.EventMeasure, Author: c.req.User, Time: c.now, Title: t.Ref(), To: view.Aim(m)}
	if err := h.writeMetric(ctx, mt, put, ev); err != nil {
		return bot.Reply{}, err
	}
	if what == "measures" {
		what = "set how " + bot.Bold(t.Ref()) + " is measured:"
		return announce(fmt.Sprintf("%s %s %s\n%s", bot.User(c.req.User), what, view.Title(t.Title, 80), view.Aim(m))), nil
	}
	return announce(fmt.Sprintf("%s %s %s\n%s", bot.User(c.req.User), what, targetHeadline(t), view.Aim(m))), nil
}

// record keeps a period's value of a metric target, with its inputs,
// author and note. A period recorded again is replaced; the history
// keeps both. A target named in full is recorded in one write
// (recordAtOnce); anything else reads first.
func (h *Handler) record(ctx context.Context, c *call) (bot.Reply, error) {
	period, words, err := readRecord(c)
	if err != nil {
		return bot.Reply{}, err
	}
	if reply, done, err := h.recordAtOnce(ctx, c, period, words); done {
		return reply, err
	}
	mt, err := h.loadMetricTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	t := &mt.t
	if err := h.requireOwnerOrAdmin(ctx, c, t, "record values of"); err != nil {
		return bot.Reply{}, err
	}
	if t.Archived {
		return bot.Reply{}, explain(framework.ErrArchived.About(t.Ref()))
	}
	m, ok := mt.book.Definition(t.Ref(), h.metricSpec(t.Ref()))
	if !ok {
		return bot.Reply{}, notMetric(t)
	}
	v, err := measurement(c, t.Ref(), m, period, words)
	if err != nil {
		return bot.Reply{}, err
	}
	put, err := store.MeasurementEntry(v)
	if err != nil {
		return bot.Reply{}, storeErr("encode measurement", err)
	}
	ev := recordEvent(c, m, &v)
	var replaced *framework.Measurement
	for _, old := range mt.book.Series(t.Ref()) {
		if old.Period == period {
			ev.From, replaced = recordedText(m, &old), &old
		}
	}
	if err := h.writeMetric(ctx, mt, put, ev); err != nil {
		return bot.Reply{}, err
	}
	h.log.Debug("metric recorded", "workspace", mt.w.ID, "target", t.Ref(), "period", period, "user", c.req.User)
	mt.book.Add(v)
	return recordReply(c, t, m, &mt.book, &v, replaced), nil
}

// measurement is the value the words after the period give for metric
// m, checked against its definition.
func measurement(c *call, ref string, m *framework.Metric, period framework.Period, words []string) (framework.Measurement, error) {
	a, err := readRecordValue(m, period, words)
	if err != nil {
		return framework.Measurement{}, err
	}
	v := framework.Measurement{Target: ref, Period: period, Author: c.req.User, Time: c.now, Note: a.note}
	switch {
	case a.answer != nil:
		v.Answer, v.Text, v.Note = a.answer, a.note, ""
	case a.inputs != nil:
		r, err := m.Compute(a.inputs)
		if err != nil {
			return v, err
		}
		v.Inputs, v.Value, v.NotMeaningful, v.Reason = a.inputs, r.Value, r.NotMeaningful, r.Reason
	default:
		if err := m.CheckValue(*a.value); err != nil {
			return v, err
		}
		v.Value = *a.value
	}
	return v, nil
}

// recordEvent is the workspace event that keeps v in the history.
func recordEvent(c *call, m *framework.Metric, v *framework.Measurement) framework.Event {
	return framework.Event{Kind: framework.EventRecord, Author: c.req.User, Time: c.now, Title: v.Target, Cycle: string(v.Period), To: recordedText(m, v), Reason: v.Note}
}

// recordReply tells the channel of v, recorded in book (which holds it),
// with its change, flags and progress, and the value it replaced.
func recordReply(c *call, t *framework.Target, m *framework.Metric, book *framework.MetricBook, v *framework.Measurement, replaced *framework.Measurement) bot.Reply {
	period := v.Period
	rows := m.Trend(book.Series(t.Ref()))
	var row framework.TrendRow
	for _, r := range rows {
		if r.Period == period {
			row = r
		}
	}
	// The value follows a colon, so a title's own full stop goes.
	headline := bot.Bold(t.Ref()) + " " + view.Title(strings.TrimRight(t.Title, ". "), 80)
	text := fmt.Sprintf("%s recorded %s for %s: %s", bot.User(c.req.User), period, headline, bot.Bold(view.MetricValue(m, v)))
	if in := view.Inputs(m, v); in != "" {
		text += "\nfrom " + in
	}
	var extra []string
	if ch := view.Change(m, &row); ch != "" {
		extra = append(extra, ch+" since "+string(previousPeriod(rows, period)))
	}
	if f := view.MetricFlags(m, &row); f != "" {
		extra = append(extra, f)
	}
	if p, ok := m.Progress(v.Value); ok && v.Meaningful() && isLatest(rows, period) {
		extra = append(extra, fmt.Sprintf("%d%% of the way from the baseline to the goal", p))
	}
	if len(extra) > 0 {
		text += "\n" + strings.Join(extra, " · ")
	}
	if replaced != nil {
		text += "\nreplaces " + view.MetricValue(m, replaced) + ", which stays in the history"
	}
	if v.Note != "" {
		text += "\n" + view.Note(v.Note)
	}
	return announce(text)
}

// recordedText is a value as its history event keeps it: the value, and
// the inputs it came from.
func recordedText(m *framework.Metric, v *framework.Measurement) string {
	s := view.MetricValue(m, v)
	if in := view.Inputs(m, v); in != "" {
		s += " from " + in
	}
	return s
}

// previousPeriod is the period before p among rows.
func previousPeriod(rows []framework.TrendRow, p framework.Period) framework.Period {
	for i := 1; i < len(rows); i++ {
		if rows[i].Period == p {
			return rows[i-1].Period
		}
	}
	return ""
}

func isLatest(rows []framework.TrendRow, p framework.Period) bool {
	return len(rows) > 0 && rows[len(rows)-1].Period == p
}

// trend shows every period's value of a metric target, its change, and
// the goal.
func (h *Handler) trend(ctx context.Context, c *call) (bot.Reply, error) {
	if c.text() && c.args.len() != 1 {
		return bot.Reply{}, usageError("trend", "target", "name one metric target")
	}
	mt, err := h.loadMetricTarget(ctx, c)
	if err != nil {
		return bot.Reply{}, err
	}
	t := &mt.t
	m, ok := mt.book.Definition(t.Ref(), h.metricSpec(t.Ref()))
	if !ok {
		return bot.Reply{}, notMetric(t)
	}
	rows := m.Trend(mt.book.Series(t.Ref()))
	head := bot.Block{Title: "Trend of " + targetHeading(t, 60), Text: view.Aim(m)}
	if len(rows) == 0 {
		head.Text += "\nNothing recorded yet: " + code("/target record "+t.Ref()+" "+framework.FinancialYear(c.now)+" "+recordHint(m))
		return bot.Reply{Ephemeral: true, Blocks: []bot.Block{head}}, nil
	}
	lines := make([]string, len(rows))
	for i := range rows {
		lines[i] = view.Bullet(trendLine(m, &rows[i]))
	}
	r := m.Read(mt.book.Series(t.Ref()))
	if r.HasProgress {
		head.Text += fmt.Sprintf("\nProgress: %d%% of the way from the baseline to the goal", r.Progress)
	}
	return bot.Reply{Ephemeral: true, Blocks: []bot.Block{head, {Text: strings.Join(lines, "\n")}}}, nil
}

// trendLine is one period of a trend.
func trendLine(m *framework.Metric, r *framework.TrendRow) string {
	s := bot.Bold(string(r.Period)) + " " + view.MetricValue(m, &r.Measurement)
	if ch := view.Change(m, r); ch != "" {
		s += " (" + ch + ")"
	}
	if in := view.Inputs(m, &r.Measurement); in != "" {
		s += " from " + in
	}
	if f := view.MetricFlags(m, r); f != "" {
		s += " · " + f
	}
	s += " · " + bot.User(r.Author)
	if r.Note != "" {
		s += ": " + view.Note(r.Note)
	}
	return s
}

// recordHint is what a record of m gives after the period.
func recordHint(m *framework.Metric) string {
	switch {
	case m.Narrative:
		return "yes <what was done…>"
	case m.Formula != nil:
		return strings.Join(inputHints(m), " ")
	}
	return "<value>"
}

// metricLine is a metric target's latest value against its baseline and
// goal for show and list, or "" for a target that is no metric.
func (h *Handler) metricLine(book *framework.MetricBook, t *framework.Target) string {
	m, ok := book.Definition(t.Ref(), h.metricSpec(t.Ref()))
	if !ok {
		return ""
	}
	r := m.Read(book.Series(t.Ref()))
	if !r.Recorded() {
		return "no value recorded yet"
	}
	return view.MetricLatest(&r)
}

// metricBookFor reads the metric book when any of ts may be a metric,
// and nil otherwise, so workspaces without metrics pay no read.
func (h *Handler) metricBookFor(ctx context.Context, ws string, ts []framework.Target) (*framework.MetricBook, error) {
	need := false
	for i := range ts {
		if need = h.mayBeMetric(&ts[i]); need {
			break
		}
	}
	es, ok := h.store.(store.Entries)
	if !need || !ok {
		return nil, nil
	}
	b, err := store.ReadMetricBook(ctx, es, ws)
	if err != nil {
		return nil, storeErr("load metrics", err)
	}
	return &b, nil
}

// metricSuffix is " · " and t's metric line, or "" when book is nil or
// t is no metric.
func (h *Handler) metricSuffix(book *framework.MetricBook, t *framework.Target) string {
	if book == nil {
		return ""
	}
	if line := h.metricLine(book, t); line != "" {
		return " · " + line
	}
	return ""
}
