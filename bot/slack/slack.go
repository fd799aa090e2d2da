// Package slack is the Slack adapter: it verifies and parses slash
// commands, interactivity payloads and Events API callbacks (over HTTP or
// Socket Mode), turns them into bot.Requests for a bot.Handler, and
// renders bot.Replies as Block Kit. It holds no business rules: it reports
// the platform fact that a user is a workspace admin or owner, and the
// command layer decides what that allows.
package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/internal/keylock"
	"github.com/targetbot/targetbot/bot/internal/linkstate"
	"github.com/targetbot/targetbot/bot/internal/once"
	"github.com/targetbot/targetbot/bot/internal/ttlcache"
	"github.com/targetbot/targetbot/bot/internal/wait"
)

var _ bot.Poster = (*Adapter)(nil)

// Options configures an Adapter.
type Options struct {
	// SigningSecret enables the HTTP routes; requests are verified with it.
	SigningSecret string
	// BotToken (xoxb-) is used for Web API calls: users.info,
	// chat.postMessage, views.open and views.publish, conversations.open.
	BotToken string
	// AppToken (xapp-) enables Socket Mode.
	AppToken string
	// APIURL is the Web API base URL; "" means slack-go's default. Tests
	// point it at a fake server.
	APIURL string
	// Handler runs commands. If it also implements bot.Language, form
	// buttons open the forms it declares.
	Handler bot.Handler
	Logger  *slog.Logger
	Now     func() time.Time
	// HTTPClient is used for the Web API and for response_url follow-ups.
	HTTPClient *http.Client
	// Claim, when set, takes a key atomically across every replica for
	// ttl, returning true for exactly one caller: store.Store.Claim. With
	// it, a Socket Mode envelope or an event that Slack redelivers to
	// another replica still runs once. Without it, redeliveries are
	// recognised only by the process that saw the first delivery. (A
	// signed request's replay key is the command layer's to claim:
	// bot.Request.Once.)
	Claim func(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// AdminCacheTTL is how long a users.info answer (admin flag and
	// display name) is trusted; default 5m.
	AdminCacheTTL time.Duration
	// FollowUpAfter is how long a command may run before Slack gets an
	// interim "Working on it…" and the reply follows via response_url;
	// default 2s, which keeps us inside Slack's 3s deadline.
	FollowUpAfter time.Duration
	// PostInterval paces posts to one channel; default 1s, Slack's
	// documented rate for chat.postMessage per channel.
	PostInterval time.Duration
	// HandlerTimeout bounds one command's work, follow-up included;
	// default 1m. Slack's response_url stays valid for 30 minutes.
	HandlerTimeout time.Duration
}

// webAPI lists the Slack Web API calls the adapter makes, so the SDK's
// wide surface stays out of the rest of the package. *slack.Client
// implements it.
type webAPI interface {
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
}

var _ webAPI = (*slack.Client)(nil)

// Adapter connects Slack to a bot.Handler. It is safe for concurrent use.
type Adapter struct {
	opts   Options
	log    *slog.Logger
	client *slack.Client
	api    webAPI
	lang   bot.Language // the Handler's, nil when it declares none

	users    *ttlcache.Cache[userFacts] // (team,user) -> users.info's answer
	seen     *once.Keys                 // Socket Mode envelope ids and event ids
	posted   *ttlcache.Cache[postState]
	keys     keylock.Locks // one Post per Key at a time
	pacer    pacer
	inflight sync.WaitGroup // follow-ups still running after a response
	workers  *workers       // run commands, so their goroutines' stacks are reused
	timers   bot.TimerPool  // runTimed's, reused: every command starts one
	// runTimed's channels, reused, for slash commands and for forms.
	msgDones   donePool[[]message]
	replyDones donePool[bot.Reply]
	macs       sync.Pool       // *macState: HMAC-SHA256s keyed with the signing secret
	socket     linkstate.State // the Socket Mode connection, for Health
}

// New returns an Adapter. Handler is required; BotToken is required when
// AppToken is set, since Socket Mode replies still go through the Web API.
func New(opts Options) (*Adapter, error) {
	if opts.Handler == nil {
		return nil, errors.New("slack: Options.Handler is required")
	}
	if opts.BotToken != "" && !strings.HasPrefix(opts.BotToken, "xoxb-") {
		return nil, errors.New("slack: bot token must start with xoxb-: set SLACK_BOT_TOKEN to the Bot User OAuth Token")
	}
	if opts.AppToken != "" {
		if !strings.HasPrefix(opts.AppToken, "xapp-") {
			return nil, errors.New("slack: app token must start with xapp-: set SLACK_APP_TOKEN to an app-level token with connections:write")
		}
		if opts.BotToken == "" {
			return nil, errors.New("slack: Socket Mode needs a bot token too: set SLACK_BOT_TOKEN")
		}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	lang, _ := opts.Handler.(bot.Language)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.AdminCacheTTL <= 0 {
		opts.AdminCacheTTL = 5 * time.Minute
	}
	if opts.FollowUpAfter <= 0 {
		opts.FollowUpAfter = 2 * time.Second
	}
	if opts.PostInterval <= 0 {
		opts.PostInterval = time.Second
	}
	if opts.HandlerTimeout <= 0 {
		opts.HandlerTimeout = time.Minute
	}
	copts := []slack.Option{slack.OptionHTTPClient(opts.HTTPClient)}
	if opts.APIURL != "" {
		u := opts.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		copts = append(copts, slack.OptionAPIURL(u))
	}
	if opts.AppToken != "" {
		copts = append(copts, slack.OptionAppLevelToken(opts.AppToken))
	}
	client := slack.New(opts.BotToken, copts...)
	a := &Adapter{
		opts:   opts,
		log:    opts.Logger,
		client: client,
		api:    client,
		lang:   lang,
		users:  ttlcache.New[userFacts](10000),
		seen:   once.New(opts.Claim, opts.Now),
		posted: ttlcache.New[postState](10000),
		pacer:  pacer{next: map[string]time.Time{}},
		// As many workers as serve handles requests at once; idle ones
		// exit after a minute.
		workers: newWorkers(256, time.Minute),
	}
	secret := []byte(opts.SigningSecret)
	a.macs.New = func() any { return &macState{mac: hmac.New(sha256.New, secret)} }
	return a, nil
}

// Routes registers POST /slack/commands, /slack/interactions and
// /slack/events on mux when a signing secret is set.
func (a *Adapter) Routes(mux *http.ServeMux) {
	if a.opts.SigningSecret == "" {
		return
	}
	mux.HandleFunc("POST /slack/commands", a.serveCommand)
	mux.HandleFunc("POST /slack/interactions", a.serveInteraction)
	mux.HandleFunc("POST /slack/events", a.serveEvent)
}

// Drain waits for follow-ups that outlived their HTTP response or Socket
// Mode ack, so a graceful shutdown does not drop replies.
func (a *Adapter) Drain(ctx context.Context) error {
	if err := wait.For(ctx, &a.inflight); err != nil {
		return fmt.Errorf("slack: drain follow-ups: %w", err)
	}
	return nil
}

// goLater runs f after the current response, detached from the request's
// cancellation but bounded by HandlerTimeout, and tracked for Drain.
func (a *Adapter) goLater(ctx context.Context, f func(ctx context.Context)) {
	a.inflight.Add(1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.HandlerTimeout)
	go func() {
		defer a.inflight.Done()
		defer cancel()
		f(ctx)
	}()
}

// first reports whether a Socket Mode envelope or event is delivered for
// the first time. If the shared claim fails it answers true: running a
// redelivery twice is better than dropping a command.
func (a *Adapter) first(ctx context.Context, key string, ttl time.Duration) bool {
	ok, err := a.seen.First(ctx, key, ttl)
	if err != nil {
		a.log.Warn("slack: shared dedup claim failed, running the delivery", "key", key, "err", err)
		return true
	}
	return ok
}

// request builds a bot.Request for a user acting in a team and channel.
func (a *Adapter) request(ctx context.Context, team, channel, user, name, text string) bot.Request {
	// One users.info answer, cached, gives both the admin flag and the
	// display name people know the user by; the payload's user_name, a
	// handle, stands in when there is none.
	f := a.user(ctx, team, user)
	if f.name != "" {
		name = f.name
	}
	return bot.Request{
		Workspace:     "slack:" + team,
		Channel:       channel,
		User:          user,
		UserName:      name,
		PlatformAdmin: f.admin,
		Text:          strings.TrimSpace(text),
	}
}
