package teams

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/targetbot/targetbot/bot"
)

// postKeyTTL is how long a posted Key is remembered. Schedulers retry
// within minutes; a day covers any retry of the same digest or reminder.
const postKeyTTL = 24 * time.Hour

// dmTTL is how long a 1:1 conversation id is reused. Teams returns the
// same conversation for the same bot and user, so this only saves calls.
const dmTTL = 24 * time.Hour

// errNoServiceURL is returned for a proactive post to a workspace whose
// service URL no verified activity has told us yet.
var errNoServiceURL = errors.New("teams: no service URL known for this workspace yet: it is learnt from the first message anyone there sends the bot")

// outActivity is an activity the bot sends.
type outActivity struct {
	Type         string         `json:"type"` // "message"
	From         account        `json:"from"`
	Conversation conversation   `json:"conversation"`
	ReplyToID    string         `json:"replyToId,omitempty"`
	Summary      string         `json:"summary,omitempty"`
	Attachments  []attachment   `json:"attachments"`
	ChannelData  map[string]any `json:"channelData,omitempty"`
}

type attachment struct {
	ContentType string       `json:"contentType"`
	Content     adaptiveCard `json:"content"`
}

// outgoing wraps a card in a message activity for conv.
func (a *Adapter) outgoing(conv string, c adaptiveCard, summary string) outActivity {
	return outActivity{
		Type:         "message",
		From:         account{ID: "28:" + a.opts.AppID},
		Conversation: conversation{ID: conv},
		Summary:      summary,
		Attachments:  []attachment{{ContentType: cardContentType, Content: c}},
	}
}

// notifySet is Reply.Notify as a set.
func notifySet(r bot.Reply) map[string]bool {
	m := map[string]bool{}
	for _, id := range r.Notify {
		m[id] = true
	}
	return m
}

// summaryOf is the text a notification shows for the reply: its first
// line, in plain text. It is a preview of the cards, which say it all.
func summaryOf(env *renderEnv, r bot.Reply) string {
	s := strings.TrimSpace(env.plainText(r.Summary()))
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}

// postState is how far a keyed message got: its conversation, the id of
// its first activity, and how many activities followed it. A retry
// resumes from there instead of posting anything twice.
type postState struct {
	conv  string
	root  string
	parts int
	done  bool
}

// resume sets st from the progress another process reported through
// Message.Reached, when it is one.
func (st *postState) resume(progress string) {
	f, ok := bot.SplitProgress(progress, 3)
	if !ok {
		return
	}
	parts, err := strconv.Atoi(f[2])
	if err != nil || f[0] == "" || parts < 0 || (parts > 0 && f[1] == "") {
		return
	}
	st.conv, st.root, st.parts = f[0], f[1], parts
}

// Post posts a message proactively: to a channel (a digest), or to a
// user in a 1:1 chat that it creates (a reminder). The first card starts
// the post; the rest, the details included, are replies in its thread.
// Posting a Key again after success does nothing; after a partial
// failure it posts only what is missing.
func (a *Adapter) Post(ctx context.Context, m bot.Message) error {
	if (m.Channel == "") == (m.User == "") {
		return fmt.Errorf("teams: post: exactly one of channel and user must be set (channel %q, user %q)", m.Channel, m.User)
	}
	if bot.PlatformOf(m.Workspace) != "teams" {
		return fmt.Errorf("teams: post: workspace %q is not a Teams workspace", m.Workspace)
	}
	serviceURL, err := a.serviceURL(ctx, m.Workspace)
	if err != nil {
		return fmt.Errorf("teams: post to %s: %w", m.Workspace, err)
	}
	var st postState
	if m.Key != "" {
		// Two concurrent Posts of one Key must not both see "not posted".
		unlock := a.keys.Lock(m.Key)
		defer unlock()
		if prev, ok := a.posted.Get(m.Key, a.now()); ok {
			if prev.done {
				a.log.Info("teams: post already delivered, skipping", "key", m.Key)
				return nil
			}
			st = prev
		}
		if st.conv == "" {
			st.resume(m.Resume) // another process got this far
		}
	}
	save := func() {
		if m.Key != "" {
			a.posted.Put(m.Key, st, a.now().Add(postKeyTTL))
		}
		if m.Reached != nil {
			m.Reached(bot.JoinProgress(st.conv, st.root, strconv.Itoa(st.parts)))
		}
	}
	if st.conv == "" {
		st.conv = m.Channel
		if st.conv == "" {
			if st.conv, err = a.dmConversation(ctx, m.Workspace, serviceURL, m.User); err != nil {
				return err
			}
		}
	}
	env := &renderEnv{ws: m.Workspace, names: a.userNames(ctx, m.Workspace, serviceURL, st.conv, m.Reply), notify: notifySet(m.Reply), lang: a.lang}
	top, details := env.render(m.Reply)
	cards := append(top, details...)
	summary := summaryOf(env, m.Reply)
	for i, c := range cards {
		if i == 0 && st.root != "" || i > 0 && i <= st.parts {
			continue
		}
		out := a.outgoing(st.conv, c, summary)
		var res struct {
			ID string `json:"id"`
		}
		// A post may have posted when its answer is lost, and the
		// Connector has no idempotency key: only a certain non-post (429,
		// refused connection) is retried.
		path := conversationPath(st.conv, "")
		if i > 0 {
			// In a channel, a reply joins the post's thread only when
			// it is sent to the thread's own conversation id; under
			// the bare channel id Teams shows it as a post of its own.
			conv := threadOf(st.conv, st.root, m.Channel != "")
			out = a.outgoing(conv, c, summary)
			out.ReplyToID = st.root
			path = conversationPath(conv, st.root)
		}
		if err := a.conn.do(ctx, "POST", serviceURL, path, out, &res, false); err != nil {
			return fmt.Errorf("teams: post part %d of %d to %s: %w", i+1, len(cards), st.conv, err)
		}
		if i == 0 {
			st.root = first(res.ID, "posted") // a missing id still means posted
		} else {
			st.parts = i
		}
		save()
	}
	st.done = true
	save()
	if m.User != "" {
		// A reminder makes its workspace the user's current one, so
		// that what they type back in the chat runs there.
		a.seeUser(ctx, tenantOf(m.Workspace), m.User, m.Workspace, true)
	}
	return nil
}

// threadOf is the conversation id of the thread under the post root of
// conv: in a channel, "<channel>;messageid=<root>", as Teams names the
// conversation of a message typed in a thread; a chat has no threads.
func threadOf(conv, root string, channel bool) string {
	if !channel || root == "" || root == "posted" {
		return conv
	}
	return conv + ";messageid=" + root
}

// dmConversation creates (or, since Teams returns the same one each
// time, finds) the 1:1 chat between the bot and a user.
func (a *Adapter) dmConversation(ctx context.Context, ws, serviceURL, user string) (string, error) {
	key := nameKey(ws, user)
	if id, ok := a.dms.Get(key, a.now()); ok {
		return id, nil
	}
	tenant := tenantOf(ws)
	body := map[string]any{
		"bot":         account{ID: "28:" + a.opts.AppID},
		"members":     []account{{ID: user, AADObjectID: user}},
		"isGroup":     false,
		"tenantId":    tenant,
		"channelData": map[string]any{"tenant": map[string]string{"id": tenant}},
	}
	var res struct {
		ID string `json:"id"`
	}
	// Creating a 1:1 chat twice yields the same chat: safe to repeat.
	if err := a.conn.do(ctx, "POST", serviceURL, "/v3/conversations", body, &res, true); err != nil {
		return "", fmt.Errorf("teams: open a 1:1 chat with %s: %w", user, err)
	}
	if res.ID == "" {
		return "", fmt.Errorf("teams: open a 1:1 chat with %s: no conversation id in the answer", user)
	}
	a.dms.Put(key, res.ID, a.now().Add(dmTTL))
	return res.ID, nil
}
