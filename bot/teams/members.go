package teams

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// How long member look-ups are trusted. Names change rarely; a failed
// look-up is retried sooner.
const (
	nameTTL        = time.Hour
	nameFailureTTL = 5 * time.Minute
	// lookupBudget bounds all the look-ups one reply waits for, so a slow
	// Connector costs a reply its names, never the reply.
	lookupBudget = 5 * time.Second
	lookupPool   = 4
)

// member is a Bot Connector TeamsChannelAccount.
type member struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AADObjectID string `json:"aadObjectId"`
}

// nameKey is the key of a user's name and ids in the caches: a user is
// the same user in every team of their tenant.
func nameKey(ws, user string) string { return tenantOf(ws) + "/" + canonical(user) }

// learnName remembers the display name an activity gave for its sender.
func (a *Adapter) learnName(ws, aad, name string) {
	if aad == "" || strings.TrimSpace(name) == "" {
		return
	}
	a.names.Put(nameKey(ws, aad), strings.TrimSpace(name), a.now().Add(nameTTL))
}

// lookupMember asks the Connector about one member of a conversation.
// user may be a Teams user id (29:…) or an AAD object id.
func (a *Adapter) lookupMember(ctx context.Context, serviceURL, conv, user string) (member, error) {
	var m member
	path := "/v3/conversations/" + url.PathEscape(conv) + "/members/" + url.PathEscape(user)
	err := a.conn.do(ctx, "GET", serviceURL, path, nil, &m, true)
	return m, err
}

// userNames finds the display names of the users a reply refers to: from
// the cache, else by asking the Connector about conv's members. A user it
// cannot name is left out, and shown by a placeholder.
func (a *Adapter) userNames(ctx context.Context, ws, serviceURL, conv string, r bot.Reply) map[string]string {
	ids := replyUsers(r)
	names := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, lookupPool)
	ctx, cancel := context.WithTimeout(ctx, lookupBudget)
	defer cancel()
	for id := range ids {
		if n, ok := a.names.Get(nameKey(ws, id), a.now()); ok {
			if n != "" {
				names[id] = n
			}
			continue
		}
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				return
			}
			m, err := a.lookupMember(ctx, serviceURL, conv, id)
			name := strings.TrimSpace(m.Name)
			if err != nil || name == "" {
				a.log.Debug("teams: member name look-up failed", "workspace", ws, "user", id, "err", err)
				a.names.Put(nameKey(ws, id), "", a.now().Add(nameFailureTTL))
				return
			}
			a.names.Put(nameKey(ws, id), name, a.now().Add(nameTTL))
			mu.Lock()
			names[id] = name
			mu.Unlock()
		})
	}
	wg.Wait()
	return names
}

// replyUsers are the users a reply refers to.
func replyUsers(r bot.Reply) map[string]bool {
	ids := map[string]bool{}
	for _, blocks := range [][]bot.Block{r.Blocks, r.Details} {
		for _, b := range blocks {
			for _, sp := range bot.Parse(b.Markup()) {
				if sp.Kind == bot.SpanUser {
					ids[sp.Text] = true
				}
			}
		}
	}
	return ids
}

// mentionedUser turns another user's @mention in a command into the user
// reference the command layer reads: <@aadObjectId>. The mention names a
// Teams user id (29:…), so the AAD object id comes from the Connector,
// cached. A mention that cannot be resolved becomes "<@?>", which the
// command layer refuses as no user, rather than a guess.
func (a *Adapter) mentionedUser(ctx context.Context, ws, serviceURL, conv string, who account) string {
	if who.AADObjectID != "" {
		a.learnName(ws, who.AADObjectID, who.Name)
		return bot.User(who.AADObjectID)
	}
	key := tenantOf(ws) + "/" + who.ID // a Teams user id (29:…) is not a GUID: kept as written
	if aad, ok := a.members.Get(key, a.now()); ok && aad != "" {
		return bot.User(aad)
	}
	ctx, cancel := context.WithTimeout(ctx, lookupBudget)
	defer cancel()
	m, err := a.lookupMember(ctx, serviceURL, conv, who.ID)
	m.AADObjectID = canonical(m.AADObjectID)
	if err != nil || m.AADObjectID == "" {
		a.log.Warn("teams: cannot resolve a mentioned user", "workspace", ws, "user", who.ID, "err", err)
		return "<@?>"
	}
	a.members.Put(key, m.AADObjectID, a.now().Add(nameTTL))
	a.learnName(ws, m.AADObjectID, first(m.Name, who.Name))
	return bot.User(m.AADObjectID)
}

// first returns the first non-empty string.
func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// learnServiceURL records the service URL of a verified activity: it is
// trusted for the bearer token from now on, and kept as the workspace's
// for proactive posts, in memory and in Options.State when it changed.
func (a *Adapter) learnServiceURL(ctx context.Context, ws, serviceURL string) {
	a.conn.trust(serviceURL)
	a.urlMu.Lock()
	same := a.wsURL[ws] == serviceURL
	a.wsURL[ws] = serviceURL
	a.urlMu.Unlock()
	if same || a.opts.State == nil {
		return
	}
	if err := a.opts.State.PutAdapterState(ctx, ws, ServiceURLKey, serviceURL); err != nil {
		a.log.Warn("teams: could not keep the workspace's service URL; proactive posts after a restart wait for its next activity", "workspace", ws, "err", err)
		a.urlMu.Lock()
		delete(a.wsURL, ws) // try to keep it again next time
		a.urlMu.Unlock()
	}
}

// serviceURL is the workspace's service URL for a proactive post.
func (a *Adapter) serviceURL(ctx context.Context, ws string) (string, error) {
	a.urlMu.Lock()
	u := a.wsURL[ws]
	a.urlMu.Unlock()
	if u != "" {
		return u, nil
	}
	if a.opts.State != nil {
		got, err := a.opts.State.AdapterState(ctx, ws, ServiceURLKey)
		if err != nil {
			return "", fmt.Errorf("teams: read the service URL of %s: %w", ws, err)
		}
		if got != "" {
			// The store may hold what a dump said, and a dump is a file
			// anyone may edit: trust the URL only on a Bot Connector
			// host (serviceHosts).
			if !a.hosts.allow(got) {
				return "", fmt.Errorf("%w: the service URL kept for %s, %s, is not on a Bot Framework host; the workspace's next message to the bot replaces it", errUntrusted, ws, got)
			}
			a.conn.trust(got)
			a.urlMu.Lock()
			a.wsURL[ws] = got
			a.urlMu.Unlock()
			return got, nil
		}
	}
	return "", errNoServiceURL
}
