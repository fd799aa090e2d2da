package teams

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
)

// maxBody bounds an activity body. Typed messages and card submissions
// are a few kilobytes; Teams itself refuses messages over about 28 KB.
const maxBody = 256 << 10

// replayTTL is how long an activity id is remembered, so a redelivery
// within DESIGN's 5-minute window (and well past it) runs once.
const replayTTL = 10 * time.Minute

// serveMessages answers POST /teams/messages. The bearer token is checked
// before the body is read: a request that cannot be genuine costs us its
// headers only. Any failure of the token, its service URL or its tenant
// is 401, and nothing from the request is stored or run.
func (a *Adapter) serveMessages(w http.ResponseWriter, r *http.Request) {
	cl, err := a.auth.verify(r.Context(), r.Header)
	if err != nil {
		a.reject(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "activity too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the activity", http.StatusBadRequest)
		return
	}
	act, err := parseActivity(body)
	if err != nil {
		a.log.Warn("teams: malformed activity", "err", err)
		http.Error(w, "malformed activity", http.StatusBadRequest)
		return
	}
	// The token is Microsoft's word for where replies go; an activity that
	// names another service URL is not the one it was issued for.
	if act.ServiceURL != cl.ServiceURL {
		a.reject(w, r, errors.New("teams: the activity's serviceUrl is not the token's serviceurl claim"))
		return
	}
	tenant := act.tenant()
	if a.opts.TenantID != "" && !strings.EqualFold(tenant, strings.TrimSpace(a.opts.TenantID)) {
		a.reject(w, r, errors.New("teams: activity from a tenant other than TEAMS_TENANT_ID"))
		return
	}
	if tenant == "" {
		a.log.Warn("teams: activity names no tenant, ignored", "type", act.Type, "id", act.ID)
		w.WriteHeader(http.StatusOK)
		return
	}
	a.activity(r.Context(), "teams:"+tenant, act)
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) reject(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Warn("teams: rejected activity", "err", err, "remote", r.RemoteAddr)
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

// activity handles one verified activity: a typed command or a card
// button press runs, as its sender, and the reply follows through the
// Connector. Other activities (conversation updates, reactions) only
// teach us the service URL.
func (a *Adapter) activity(ctx context.Context, ws string, act *activity) {
	a.learnServiceURL(ctx, ws, act.ServiceURL)
	a.learnName(ws, act.From.AADObjectID, act.From.Name)
	if act.Type != "message" || act.ChannelID != "msteams" {
		return
	}
	var text, verb string
	var args map[string]string
	var ok bool
	if act.isSubmit() {
		text, verb, args, ok = a.submitted(act)
	} else {
		text, ok = act.commandText(func(who account) string {
			return a.mentionedUser(ctx, ws, act.ServiceURL, act.rosterID(), who)
		})
	}
	if !ok {
		return // not for us: a channel message without our mention, another app's card, a form we have none of
	}
	if act.From.AADObjectID == "" {
		a.log.Warn("teams: message from a sender without an AAD object id, ignored", "from", act.From.ID)
		return
	}
	req := bot.Request{
		Workspace: ws,
		Channel:   act.channel(),
		User:      act.From.AADObjectID,
		UserName:  act.From.Name,
		Text:      text,
		Verb:      verb,
		Args:      args,
		ID:        first(bot.RequestID(ctx), act.ID),
	}
	// Teams redelivers an activity it got no answer for. The command
	// layer claims the activity's id, across replicas and in the
	// command's own write when it has one (bot.Request.Once); one it
	// has run is refused there, and gets no second answer here. One
	// whose claim cannot be taken (the store is down) is not run either:
	// it may be a redelivery another replica ran.
	if act.ID != "" {
		req.Once, req.OnceFor = "activity:"+act.Conversation.ID+":"+act.ID, replayTTL
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.HandlerTimeout)
	reply := a.handle(hctx, req)
	cancel()
	if reply.Replayed {
		a.log.Info("teams: activity delivered again, not run twice", "id", act.ID)
		return
	}
	a.goLater(ctx, func(ctx context.Context) {
		if err := a.reply(ctx, ws, act, reply); err != nil {
			a.log.Error("teams: reply failed", "workspace", ws, "conversation", act.Conversation.ID, "err", err)
		}
	})
}

// submitted reads a card button press as a request: a button's command as
// text, or a form's answers as the named arguments of the verb its
// command names, so a note is a note whatever it says. ok is false when
// the press is not one of our buttons', or is a form the Handler does not
// declare.
func (a *Adapter) submitted(act *activity) (text, verb string, args map[string]string, ok bool) {
	cmd, form, values, ok := act.submitted()
	if !ok || form == "" {
		return cmd, "", nil, ok
	}
	if a.lang == nil {
		a.log.Warn("teams: a form submitted to a handler that declares no forms", "command", cmd)
		return "", "", nil, false
	}
	f, ok := a.lang.Form(cmd)
	if !ok {
		a.log.Warn("teams: a form submitted for a command with no form", "command", cmd)
		return "", "", nil, false
	}
	verb, args, ok = a.lang.FormArgs(cmd, formAnswers(f, form, values))
	return "", verb, args, ok
}

// handle calls the handler, turning a panic into an internal error reply:
// one bad command must not take the process down.
func (a *Adapter) handle(ctx context.Context, req bot.Request) bot.Reply {
	// The command's log line is the handler's (serve's instrumented
	// handler): one line per command, not one per layer.
	return bot.SafeHandle(ctx, a.log, "teams", a.opts.Handler, req)
}

// reply posts a reply in the thread of the activity that asked for it,
// one activity per card. Teams offers bots no ephemeral messages, so a
// private reply goes there too: in a 1:1 chat no one else sees it.
func (a *Adapter) reply(ctx context.Context, ws string, act *activity, r bot.Reply) error {
	conv := act.Conversation.ID
	env := &renderEnv{names: a.userNames(ctx, ws, act.ServiceURL, act.rosterID(), r), notify: notifySet(r), lang: a.lang}
	top, details := env.render(r)
	summary := summaryOf(env, r)
	for _, c := range append(top, details...) {
		out := a.outgoing(conv, c, summary)
		out.ReplyToID = act.ID
		// A reply may have posted when its answer is lost: not repeatable.
		if err := a.conn.do(ctx, "POST", act.ServiceURL, conversationPath(conv, act.ID), out, nil, false); err != nil {
			return err
		}
	}
	return nil
}
