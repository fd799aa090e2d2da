package redisstore

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/store"
)

// The next-fire index (store.NextFires) is one sorted set outside every
// workspace's slot, <prefix>:schedules:next: member the workspace id,
// score its next fire time in unix ms, or a negative mark for a
// workspace changed since the scheduler last looked, so that changed
// ones sort first and are due at once. A scheduler tick reads it with
// one ZRANGEBYSCORE up to now and nothing else global. It is one key
// rather than one per slot because a tick would otherwise read every
// slot's; docs/PERFORMANCE.md weighs the choice.
//
// Each change marks the entry with the next of one count kept for the
// whole index (-1, -2, …), so no two marks are ever equal: SetNextFire
// stores only when the score is still the one the scheduler read, and
// any mark in between makes it a no-op (setNextScript). A mark made from
// the entry's own score would repeat once a next fire time (or none) was
// stored in between, as when two schedulers read one mark and the faster
// stores first: the slower one's stale answer would then be stored over
// the change. The count is the score of one member no workspace id can
// be (markSeq), kept above markBase so that no read up to a real time
// reaches it. A mark is queued after the change
// in the change's own pipeline, which one connection runs in order; on
// Redis Cluster, where a pipeline's commands for two nodes may run in
// either order, it is sent again once the change is done (remark).

// markSeq is the index's member that keeps the count marks are made
// from: a control character, which no workspace id holds
// (store.CheckWorkspaceID). Its score is markBase plus the count: 2^52
// ms is far past any time a tick reads up to, and every count below
// 2^52 more is an exact float.
const (
	markSeq  = "\x00marks"
	markBase = "4503599627370496"
)

// markScript marks workspaces' entries changed, each with the next
// count (see above); with ARGV[1] "nx", only those with no entry.
// KEYS[1] the index, ARGV[2] on the workspaces. Returns how many it
// marked. (string.format, not tostring, writes the scores: Lua's
// tostring rounds past 14 digits. The member is written with Lua's
// escape of its first byte.)
var markScript = `local base = tonumber('` + markBase + `')
local n = tonumber(redis.call('ZSCORE', KEYS[1], '\0` + markSeq[1:] + `') or base) - base
local marked = 0
for i = 2, #ARGV do
  if ARGV[1] ~= 'nx' or not redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    n, marked = n + 1, marked + 1
    redis.call('ZADD', KEYS[1], string.format('%d', -n), ARGV[i])
  end
end
redis.call('ZADD', KEYS[1], string.format('%d', base + n), '\0` + markSeq[1:] + `')
return marked`

// indexChunk is how many workspaces one call of markScript indexes.
const indexChunk = 1000

// setNextScript stores a next fire time if the entry is as read.
// KEYS[1] the index, ARGV[1] the workspace, ARGV[2] the score read,
// ARGV[3] the new score, or "" to remove the entry.
var setNextScript = redis.NewScript(`local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
return 1`)

// nextFires is the index's key.
func (s *Store) nextFires() string { return s.prefix + ":schedules:next" }

// nextFiresIndexed is the key whose presence says the index was built,
// so that only the first process on an older store builds it.
func (s *Store) nextFiresIndexed() string { return s.prefix + ":schedules:indexed" }

// queueMark queues marking ws's entry changed on p, after the change.
func (s *Store) queueMark(ctx context.Context, p redis.Pipeliner, ws string) {
	p.Eval(ctx, markScript, []string{s.nextFires()}, "", ws)
}

// remark marks ws's entry again once its change is done, on Redis
// Cluster only, where the queued mark may have run first (see above).
// The change is done either way: a failure here is logged, and the
// workspace is looked at on its next fire time instead of at once.
func (s *Store) remark(ctx context.Context, ws string) {
	if _, ok := s.c.(*redis.ClusterClient); !ok {
		return
	}
	if err := s.c.Eval(ctx, markScript, []string{s.nextFires()}, "", ws).Err(); err != nil {
		s.log.Warn("marking a workspace's schedules changed failed", "workspace", ws, "err", err)
	}
}

// MarkDue marks ws's entry changed: one script.
func (s *Store) MarkDue(ctx context.Context, ws string) error {
	if err := s.c.Eval(ctx, markScript, []string{s.nextFires()}, "", ws).Err(); err != nil {
		return s.fail("mark "+ws+" due", err)
	}
	return nil
}

// DueSchedules reads the index up to at: one ZRANGEBYSCORE. A process's
// first call also checks the index was built, and builds it if not.
func (s *Store) DueSchedules(ctx context.Context, at time.Time, offset, limit int) ([]store.DueSchedule, error) {
	if !s.indexed.Load() {
		n, err := s.c.Exists(ctx, s.nextFiresIndexed()).Result()
		if err != nil {
			return nil, s.fail("due schedules", err)
		}
		if n == 0 {
			if _, err := s.IndexSchedules(ctx); err != nil {
				return nil, err
			}
		}
		s.indexed.Store(true)
	}
	zs, err := s.c.ZRangeByScoreWithScores(ctx, s.nextFires(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(at.UnixMilli(), 10), Offset: int64(offset), Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, s.fail("due schedules", err)
	}
	out := make([]store.DueSchedule, 0, len(zs))
	for _, z := range zs {
		if ws := z.Member.(string); ws != markSeq { // reached only by an at 140,000 years on
			out = append(out, store.DueSchedule{Workspace: ws, Mark: int64(z.Score)})
		}
	}
	return out, nil
}

// SetNextFire stores next in one script, if the entry is as read.
func (s *Store) SetNextFire(ctx context.Context, d store.DueSchedule, next time.Time) (bool, error) {
	score := ""
	if !next.IsZero() {
		score = strconv.FormatInt(next.UnixMilli(), 10)
	}
	n, err := setNextScript.Run(ctx, s.c, []string{s.nextFires()}, d.Workspace, strconv.FormatInt(d.Mark, 10), score).Int()
	if err != nil {
		return false, s.fail("set the next fire time of "+d.Workspace, err)
	}
	return n == 1, nil
}

// IndexSchedules marks every listed workspace missing from the index
// changed (markScript's "nx"), indexChunk to a call, in one pipeline,
// and notes the index built.
func (s *Store) IndexSchedules(ctx context.Context) (int, error) {
	ids, err := s.c.SMembers(ctx, s.workspaces()).Result()
	if err != nil {
		return 0, s.fail("index schedules", err)
	}
	var added []*redis.Cmd
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for len(ids) > 0 {
			chunk := ids[:min(len(ids), indexChunk)]
			ids = ids[len(chunk):]
			args := make([]any, 0, len(chunk)+1)
			args = append(args, "nx")
			for _, id := range chunk {
				args = append(args, id)
			}
			added = append(added, p.Eval(ctx, markScript, []string{s.nextFires()}, args...))
		}
		p.Set(ctx, s.nextFiresIndexed(), "1", 0)
		return nil
	})
	if err != nil {
		return 0, s.fail("index schedules", err)
	}
	n := 0
	for _, c := range added {
		v, _ := c.Int()
		n += v
	}
	return n, nil
}
