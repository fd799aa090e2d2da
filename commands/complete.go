package commands

import (
	"context"
	"strings"

	"github.com/targetbot/targetbot/bot"
)

// Complete suggests targets for a partly typed reference: those whose
// reference or bare code starts with prefix come first, then those whose
// title contains it. Each Choice's Value is the full reference and its
// Label adds the title, cut to Discord's 100 characters. A store failure
// is logged and suggests nothing.
func (h *Handler) Complete(ctx context.Context, ws, prefix string, limit int) []bot.Choice {
	if limit <= 0 {
		limit = 25
	}
	ts, err := h.store.Targets(ctx, ws)
	if err != nil {
		h.log.Warn("complete: load targets", "workspace", ws, "err", err)
		return nil
	}
	p := strings.ToLower(strings.TrimSpace(prefix))
	var first, second []bot.Choice
	for i := range ts {
		t := &ts[i]
		ref := t.Ref()
		label := ref + " " + t.Title
		if t.Archived {
			// Restore and history still name archived targets.
			label = ref + " (archived) " + t.Title
		}
		c := bot.Choice{Value: ref, Label: short(label, 100)}
		switch {
		case strings.HasPrefix(strings.ToLower(ref), p) || strings.HasPrefix(strings.ToLower(t.Code), p):
			first = append(first, c)
		case p != "" && strings.Contains(strings.ToLower(t.Title), p):
			second = append(second, c)
		}
	}
	out := append(first, second...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
