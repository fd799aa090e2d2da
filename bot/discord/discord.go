// Package discord is the Discord adapter: the HTTP interactions endpoint,
// the Gateway, /target registration, embeds and components. It turns
// interactions into bot.Requests and renders bot.Replies; every business
// rule, permissions included, lives in the command layer.
//
// Choices where Discord leaves room:
//   - /target has one subcommand per verb, with typed options; the adapter
//     rebuilds the text the command layer parses ("update eds/1.1 40%
//     on-track -- note"), so both share one grammar.
//   - A handler slower than Options.DeferAfter gets a deferred answer,
//     ephemeral for query verbs and public otherwise; a reply of the other
//     kind is sent as a new follow-up and the placeholder deleted.
//   - Buttons carry "cmd:<command>" or "form:<command>". In a DM, where a
//     click names no server, they carry it: "cmd@<guild>:<command>".
//   - A message may notify exactly the users its reply's Notify lists
//     (allowed_mentions with parse empty): a digest names people without
//     pinging them, a reminder DM pings its owner, and nothing anyone
//     types pings @everyone, @here or a role.
//   - Replies are rendered from the declared markup into Discord
//     markdown, user text inert (see markdown.go), and split, never cut:
//     long text continues in more embeds and messages (see render.go);
//     a digest's details follow its top message as further messages;
//     an interaction's further messages are follow-ups.
//   - Commands in DMs are refused: the workspace is the server.
//   - An interaction is run once: its id is its replay key, which the
//     command layer claims (see replay.go); seen again on any replica
//     within the signature window, it gets an ephemeral "already handled"
//     (type 4, flags 64) and runs nothing.
//   - A button or form in a DM acts only for someone still a member of
//     the server it names. Discord is asked again 10 s after a "yes",
//     and MemberCacheTTL after a "no" (see member.go).
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/internal/linkstate"
	"github.com/targetbot/targetbot/bot/internal/ttlcache"
	"github.com/targetbot/targetbot/bot/internal/wait"
)

// Options configures an Adapter.
type Options struct {
	// PublicKey is the application's hex Ed25519 public key. It enables
	// the HTTP interactions endpoint.
	PublicKey string
	// BotToken authorises REST calls (posting, registration). With no
	// PublicKey, RunGateway receives interactions over the Gateway.
	BotToken string
	// AppID is the application id, for registration and follow-ups.
	AppID string
	// APIURL replaces Discord's REST base URL ("https://discord.com/api/v9/")
	// for fake servers and proxies; "" keeps Discord's.
	APIURL string
	// Handler runs commands. If it also implements bot.Completer, target
	// options autocomplete; bot.Language declares the commands Register
	// registers, and the forms buttons open.
	Handler bot.Handler
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock for signature windows; nil means time.Now.
	Now func() time.Time
	// HTTPClient makes REST calls; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// DeferAfter is how long an interaction waits for the handler before
	// it is acknowledged with a deferred response (type 5) and answered by
	// a follow-up. Discord allows 3 s; the default is 2 s.
	DeferAfter time.Duration
	// MemberCacheTTL is how long a "no" to "is this user still a
	// member of that server?" is trusted, for buttons pressed in DMs;
	// default 5m. A "yes" is trusted for 10 s at most (memberYesTTL).
	MemberCacheTTL time.Duration
	// GatewayRetry is the first wait before the Gateway is opened again
	// after it failed to open; each further failure doubles it, up to
	// maxGatewayRetry. Default 1s.
	GatewayRetry time.Duration
}

// Adapter connects one Discord application to a bot.Handler.
type Adapter struct {
	publicKey  ed25519.PublicKey
	token      string
	appID      string
	handler    bot.Handler
	completer  bot.Completer
	lang       bot.Language // nil when the Handler declares none
	log        *slog.Logger
	now        func() time.Time
	deferAfter time.Duration
	rest       *rest
	session    *discordgo.Session // REST through the rewriting client, and the Gateway

	members   *ttlcache.Cache[bool] // guild/user -> still a member
	memberTTL time.Duration

	gateway      linkstate.State // the Gateway connection, for Health
	gatewayRetry time.Duration

	// background tracks deferred follow-ups that outlive their request.
	background sync.WaitGroup
	dmChannels sync.Map // user id -> DM channel id
}

var _ bot.Poster = (*Adapter)(nil)

// followupTimeout bounds a deferred handler and its follow-up; Discord
// keeps an interaction token valid for 15 minutes.
const followupTimeout = 14 * time.Minute

// New checks opts and returns an Adapter. It does not connect anywhere.
func New(opts Options) (*Adapter, error) {
	if opts.Handler == nil {
		return nil, errors.New("discord: Options.Handler is required")
	}
	if opts.PublicKey == "" && opts.BotToken == "" {
		return nil, errors.New("discord: set a public key (HTTP interactions) or a bot token (Gateway)")
	}
	a := &Adapter{
		token:      opts.BotToken,
		appID:      opts.AppID,
		handler:    opts.Handler,
		log:        opts.Logger,
		now:        opts.Now,
		deferAfter: opts.DeferAfter,
		members:    ttlcache.New[bool](10000),
		memberTTL:  opts.MemberCacheTTL,
	}
	if a.memberTTL <= 0 {
		a.memberTTL = 5 * time.Minute
	}
	a.gatewayRetry = opts.GatewayRetry
	if a.gatewayRetry <= 0 {
		a.gatewayRetry = time.Second
	}
	if opts.PublicKey != "" {
		key, err := hex.DecodeString(strings.TrimSpace(opts.PublicKey))
		if err != nil || len(key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("discord: public key must be %d hex characters (the application's PUBLIC KEY in the Developer Portal), got %d characters", 2*ed25519.PublicKeySize, len(opts.PublicKey))
		}
		a.publicKey = key
	}
	a.completer, _ = opts.Handler.(bot.Completer)
	a.lang, _ = opts.Handler.(bot.Language)
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.deferAfter <= 0 {
		a.deferAfter = 2 * time.Second
	}
	client, err := restClient(opts.HTTPClient, opts.APIURL)
	if err != nil {
		return nil, err
	}
	a.rest = &rest{client: client, base: discordgo.EndpointAPI, token: opts.BotToken, log: a.log}

	// discordgo.New only builds the session; it connects in RunGateway.
	// Its Endpoint* variables are fixed, so its client carries the
	// rewriting transport instead.
	s, err := discordgo.New("Bot " + opts.BotToken)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	s.Client = client
	// An interaction must be answered within 3 s: never sleep on a 429.
	s.ShouldRetryOnRateLimit = false
	s.ShouldReconnectOnError = true
	s.Identify.Intents = discordgo.IntentsGuilds
	a.session = s
	return a, nil
}

// Routes registers POST /discord/interactions on mux when the adapter has
// a public key.
func (a *Adapter) Routes(mux *http.ServeMux) {
	if a.publicKey == nil {
		return
	}
	mux.Handle("POST /discord/interactions", http.HandlerFunc(a.serveInteraction))
}

// Drain waits for deferred follow-ups still in flight, so a graceful
// shutdown does not drop them, but not past ctx's deadline.
func (a *Adapter) Drain(ctx context.Context) error {
	if err := wait.For(ctx, &a.background); err != nil {
		return fmt.Errorf("discord: drain follow-ups: %w", err)
	}
	return nil
}

// detach gives background work a context that survives the request that
// started it but still ends.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), followupTimeout)
}
