package commands

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Store is what commands read and change: the roles of store.Store
// but moving whole workspaces, which is for the command line. A
// store.Store opened by cmd, behind store.Checked, is one.
type Store interface {
	store.Settings
	store.Targets
	store.Records
	store.Schedules
	store.Claimer
	store.Entries
}

// Options configures a Handler.
type Options struct {
	Store Store
	// Frameworks is every framework offered, built-in then custom, looked
	// up by ID.
	Frameworks []*framework.Framework
	// Admins are extra admins as "platform:user", for example
	// "slack:U123", "discord:456" or "local:bob".
	Admins []string
	// Location is the default time zone for workspaces with none set;
	// nil means UTC.
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Timeout bounds one command's work against the store, so a hung
	// backend gets the user a "try again" within it; 0 means 5 seconds.
	Timeout time.Duration
	// PostDigest posts the digest for a channel, as a scheduled digest
	// would, and marks the channel digested. `digest now` uses it. nil
	// means digests are unavailable, and the verb says so.
	PostDigest func(ctx context.Context, ws, channel string) error
	// ReportLink signs a link to the full report that l grants and
	// returns its URL. nil means the deployment serves no report links
	// (it has no public URL or no link secret), and `report` says how
	// to enable them.
	ReportLink func(l report.Link) (string, error)
	// InlineReports makes `report` answer with the whole report, in
	// Markdown, instead of a summary and a link: for the console, which
	// has no web server to link to.
	InlineReports bool
	// Version is the running targetbot's version, which reports name as
	// what made them.
	Version string
}

// Handler runs commands. It is safe for concurrent use.
type Handler struct {
	store      Store
	frameworks []*framework.Framework
	admins     map[string]bool
	loc        *time.Location
	now        func() time.Time
	log        *slog.Logger
	timeout    time.Duration
	postDigest func(ctx context.Context, ws, channel string) error
	reportLink func(report.Link) (string, error)
	inline     bool
	version    string
}

var (
	_ bot.Handler   = (*Handler)(nil)
	_ bot.Completer = (*Handler)(nil)
)

// New returns a Handler for opts.
func New(opts Options) *Handler {
	h := &Handler{
		store:      opts.Store,
		frameworks: opts.Frameworks,
		admins:     map[string]bool{},
		loc:        opts.Location,
		now:        opts.Now,
		log:        opts.Logger,
		timeout:    opts.Timeout,
		postDigest: opts.PostDigest,
		reportLink: opts.ReportLink,
		inline:     opts.InlineReports,
		version:    opts.Version,
	}
	for _, a := range opts.Admins {
		if a = strings.TrimSpace(a); a != "" {
			h.admins[a] = true
		}
	}
	if h.loc == nil {
		h.loc = time.UTC
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.timeout <= 0 {
		h.timeout = 5 * time.Second
	}
	if h.version == "" {
		h.version = "dev"
	}
	return h
}

// call is one request in flight: the request, the verb it runs, its
// arguments and the time it runs at. The arguments are either the words
// of a text request (args) or the named arguments of a structured one
// (named, nil for text); call.arg reads either.
type call struct {
	req   bot.Request
	verb  string
	v     *VerbInfo
	args  args
	named map[string]string
	now   time.Time
	// claimed is set once the request's once key has been claimed (or
	// its claim tried), by claimOnce or inside an update's write.
	claimed bool
}

// Handle runs one request and returns the reply. It never panics on user
// input, and every failure comes back as an ephemeral Reply with Code set.
//
// A request with Verb set runs that verb with its named Args, checked
// against the verb's declared arguments; its Text is not read. Otherwise
// Text is parsed as `<verb> <args>`.
func (h *Handler) Handle(ctx context.Context, r bot.Request) bot.Reply {
	r = withoutControls(r)
	verb, rest := strings.ToLower(strings.TrimSpace(r.Verb)), ""
	if r.Verb == "" {
		verb, rest = splitVerb(r.Text)
	}
	if verb == "" {
		verb = "help"
	}
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	v := lookup(verb)
	c := &call{req: r, verb: verb, v: v, now: h.now()}
	if v == nil {
		msg := "unknown command " + code(short(verb, 40)) + ": try `/target help`"
		if s := suggestVerb(verb); s != "" {
			msg = "unknown command " + code(short(verb, 40)) + ": did you mean `/target " + s + "`? See `/target help`"
		}
		reply := ephemeral(msg)
		reply.Code = framework.EINVALID
		return h.settleOnce(ctx, c, reply)
	}
	if r.Verb != "" {
		named, err := v.checkNamed(r.Args)
		if err != nil {
			return h.settleOnce(ctx, c, h.errorReply(c, err))
		}
		c.named = named
	} else {
		c.args = tokenize(rest)
	}
	if r.Once != "" && !v.ClaimsOnce {
		if err := h.claimOnce(ctx, c); err != nil {
			return h.errorReply(c, err)
		}
	}
	reply, err := v.run(h, ctx, c)
	if err != nil {
		return h.settleOnce(ctx, c, h.errorReply(c, err))
	}
	reply.Command = verb
	return reply
}

// settleOnce takes the request's once key for a request refused before
// anything claimed it (an unknown verb, an argument that does not parse):
// a first delivery keeps its refusal, and a redelivery is answered as a
// replay, so an adapter that stays silent on replays (Teams) does not
// post the same error twice. It costs a round trip on those error paths
// only.
func (h *Handler) settleOnce(ctx context.Context, c *call, reply bot.Reply) bot.Reply {
	if c.req.Once == "" || c.claimed || reply.Code == "" {
		return reply
	}
	if err := h.claimOnce(ctx, c); errors.Is(err, framework.ErrReplayed) {
		return h.errorReply(c, err)
	}
	return reply
}

// once is the store claim that the request's once key asks for, or the
// zero Once.
func (c *call) once() store.Once {
	if c.req.Once == "" {
		return store.Once{}
	}
	return store.Once{Key: "once:" + c.req.Once, TTL: c.req.OnceFor}
}

// claimOnce takes the request's once key, before the verb runs: a
// request seen before is refused with ErrReplayed, and one that cannot
// be checked (the store is down) is not run either. Requests are parsed
// before this, so a malformed one costs no round trip before its answer;
// settleOnce claims it after, so a redelivery is told it is one.
func (h *Handler) claimOnce(ctx context.Context, c *call) error {
	c.claimed = true
	o := c.once()
	won, err := h.store.Claim(ctx, c.req.Workspace, o.Key, o.TTL)
	if framework.ErrorCode(err) == framework.EUNAVAILABLE {
		// Even if the claim's outcome is unknown, nothing was run.
		return framework.Unavailable("claim request "+c.req.Once, err)
	}
	if err != nil {
		return err
	}
	if !won {
		return framework.ErrReplayed.About(c.req.Once)
	}
	return nil
}

// errorReply turns err into the ephemeral reply the user sees. Internal
// errors are logged in full and shown only as "internal error". A store
// error that reached here unworded is worded by explain, so the store's
// own message is never shown.
func (h *Handler) errorReply(c *call, err error) bot.Reply {
	err = explain(err)
	code := framework.ErrorCode(err)
	msg := framework.ErrorMessage(err)
	switch code {
	case framework.EINTERNAL:
		h.log.Error("command failed", "verb", c.verb, "workspace", c.req.Workspace, "user", c.req.User, "request", c.req.ID, "err", err)
		msg = "internal error"
	case framework.EUNAVAILABLE:
		switch {
		case errors.Is(err, framework.ErrOutcomeUnknown) && c.v != nil && c.v.Query:
			// A read changes nothing: there is nothing to check.
			msg = framework.ErrorMessage(explain(framework.ErrUnavailable.About("")))
			fallthrough
		case errors.Is(err, framework.ErrUnavailable), errors.Is(err, framework.ErrOutcomeUnknown):
			h.log.Warn("store unavailable", "verb", c.verb, "workspace", c.req.Workspace, "request", c.req.ID, "err", err)
		}
	}
	r := ephemeral(msg)
	r.Code, r.Field, r.Command = code, framework.ErrorField(err), c.verb
	r.Replayed = errors.Is(err, framework.ErrReplayed)
	return r
}

// digestNowTimeout bounds `digest now`'s posting of a digest and its details.
const digestNowTimeout = 2 * time.Minute

// errNoDigests is the answer to `digest now` when the deployment has no
// digest builder. It is the one EUNAVAILABLE that is not about storage.
var errNoDigests = framework.Errorf(framework.EUNAVAILABLE, "digests are not available in this deployment: ask whoever runs targetbot to enable them")

// isAdmin reports whether the requester administers the workspace: the
// platform says so, or Options.Admins names them.
func (h *Handler) isAdmin(r bot.Request) bool {
	return r.PlatformAdmin || h.admins[bot.PlatformOf(r.Workspace)+":"+r.User]
}

// requireAdmin returns EFORBIDDEN unless the requester is an admin.
func (h *Handler) requireAdmin(c *call, what string) error {
	if h.isAdmin(c.req) {
		return nil
	}
	return framework.Errorf(framework.EFORBIDDEN, "only an admin can %s: ask a workspace admin", what)
}

// requireOwnerOrAdmin returns EFORBIDDEN unless the requester is an admin
// or owns t.
func (h *Handler) requireOwnerOrAdmin(c *call, t *framework.Target, what string) error {
	if h.isAdmin(c.req) || (t.Owner != "" && t.Owner == c.req.User) {
		return nil
	}
	return framework.Errorf(framework.EFORBIDDEN, "only an admin or the target's owner can %s %s", what, t.Ref())
}

// workspace loads the request's workspace settings.
func (h *Handler) workspace(ctx context.Context, c *call) (framework.Workspace, error) {
	w, err := h.store.Workspace(ctx, c.req.Workspace)
	if err != nil {
		return w, storeErr("load workspace", err)
	}
	return w, nil
}

// framework returns the offered framework with the given id, ignoring case.
func (h *Handler) framework(id string) *framework.Framework {
	for _, f := range h.frameworks {
		if strings.EqualFold(f.ID, id) {
			return f
		}
	}
	return nil
}
