package commands

import (
	"context"
	"errors"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// recordAtOnce records a value of a built-in indicator named in full in
// one write with no read before it: its definition is the framework's,
// so the value is computed and checked here, and the store's
// TargetEntries write checks what a read would have (that the target is
// here and live, and that the requester owns it, unless they are an
// admin by platform or configuration) and hands back the metric book for
// the reply. Two records of one period at once both land, the later
// winning, and both stay in the history; the value a record replaced is
// in its reply. done is false when it could not decide: a bare or
// differently written reference, a custom target, a requester who is
// not the owner (an admin granted in chat is known from the workspace),
// or a store without TargetEntries. Nothing was written then, and
// record takes the way that reads first.
func (h *Handler) recordAtOnce(ctx context.Context, c *call, period framework.Period, words []string) (reply bot.Reply, done bool, err error) {
	te, ok := h.store.(store.TargetEntries)
	fwID, tcode := framework.SplitRef(c.arg("target"))
	if !ok || fwID == "" || tcode == "" {
		return bot.Reply{}, false, nil
	}
	ref := framework.Ref(strings.ToLower(fwID), tcode)
	spec := h.metricSpec(ref)
	if spec == nil {
		return bot.Reply{}, false, nil
	}
	v, err := measurement(c, ref, spec, period, words)
	if err != nil {
		return bot.Reply{}, true, err
	}
	put, err := store.MeasurementEntry(v)
	if err != nil {
		return bot.Reply{}, true, storeErr("encode measurement", err)
	}
	w := store.TargetEntryWrite{Ref: ref, Kind: store.EntryMetric, Put: []store.Entry{put}, Events: []framework.Event{recordEvent(c, spec, &v)}}
	// An admin granted in chat is known only from the workspace's read:
	// for them the write is refused as not the owner's, and the slower
	// path, which reads, records it.
	if !c.req.PlatformAdmin && !h.configuredAdmin(c.req.Workspace, c.req.User) {
		w.Owner = c.req.User
	}
	res, err := te.WriteTargetEntries(ctx, c.req.Workspace, w)
	switch {
	case errors.Is(err, store.ErrUnsupported), errors.Is(err, framework.ErrTargetNotFound):
		return bot.Reply{}, false, nil
	case err != nil:
		return bot.Reply{}, true, storeErr("record", err)
	case !res.Applied:
		return bot.Reply{}, false, nil
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
