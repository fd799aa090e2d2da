package teams

import (
	"context"
	"errors"
	"io"
	"net/http"
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
	if a.opts.TenantID != "" && tenant != canonical(a.opts.TenantID) {
		a.reject(w, r, errors.New("teams: activity from a tenant other than TEAMS_TENANT_ID"))
		return
	}
	if tenant == "" {
		a.log.Warn("teams: activity names no tenant, ignored", "type", act.Type, "id", act.ID)
		w.WriteHeader(http.StatusOK)
		return
	}
	if res := a.activity(r.Context(), act); res != nil {
		writeInvokeResponse(w, res)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) reject(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Warn("teams: rejected activity", "err", err, "remote", r.RemoteAddr)
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

// activity handles one verified activity: a typed command or a card
// button press runs, as its sender, and the reply follows through the
// Connector; an Action.Execute is answered in the response too (the
// invoke response it returns). The bot added to a team greets it (see
// installed). Every activity teaches us the service URL and who is in
// which team.
func (a *Adapter) activity(ctx context.Context, act *activity) *invokeResponse {
	ws, fixed := a.workspaceOf(act)
	a.conn.trust(act.ServiceURL)
	a.learnName(tenantWorkspace(act.tenant()), act.From.AADObjectID, act.From.Name)
	if fixed {
		a.learnServiceURL(ctx, ws, act.ServiceURL)
		if team := act.ChannelData.Team.ID; team != "" && a.opts.Workspace == WorkspaceTeam {
			a.seeTeam(ctx, ws, team, act.ChannelData.Team.Name)
		}
	}
	switch {
	case act.Type == "conversationUpdate":
		a.membership(ctx, ws, fixed, act)
		a.installed(ctx, ws, fixed, act)
	case act.Type == "invoke" && act.Name == "adaptiveCard/action" && act.ChannelID == "msteams":
		return a.execute(ctx, ws, fixed, act)
	case act.Type == "message" && act.ChannelID == "msteams":
		a.message(ctx, ws, fixed, act)
	}
	return nil
}

// message runs the command a message or a card's submission carries,
// and reports the reply, with ran=false when the message carries none.
// ws is the activity's workspace when fixed says where it came from
// fixes it (a team's channel); otherwise (a 1:1 or group chat, team
// mode) the command runs in the user's current workspace, "" when they
// have none, and the request carries a Switcher. A card names the
// workspace it was made for, and runs there only for one of its
// members; otherwise it is refused and runs nowhere.
func (a *Adapter) message(ctx context.Context, ws string, fixed bool, act *activity) (reply bot.Reply, ran bool) {
	tenant := act.tenant()
	var text, verb, cardWS string
	var args map[string]string
	var ok bool
	if act.isSubmit() {
		text, verb, args, cardWS, ok = a.submitted(act)
	} else {
		text, ok = act.commandText(func(who account) string {
			return a.mentionedUser(ctx, tenantWorkspace(tenant), act.ServiceURL, act.rosterID(), who)
		})
	}
	if !ok {
		return bot.Reply{}, false // not for us: a channel message without our mention, another app's card, a form we have none of
	}
	user := act.From.AADObjectID
	if user == "" {
		a.log.Warn("teams: message from a sender without an AAD object id, ignored", "from", act.From.ID)
		return bot.Reply{}, false
	}
	req := bot.Request{
		Workspace: ws,
		Channel:   act.channel(),
		User:      user,
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
	reply, run := a.settle(ctx, &req, fixed, cardWS, act)
	if run {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.HandlerTimeout)
		reply = a.handle(hctx, req)
		cancel()
		if reply.Replayed {
			a.log.Info("teams: activity delivered again, not run twice", "id", act.ID)
			return reply, true
		}
	}
	a.goLater(ctx, func(ctx context.Context) {
		if err := a.reply(ctx, req.Workspace, act, reply); err != nil {
			a.log.Error("teams: reply failed", "workspace", req.Workspace, "conversation", act.Conversation.ID, "err", err)
		}
	})
	return reply, true
}

// settle decides where req runs: it sets req.Workspace (and
// req.Switcher in a chat outside a team), and records who uses the bot
// in which team. run=false means the request must not run, and reply
// says why.
func (a *Adapter) settle(ctx context.Context, req *bot.Request, fixed bool, cardWS string, act *activity) (reply bot.Reply, run bool) {
	tenant := act.tenant()
	if fixed {
		if cardWS != "" && cardWS != req.Workspace {
			// A card from elsewhere: its reply would show that
			// workspace's data here.
			return notMember(), false
		}
		a.seeUser(ctx, tenant, req.User, req.Workspace, true)
		return bot.Reply{}, true
	}
	rec, err := a.user(ctx, tenant, req.User)
	if err != nil {
		a.log.Warn("teams: cannot tell which workspace a chat runs in", "user", req.User, "err", err)
		r := bot.Say("This chat follows the team you last used the bot in, and that could not be read just now. Try again in a moment.", true)
		r.Code = bot.CodeUnavailable
		return r, false
	}
	req.Workspace = rec.Current
	req.Switcher = &switcher{a: a, tenant: tenant, user: req.User}
	if cardWS != "" && cardWS != req.Workspace {
		ok, err := a.member(ctx, tenant, req.User, cardWS, act.ServiceURL)
		if err != nil {
			a.log.Warn("teams: cannot check a card's workspace", "workspace", cardWS, "user", req.User, "err", err)
			r := bot.Say("Whether you are a member of the team this card belongs to could not be checked just now, so nothing was run. Try again in a moment.", true)
			r.Code = bot.CodeUnavailable
			return r, false
		}
		if !ok {
			a.log.Warn("teams: a card naming a workspace its presser is not a member of, refused", "workspace", cardWS, "user", req.User)
			return notMember(), false
		}
		req.Workspace = cardWS
	}
	if req.Workspace != "" {
		a.learnServiceURL(ctx, req.Workspace, act.ServiceURL)
	}
	return bot.Reply{}, true
}

// notMember is the refusal of a card that names a workspace its presser
// is not a member of.
func notMember() bot.Reply {
	r := bot.Say("This card belongs to a team you are not a member of, so nothing was run. Use the bot in your own team's channel.", true)
	r.Code = bot.CodeForbidden
	return r
}

// submitted reads a card button press as a request: a button's command as
// text, or a form's answers as the named arguments of the verb its
// command names, so a note is a note whatever it says; ws is the
// workspace the card names, "" for none. ok is false when
// the press is not one of our buttons', or is a form the Handler does not
// declare.
func (a *Adapter) submitted(act *activity) (text, verb string, args map[string]string, ws string, ok bool) {
	cmd, form, values, ok := act.submitted()
	ws, _ = values["workspace"].(string)
	if !ok || form == "" {
		return cmd, "", nil, ws, ok
	}
	if a.lang == nil {
		a.log.Warn("teams: a form submitted to a handler that declares no forms", "command", cmd)
		return "", "", nil, "", false
	}
	f, ok := a.lang.Form(cmd)
	if !ok {
		a.log.Warn("teams: a form submitted for a command with no form", "command", cmd)
		return "", "", nil, "", false
	}
	verb, args, ok = a.lang.FormArgs(cmd, formAnswers(f, form, values))
	return "", verb, args, ws, ok
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
	env := &renderEnv{ws: ws, names: a.userNames(ctx, tenantWorkspace(act.tenant()), act.ServiceURL, act.rosterID(), r), notify: notifySet(r), lang: a.lang}
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
