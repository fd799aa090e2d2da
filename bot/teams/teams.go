// Package teams is the Microsoft Teams adapter: it verifies the Bot
// Framework's signed activities on POST /teams/messages, turns messages
// and card button presses into bot.Requests for a bot.Handler, renders
// bot.Replies as Adaptive Cards, and posts them, replies and proactive
// digests and reminders alike, through the Bot Connector. It holds no
// business rules: Teams gives no admin flag, so admins come from the
// store (the installer of the bot in a team is the first) and
// TARGETBOT_ADMINS, and the command layer decides what anyone may do.
//
// A workspace is a team, "teams:<tenant>/<team>" (or, in tenant mode,
// the whole tenant, "teams:<tenant>"), with every GUID in lower case. A
// 1:1 or group chat runs in the user's current workspace (see
// WorkspaceMode); the adapter keeps who was seen in which team in
// adapter state.
//
// Choices where Teams leaves room (the README repeats them for users):
//   - Teams has no ephemeral messages for bots, so every reply, the
//     private kind included, is posted in the thread of the message that
//     asked for it. In a 1:1 chat that is private anyway.
//   - A channel's id, as the command layer sees it, is the conversation id
//     without its ";messageid=…" thread suffix, so "digest here" subscribes
//     the channel, not one thread of it.
//   - Struck text has no Adaptive Card markdown: it is shown between "~~"
//     markers, and the words around it ("(withdrawn)") carry the meaning.
//   - A reply longer than one activity (about 28 KB) is split into several
//     cards in order; nothing is cut.
package teams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/internal/keylock"
	"github.com/targetbot/targetbot/bot/internal/ttlcache"
	"github.com/targetbot/targetbot/bot/internal/wait"
)

// Defaults for Options, as Microsoft publishes them.
const (
	DefaultOpenIDURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
	DefaultTokenURL  = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
	// ConnectorScope is the client-credentials scope of Bot Connector tokens.
	ConnectorScope = "https://api.botframework.com/.default"
	// Issuer is the only issuer of the tokens Teams activities carry.
	Issuer = "https://api.botframework.com"
)

// ServiceURLKey is the adapter-state key (bot.StateStore) a workspace's
// Bot Connector service URL is kept under.
const ServiceURLKey = "teams:serviceurl"

// Options configures an Adapter.
type Options struct {
	// AppID is the bot's Microsoft app id: the audience inbound tokens
	// must name, and the client id of outbound ones. Required.
	AppID string
	// AppPassword is the app's client secret, for Bot Connector tokens.
	AppPassword string
	// TenantID, when set, accepts activities from that tenant only.
	TenantID string
	// Workspace says what a workspace is: WorkspaceTeam (each team, the
	// default when "") or WorkspaceTenant (the whole tenant).
	Workspace WorkspaceMode
	// OpenIDURL is the Bot Framework's OpenID metadata; "" means
	// DefaultOpenIDURL. Its jwks_uri names the signing keys.
	OpenIDURL string
	// TokenURL is the client-credentials token endpoint; "" means
	// DefaultTokenURL.
	TokenURL string
	// Handler runs commands. If it also implements bot.Language, form
	// buttons open the forms it declares, and their answers reach it as
	// named arguments.
	Handler bot.Handler
	Logger  *slog.Logger
	// Now is the clock for token validity and caches; nil means time.Now.
	Now func() time.Time
	// HTTPClient makes every outbound call: metadata, keys, tokens and the
	// Bot Connector. nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// State, when set, keeps each workspace's service URL across
	// restarts and replicas, so proactive posts (digests, reminders)
	// reach a tenant after a restart, or from `run-schedules`, before
	// any activity has arrived. Without it, a proactive post to a
	// workspace waits until this process has seen a verified activity
	// from it. A URL read from it is used only on a trusted host (see
	// ServiceHosts).
	State bot.StateStore
	// ServiceHosts are where a service URL read from State may point
	// for the bot's token to be sent there: a host name
	// ("smba.trafficmanager.net"), every subdomain of one
	// ("*.botframework.com"), both over https on its default port, or
	// an exact origin ("http://127.0.0.1:8080", for tests). nil means
	// DefaultServiceHosts. The origin of TokenURL is trusted as well.
	// URLs from verified activities are trusted wherever they point.
	ServiceHosts []string
	// HandlerTimeout bounds one command's work and the delivery of its
	// reply; default 1m.
	HandlerTimeout time.Duration

	// keyRefreshEvery rate-limits fetching the keys again for an unknown
	// key id; default 5m. Tests shorten it.
	keyRefreshEvery time.Duration
}

// Adapter connects Microsoft Teams to a bot.Handler. It is safe for
// concurrent use.
type Adapter struct {
	opts Options
	log  *slog.Logger
	now  func() time.Time
	lang bot.Language // the Handler's, nil when it declares none

	auth  *verifier
	conn  *connector
	hosts serviceHosts // where a service URL from State may point

	posted  *ttlcache.Cache[postState] // Message.Key -> how far its post got
	keys    keylock.Locks              // one Post per Key at a time
	names   *ttlcache.Cache[string]    // tenant/aad id -> display name ("" = unknown)
	members *ttlcache.Cache[string]    // tenant/Teams user id -> aad object id
	dms     *ttlcache.Cache[string]    // tenant/aad id -> 1:1 conversation id

	users     *ttlcache.Cache[userRecord] // tenant/aad id -> their teams (users.go)
	teams     *ttlcache.Cache[teamInfo]   // team workspace -> its Teams id and name
	userLocks keylock.Locks               // one change of a user's record at a time

	urlMu sync.Mutex
	wsURL map[string]string // workspace -> its latest verified service URL

	inflight sync.WaitGroup // replies still being delivered
}

var _ bot.Poster = (*Adapter)(nil)

// New checks opts and returns an Adapter. It makes no network calls: the
// signing keys are fetched on the first activity.
func New(opts Options) (*Adapter, error) {
	if opts.Handler == nil {
		return nil, errors.New("teams: Options.Handler is required")
	}
	opts.AppID = strings.TrimSpace(opts.AppID)
	if opts.AppID == "" {
		return nil, errors.New("teams: an app id is required: set TEAMS_APP_ID to the Microsoft App ID of your Azure Bot")
	}
	if opts.AppPassword == "" {
		return nil, errors.New("teams: an app password is required: set TEAMS_APP_PASSWORD to a client secret of your Azure Bot's app registration")
	}
	mode, err := ParseWorkspaceMode(string(opts.Workspace))
	if err != nil {
		return nil, err
	}
	opts.Workspace = mode
	if opts.OpenIDURL == "" {
		opts.OpenIDURL = DefaultOpenIDURL
	}
	if opts.TokenURL == "" {
		opts.TokenURL = DefaultTokenURL
	}
	for name, u := range map[string]string{"TEAMS_OPENID_URL": opts.OpenIDURL, "TEAMS_TOKEN_URL": opts.TokenURL} {
		if !httpURL(u) {
			return nil, fmt.Errorf("teams: %s %q must be an absolute http(s) URL", name, u)
		}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.HandlerTimeout <= 0 {
		opts.HandlerTimeout = time.Minute
	}
	if opts.keyRefreshEvery <= 0 {
		opts.keyRefreshEvery = 5 * time.Minute
	}
	a := &Adapter{
		opts:    opts,
		log:     opts.Logger,
		now:     opts.Now,
		posted:  ttlcache.New[postState](10000),
		names:   ttlcache.New[string](10000),
		members: ttlcache.New[string](10000),
		dms:     ttlcache.New[string](10000),
		users:   ttlcache.New[userRecord](10000),
		teams:   ttlcache.New[teamInfo](1000),
		wsURL:   map[string]string{},
	}
	a.lang, _ = opts.Handler.(bot.Language)
	a.auth = newVerifier(opts, a.log)
	a.conn = newConnector(opts, a.log)
	a.hosts = newServiceHosts(opts)
	return a, nil
}

// Routes registers POST /teams/messages, the messaging endpoint that the
// Azure Bot's configuration names.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /teams/messages", a.serveMessages)
}

// Drain waits for replies still being delivered after their activity was
// answered, so a graceful shutdown does not drop them.
func (a *Adapter) Drain(ctx context.Context) error {
	if err := wait.For(ctx, &a.inflight); err != nil {
		return fmt.Errorf("teams: drain replies: %w", err)
	}
	return nil
}

// Close stops the background refresh of the signing keys. It never
// fails; it returns an error to be an io.Closer.
func (a *Adapter) Close() error {
	a.auth.close()
	return nil
}

// goLater runs f after the current response, detached from the request's
// cancellation but bounded by HandlerTimeout, and tracked for Drain. A
// panic in f is logged: nothing else would recover it on this goroutine.
func (a *Adapter) goLater(ctx context.Context, f func(ctx context.Context)) {
	a.inflight.Add(1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.HandlerTimeout)
	go func() {
		defer a.inflight.Done()
		defer cancel()
		bot.Recover(ctx, a.log, "teams: delivering a reply panicked", func() { f(ctx) })
	}()
}

// httpURL reports whether u is an absolute http or https URL.
func httpURL(u string) bool {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(u, "http://")
	}
	return ok && rest != "" && rest[0] != '/'
}
