package redisstore

import (
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
)

// repackPage is how many targets' histories repack reads in one round
// trip: a page holds at most maxInline records of each, so what repack
// holds is bounded, and its round trips grow with the targets, not with
// their records.
const repackPage = 256

// repack gives each staged history the shape the update's script keeps
// (history.go), as a snapshot's restore writes it (splitHistory). The
// stream interleaves the targets' updates in time order, so recordStager
// pushes every record onto its target's list as it comes; a short
// history would then cost a list (about 160 bytes) where its inline
// field costs none. So, once every record is staged and before the
// commit, repack reads each history's length and newest maxInline
// records with its staged target, a page of targets to a pipeline, and
// in the next pipeline writes its inline part and trims those records
// off the head of its list (which is then gone if they were all), or,
// for a deep history, removes its field and leaves its list as it is.
func (rs *recordStager) repack() error {
	ctx, p, k := rs.ctx, rs.p, rs.k
	refs := make([]string, 0, len(rs.latest)) // the targets with a history
	for ref := range rs.latest {
		refs = append(refs, ref)
	}
	for len(refs) > 0 || p.Len() > 0 {
		page := refs[:min(len(refs), repackPage)]
		refs = refs[len(page):]
		var targets *redis.SliceCmd
		lens := make([]*redis.IntCmd, len(page))
		heads := make([]*redis.StringSliceCmd, len(page))
		if len(page) > 0 {
			targets = p.HMGet(ctx, k.targets(), page...)
			for i, ref := range page {
				lens[i] = p.LLen(ctx, k.history(ref))
				heads[i] = p.LRange(ctx, k.history(ref), 0, int64(maxInline-1))
			}
		}
		// The page's reads go with the writes of the page before.
		if _, err := p.Exec(ctx); err != nil {
			return fmt.Errorf("repack the histories: %w", err)
		}
		for i, ref := range page {
			var t *framework.Target
			if packed, ok := targets.Val()[i].(string); ok {
				tg, err := decodeTarget(ref, packed)
				if err != nil {
					return err
				}
				t = &tg
			}
			inline, n, deep := inlinePart(heads[i].Val(), int(lens[i].Val()), t)
			if deep {
				p.HDel(ctx, k.shortHistories(), ref)
				continue
			}
			p.HSet(ctx, k.shortHistories(), ref, inline)
			p.LTrim(ctx, k.history(ref), int64(n), -1)
		}
	}
	return nil
}
