package redisstore

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// wsRead is one workspace's settings reads, queued on a pipeline.
type wsRead struct {
	id              string
	settings        *redis.MapStringStringCmd
	fws             *redis.StringSliceCmd
	started, closed *redis.MapStringStringCmd
	admins          *redis.MapStringStringCmd
}

func (s *Store) queueWorkspace(ctx context.Context, p redis.Pipeliner, ws string) wsRead {
	k := s.keys(ws)
	return wsRead{id: ws, settings: p.HGetAll(ctx, k.settings()), fws: p.SMembers(ctx, k.frameworks()),
		started: p.HGetAll(ctx, k.cyclesStarted()), closed: p.HGetAll(ctx, k.cyclesClosed()),
		admins: p.HGetAll(ctx, k.entries(store.EntryAdmin))}
}

func (r wsRead) result() framework.Workspace {
	w := workspaceOf(r.id, r.settings.Val(), r.fws.Val(), r.started.Val(), r.closed.Val())
	w.Admins = store.AdminsOf(r.admins.Val())
	return w
}

// workspaceOf decodes a workspace from its settings hash, frameworks set
// and closed cycles' hashes.
func workspaceOf(id string, m map[string]string, fws []string, started, closed map[string]string) framework.Workspace {
	sort.Strings(fws)
	if len(fws) == 0 {
		fws = nil
	}
	var past []framework.Cycle
	for name, closed := range closed {
		past = append(past, framework.Cycle{Name: name, Started: parseTime(started[name]), Closed: parseTime(closed)})
	}
	sort.Slice(past, func(i, j int) bool {
		if !past[i].Closed.Equal(past[j].Closed) {
			return past[i].Closed.Before(past[j].Closed)
		}
		return past[i].Name < past[j].Name
	})
	return framework.Workspace{ID: id, Timezone: m["timezone"], ReminderSpec: m["reminder_spec"], RemindersPaused: framework.Date(m["reminders_paused"]), Frameworks: fws,
		Cycle: m["cycle"], CycleStarted: parseTime(m["cycle_started"]), PastCycles: past}
}

// Workspace reads the settings hash, the imported frameworks, the
// closed cycles and the admin entries in one pipeline.
func (s *Store) Workspace(ctx context.Context, ws string) (framework.Workspace, error) {
	var r wsRead
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		r = s.queueWorkspace(ctx, p, ws)
		return nil
	})
	if err != nil {
		return framework.Workspace{}, s.fail("workspace "+ws, err)
	}
	return r.result(), nil
}

// Workspaces lists the global set, then reads every workspace's settings
// in one pipeline: two round trips however many workspaces.
func (s *Store) Workspaces(ctx context.Context) ([]framework.Workspace, error) {
	ids, err := s.c.SMembers(ctx, s.workspaces()).Result()
	if err != nil {
		return nil, s.fail("workspaces", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	sort.Strings(ids)
	reads := make([]wsRead, len(ids))
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			reads[i] = s.queueWorkspace(ctx, p, id)
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("workspaces", err)
	}
	out := make([]framework.Workspace, len(reads))
	for i, r := range reads {
		out[i] = r.result()
	}
	return out, nil
}

// setSetting writes one settings field and lists the workspace, in one
// pipelined round trip. The HSET is the workspace's whole change, so it
// needs no MULTI; the global list is in another slot and cannot share
// one on Redis Cluster (go-redis refuses a cross-slot TxPipeline), and
// adding to it twice is harmless.
func (s *Store) setSetting(ctx context.Context, ws, field, value string) error {
	k := s.keys(ws)
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k.settings(), field, value)
		p.SAdd(ctx, s.workspaces(), ws)
		s.queueMark(ctx, p, ws)
		return nil
	})
	if err == nil {
		s.remark(ctx, ws)
	}
	return s.fail("set "+field+" of "+ws, err)
}

// SetTimezone stores the workspace's time zone.
func (s *Store) SetTimezone(ctx context.Context, ws, tz string) error {
	return s.setSetting(ctx, ws, "timezone", tz)
}

// SetRemindersPaused stores the day reminders start again; the zero Date
// clears it.
func (s *Store) SetRemindersPaused(ctx context.Context, ws string, until framework.Date) error {
	return s.setSetting(ctx, ws, "reminders_paused", string(until))
}

// SetReminderSpec stores the overdue-reminder cron spec; "" means the default.
func (s *Store) SetReminderSpec(ctx context.Context, ws, spec string) error {
	return s.setSetting(ctx, ws, "reminder_spec", spec)
}

// PutSubscription replaces a channel's subscription in one script,
// pipelined with listing the workspace.
func (s *Store) PutSubscription(ctx context.Context, sub framework.Subscription) error {
	k := s.keys(sub.Workspace)
	args := append([]any{sub.Channel}, subFields(sub)...)
	_, err := s.runWith(ctx, putSubScript, []string{k.sub(sub.Channel), k.subs()}, args, func(p redis.Pipeliner) {
		p.SAdd(ctx, s.workspaces(), sub.Workspace)
		s.queueMark(ctx, p, sub.Workspace)
	})
	if err == nil {
		s.remark(ctx, sub.Workspace)
	}
	return s.fail("put subscription "+sub.Channel, err)
}

func noSubscription(channel string) error {
	return framework.ErrNoSubscription.About(channel)
}

// DeleteSubscription removes a channel's subscription in one script,
// pipelined with marking the workspace's schedules changed.
func (s *Store) DeleteSubscription(ctx context.Context, ws, channel string) error {
	k := s.keys(ws)
	cmd, err := s.runWith(ctx, delSubScript, []string{k.sub(channel), k.subs()}, []any{channel}, func(p redis.Pipeliner) {
		s.queueMark(ctx, p, ws)
	})
	if err != nil {
		return s.fail("delete subscription "+channel, err)
	}
	if n, err := cmd.Int(); err != nil || n == 0 {
		return noSubscription(channel)
	}
	s.remark(ctx, ws)
	return nil
}

// Subscriptions lists the workspace's channels, then reads them in one pipeline.
func (s *Store) Subscriptions(ctx context.Context, ws string) ([]framework.Subscription, error) {
	k := s.keys(ws)
	channels, err := s.c.SMembers(ctx, k.subs()).Result()
	if err != nil {
		return nil, s.fail("subscriptions", err)
	}
	subs, err := s.fetchSubs(ctx, map[string][]string{ws: channels})
	if err != nil {
		return nil, s.fail("subscriptions", err)
	}
	return subs, nil
}

// AllSubscriptions costs three round trips however many there are: the
// workspace list, every workspace's channel set, every subscription.
func (s *Store) AllSubscriptions(ctx context.Context) ([]framework.Subscription, error) {
	ids, err := s.c.SMembers(ctx, s.workspaces()).Result()
	if err != nil {
		return nil, s.fail("all subscriptions", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	sets := make([]*redis.StringSliceCmd, len(ids))
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			sets[i] = p.SMembers(ctx, s.keys(id).subs())
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("all subscriptions", err)
	}
	channels := make(map[string][]string, len(ids))
	for i, id := range ids {
		if len(sets[i].Val()) > 0 {
			channels[id] = sets[i].Val()
		}
	}
	subs, err := s.fetchSubs(ctx, channels)
	if err != nil {
		return nil, s.fail("all subscriptions", err)
	}
	return subs, nil
}

// fetchSubs reads the named subscriptions in one pipeline, sorted by
// workspace then channel.
func (s *Store) fetchSubs(ctx context.Context, channels map[string][]string) ([]framework.Subscription, error) {
	var cmds []*redis.MapStringStringCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for ws, chs := range channels {
			k := s.keys(ws)
			for _, ch := range chs {
				cmds = append(cmds, p.HGetAll(ctx, k.sub(ch)))
			}
		}
		return nil
	})
	if err != nil && len(cmds) > 0 {
		return nil, err
	}
	var subs []framework.Subscription
	for _, c := range cmds {
		if len(c.Val()) > 0 {
			subs = append(subs, decodeSub(c.Val()))
		}
	}
	sort.Slice(subs, func(i, j int) bool {
		if subs[i].Workspace != subs[j].Workspace {
			return subs[i].Workspace < subs[j].Workspace
		}
		return subs[i].Channel < subs[j].Channel
	})
	return subs, nil
}

// MarkDigested sets a subscription's last digest time in one script.
func (s *Store) MarkDigested(ctx context.Context, ws, channel string, at time.Time) error {
	err := markDigestedScript.Run(ctx, s.c, []string{s.keys(ws).sub(channel)}, fmtTime(at)).Err()
	if scriptError(err) == errNotFound {
		return noSubscription(channel)
	}
	return s.fail("mark digested "+channel, err)
}

// Claim takes key with SET NX PX: only the first caller gets true until
// ttl passes. The value is a token unique to the call, so that when
// go-redis retries a SET whose reply was lost, the retry (which finds
// the key taken) can tell the claim is its own. Only that losing path
// costs a second round trip.
func (s *Store) Claim(ctx context.Context, ws, key string, ttl time.Duration) (bool, error) {
	k := s.keys(ws).claim(key)
	token := s.ids.next(time.Now())
	ok, err := s.setNX(ctx, "claim "+key, k, token, ttl)
	if err != nil {
		return false, s.fail("claim "+key, err)
	}
	if ok {
		return true, nil
	}
	holder, err := s.c.Get(ctx, k).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil // it expired just now; the period's owner has run
	}
	if err != nil {
		return false, s.fail("claim "+key, err)
	}
	return holder == token, nil
}
