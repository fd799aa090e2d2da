package commands

import (
	"context"
	"errors"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// recordAtOnce records a value of a metric target named in full in one
// write with no read before it. The store's TargetEntries write checks
// what a read would have: that the target is here and live, that the
// requester owns it or is an admin (by platform, configuration, or
// granted in chat), and, for a custom target whose definition is its
// settings in the metric book, which unit those settings give; it hands
// back the metric book for the reply. A built-in or loaded framework's
// indicator is computed and checked here against its definition. A
// custom target's value fits some units and not others (a percentage is
// 0 to 100) and its history event words it by unit, so the write carries
// one event per unit the value fits, and the store appends the one its
// settings choose, or declines and hands back the book to say why.
//
// Two records of one period at once both land, the later winning, and
// both stay in the history; the value a record replaced is in its reply.
// done is false when it could not decide: a bare or differently written
// reference, a target that is not here, a custom target's value no unit
// takes, or a store without TargetEntries. Nothing was written then, and
// record takes the way that reads first.
func (h *Handler) recordAtOnce(ctx context.Context, c *call, period framework.Period, words []string) (reply bot.Reply, done bool, err error) {
	te, ok := h.store.(store.TargetEntries)
	fwID, tcode := framework.SplitRef(c.arg("target"))
	if !ok || fwID == "" || tcode == "" {
		return bot.Reply{}, false, nil
	}
	ref := framework.Ref(strings.ToLower(fwID), tcode)
	spec := h.metricSpec(ref)
	w := store.TargetEntryWrite{Ref: ref, Kind: store.EntryMetric}
	var v framework.Measurement
	if spec != nil {
		if v, err = measurement(c, ref, spec, period, words); err != nil {
			return bot.Reply{}, true, err
		}
		w.Events = []framework.Event{recordEvent(c, spec, &v)}
	} else {
		var fits bool
		if v, w.Choose, fits = customRecord(c, ref, period, words); !fits {
			return bot.Reply{}, false, nil
		}
	}
	put, err := store.MeasurementEntry(v)
	if err != nil {
		return bot.Reply{}, true, storeErr("encode measurement", err)
	}
	w.Put = []store.Entry{put}
	if !c.req.PlatformAdmin && !h.configuredAdmin(c.req.Workspace, c.req.User) {
		w.Owner, w.Admins = c.req.User, true
	}
	res, err := te.WriteTargetEntries(ctx, c.req.Workspace, w)
	switch {
	case errors.Is(err, store.ErrUnsupported), errors.Is(err, framework.ErrTargetNotFound):
		return bot.Reply{}, false, nil
	case err != nil:
		return bot.Reply{}, true, storeErr("record", err)
	case res.Declined:
		return bot.Reply{}, true, h.declinedRecord(c, &res, period, words)
	case !res.Applied:
		return bot.Reply{}, true, notOwnerOrAdmin(&res.Target, "record values of")
	}
	h.log.Debug("metric recorded", "workspace", c.req.Workspace, "target", ref, "period", period, "user", c.req.User)
	book, err := store.DecodeMetricBook(res.Entries)
	if err != nil {
		return bot.Reply{}, true, storeErr("decode metrics", err)
	}
	m, _ := book.Definition(ref, spec)
	var replaced *framework.Measurement
	if old := res.Prev[put.Key]; old != "" {
		if prev, err := store.DecodeMetricBook(map[string]string{put.Key: old}); err == nil {
			if s := prev.Series(ref); len(s) == 1 {
				replaced = &s[0]
			}
		}
	}
	return recordReply(c, &res.Target, m, &book, &v, replaced), true, nil
}

// customRecord is a custom target's value, and the choice of its event
// by the unit its settings give, among the units the value fits; fits
// is false when it fits none.
func customRecord(c *call, ref string, period framework.Period, words []string) (v framework.Measurement, choose *store.EntryChoice, fits bool) {
	choose = &store.EntryChoice{Key: ref, Field: "unit", Events: map[string][]framework.Event{}}
	for _, u := range framework.Units {
		m := &framework.Metric{Unit: u}
		mv, err := measurement(c, ref, m, period, words)
		if err != nil {
			continue
		}
		// The value does not depend on the unit, only whether it fits.
		v, fits = mv, true
		choose.Events[string(u)] = []framework.Event{recordEvent(c, m, &mv)}
	}
	return v, choose, fits
}

// declinedRecord is why a custom target's record was declined, worked
// out from the metric book the store handed back: the target is no
// metric, or the value does not fit its unit.
func (h *Handler) declinedRecord(c *call, res *store.TargetEntryResult, period framework.Period, words []string) error {
	t := &res.Target
	book, err := store.DecodeMetricBook(res.Entries)
	if err != nil {
		return storeErr("decode metrics", err)
	}
	m, ok := book.Definition(t.Ref(), nil)
	if !ok {
		return notMetric(t)
	}
	if _, err := measurement(c, t.Ref(), m, period, words); err != nil {
		return err
	}
	// The settings changed between the write and this reading.
	return framework.Errorf(framework.ECONFLICT, "%s changed while you were recording: look with %s and try again", code(t.Ref()), code("/target trend "+t.Ref()))
}
