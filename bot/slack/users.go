package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// userFacts is what users.info told us about a user.
type userFacts struct {
	admin bool   // workspace admin or owner
	name  string // display name, "" when unknown
}

// The look-up runs before a command, inside Slack's 3-second answer
// window, so it gets a third of it; a failed look-up is retried after
// lookupFailureTTL.
const (
	lookupTimeout    = time.Second
	lookupFailureTTL = time.Minute
	// lookupWorkers bounds the users.info calls one reply makes at once.
	lookupWorkers = 4
)

// user asks users.info about a user, caching answers for AdminCacheTTL.
// A failure is remembered for a minute as "not admin, name unknown", so
// a slow or failing Web API cannot hold up every command: the command
// layer still lets ordinary users do ordinary things, admins named in
// TARGETBOT_ADMINS keep their rights, and a name reads as the user's id.
// Without a bot token there is no one to ask.
func (a *Adapter) user(ctx context.Context, team, user string) userFacts {
	if a.opts.BotToken == "" {
		return userFacts{}
	}
	now := a.opts.Now()
	if v, ok := a.cachedUser(team, user, now); ok {
		return v
	}
	key := userKey(team, user)
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	u, err := a.api.GetUserInfoContext(ctx, user)
	if err != nil {
		a.log.Warn("slack: users.info failed, treating user as not admin and unnamed", "team", team, "user", user, "err", err)
		a.users.Put(key, userFacts{}, now.Add(lookupFailureTTL))
		return userFacts{}
	}
	f := userFacts{admin: u.IsAdmin || u.IsOwner || u.IsPrimaryOwner}
	for _, n := range []string{u.Profile.DisplayName, u.RealName, u.Profile.RealName, u.Name} {
		// A name is shown on one line, as plain text.
		if n = strings.Join(strings.Fields(n), " "); n != "" {
			f.name = n
			break
		}
	}
	a.users.Put(key, f, now.Add(a.opts.AdminCacheTTL))
	return f
}

// cachedUser is what users.info last said about a user, while it is fresh.
func (a *Adapter) cachedUser(team, user string, now time.Time) (userFacts, bool) {
	return a.users.Get(userKey(team, user), now)
}

// userKey is a user's key in the users cache.
func userKey(team, user string) string { return team + "/" + user }

// mentionsFor decides how r's user references read, looking up the
// display names of the users it names without notifying them. An
// ephemeral reply looks up nothing: every reference in it is live.
// details says whether r's Details will be shown too.
func (a *Adapter) mentionsFor(ctx context.Context, team string, r bot.Reply, details bool) *mentions {
	m := newMentions(r, nil)
	if m.all || a.opts.BotToken == "" {
		return m
	}
	ids := map[string]bool{}
	collect := func(blocks []bot.Block) {
		for _, b := range blocks {
			userIDs(b.Title, ids)
			userIDs(b.Text, ids)
			for _, f := range b.Fields {
				userIDs(f.Name, ids)
				userIDs(f.Value, ids)
			}
		}
	}
	collect(r.Blocks)
	if details {
		collect(r.Details)
	}
	// Names already known are read here; only the others are looked up,
	// on goroutines, so a reply naming cached users (almost every one)
	// starts none.
	var todo []string
	now := a.opts.Now()
	for id := range ids {
		if !slackUserID(id) || m.live(id) {
			continue
		}
		if f, ok := a.cachedUser(team, id, now); ok {
			if f.name != "" {
				if m.names == nil {
					m.names = make(map[string]string, len(ids))
				}
				m.names[id] = f.name
			}
			continue
		}
		todo = append(todo, id)
	}
	if len(todo) == 0 {
		return m
	}
	if m.names == nil {
		m.names = make(map[string]string, len(todo))
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan string)
	for range min(lookupWorkers, len(todo)) {
		wg.Go(func() {
			for id := range next {
				if name := a.user(ctx, team, id).name; name != "" {
					mu.Lock()
					m.names[id] = name
					mu.Unlock()
				}
			}
		})
	}
	for _, id := range todo {
		next <- id
	}
	close(next)
	wg.Wait()
	return m
}

// teamOf is the Slack team id of a workspace ("slack:T123" -> "T123").
func teamOf(ws string) string {
	_, team, _ := strings.Cut(ws, ":")
	return team
}
