// Command targetbot is a chat-ops bot that helps teams track objectives and
// targets in Slack, Discord or a local console. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/console"
	"github.com/targetbot/targetbot/commands"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/reminders"
	"github.com/targetbot/targetbot/store"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	m := NewMain()
	// go-redis logs every failed dial to stderr through a process-wide
	// logger. While Redis is down that is one line per command; /readyz,
	// the store-error metric and the command log already say so, so its
	// lines go to debug.
	redis.SetLogger(redisLogger{newLogger(os.Stderr)})
	err := m.Run(ctx, os.Args[1:])
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "targetbot:", err)
		os.Exit(1)
	}
}

// Main is the program: configuration, the parts it wires together, and
// the subcommands. Tests drive the same Main.
type Main struct {
	Config Config
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// StdinIsTerminal makes the console show a prompt.
	StdinIsTerminal bool
	Now             func() time.Time
	Logger          *slog.Logger
	// quietStore keeps the store driver's warnings on opening out of
	// the subcommands that stop at once, in one sentence, on an
	// unreachable store (console, report, run-schedules).
	quietStore bool
	// existingStore makes setup refuse a bolt: file that does not exist
	// rather than create it (report, run-schedules).
	existingStore bool

	Store     store.Store
	Handler   *commands.Handler
	Scheduler *reminders.Scheduler
	// Platforms are the chat adapters: serve's, built from the
	// configured credentials, or the console's Poster.
	Platforms []bot.Platform

	// RedisPrefix, when set, starts every Redis key (tests share a server).
	RedisPrefix string
	// OnListen, when set, is called with serve's address once it listens.
	OnListen func(addr string)

	metrics *metrics
	server  *server // set by serve

	// What reports need, set by setup: the offered frameworks, the
	// default time zone, and the link secret and base URL (both set, or
	// links are off). inlineReports makes chat's `report` print the
	// whole report: the console sets it.
	frameworks    []*framework.Framework
	loc           *time.Location
	linkSecret    []byte
	publicURL     string
	inlineReports bool
}

// NewMain returns a Main configured from the process's environment.
func NewMain() *Main {
	return &Main{
		Config:          ConfigFromEnv(os.Getenv),
		Stdin:           os.Stdin,
		Stdout:          os.Stdout,
		Stderr:          os.Stderr,
		StdinIsTerminal: isTerminal(os.Stdin),
		Now:             time.Now,
	}
}

// Run runs the subcommand args name.
func (m *Main) Run(ctx context.Context, args []string) error {
	cmd, rest := "console", args
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, rest = args[0], args[1:]
	}
	// The top-level flags name no subcommand, but are not the console's.
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "-version", "--version":
			cmd, rest = strings.TrimLeft(args[0], "-"), args[1:]
		}
	}
	switch cmd {
	case "console":
		return m.runConsole(ctx, rest)
	case "serve":
		return m.runServe(ctx, rest)
	case "run-schedules":
		return m.runSchedules(ctx, rest)
	case "slack":
		return m.runSlack(ctx, rest)
	case "discord":
		return m.runDiscord(ctx, rest)
	case "teams":
		return m.runTeams(ctx, rest)
	case "report":
		return m.runReport(ctx, rest)
	case "healthcheck":
		return m.runHealthcheck(ctx, rest)
	case "dump":
		return m.runDump(ctx, rest)
	case "restore":
		return m.runRestore(ctx, rest)
	case "migrate":
		return m.runMigrate(ctx, rest)
	case "workspace":
		return m.runWorkspace(ctx, rest)
	case "version":
		fmt.Fprintln(m.Stdout, "targetbot", Version)
		return nil
	case "help", "h":
		// `help serve` is `serve --help`: the flags of that subcommand.
		if len(rest) > 0 && rest[0] != "help" && rest[0] != "h" && rest[0] != "version" && subcommands[rest[0]] {
			return m.Run(ctx, []string{rest[0], "--help"})
		}
		fmt.Fprint(m.Stdout, usageText())
		return nil
	default:
		fmt.Fprint(m.Stderr, usageText())
		return fmt.Errorf("unknown subcommand %q: see the usage above", cmd)
	}
}

// subcommands are the words Run takes as a subcommand with flags.
var subcommands = map[string]bool{
	"console": true, "serve": true, "run-schedules": true, "slack": true, "discord": true, "teams": true,
	"report": true, "healthcheck": true, "dump": true, "restore": true, "migrate": true,
}

// Close releases what Run opened: the platforms, then the store.
func (m *Main) Close() error {
	err := m.closePlatforms()
	if m.Store != nil {
		err = errors.Join(err, m.Store.Close())
		m.Store = nil
	}
	return err
}

func (m *Main) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("targetbot "+name, flag.ContinueOnError)
	// parse reports errors itself, as the one line main prints, rather
	// than the flag package's error line plus every flag's help.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses a subcommand's flags. --help prints them to stdout; a bad
// flag or a stray argument is one error line pointing at --help.
func (m *Main) parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(m.Stdout, "Usage of %s:\n", fs.Name())
		printFlags(m.Stdout, fs)
		return err
	}
	// main starts the line with "targetbot: ".
	sub := strings.TrimPrefix(fs.Name(), "targetbot ")
	if err != nil {
		return fmt.Errorf("%s: %w (run %q for its flags)", sub, asTyped(err, args), fs.Name()+" --help")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (run %q for its flags)", sub, fs.Arg(0), fs.Name()+" --help")
	}
	return nil
}

// source names where a setting came from for an error message: asFlag
// when the command line set flag name, else the variable it defaults to,
// so an error blames what the user actually typed.
func source(fs *flag.FlagSet, name, asFlag, variable string) string {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	if set {
		return asFlag
	}
	return variable
}

// asTyped rewords the flag package's errors, which name a flag with one
// dash whatever was typed, to show the flag as the user typed it.
func asTyped(err error, args []string) error {
	for _, r := range [...]struct{ prefix, format string }{
		{"flag provided but not defined: -", "unknown flag %s"},
		{"flag needs an argument: -", "flag %s needs a value"},
	} {
		name, ok := strings.CutPrefix(err.Error(), r.prefix)
		if !ok {
			continue
		}
		for _, a := range args {
			if a == "--" {
				break
			}
			if typed, _, _ := strings.Cut(a, "="); strings.TrimLeft(typed, "-") == name {
				return fmt.Errorf(r.format, typed)
			}
		}
	}
	return err
}

// setup checks the configuration, then opens the store and builds the
// command handler, the platform adapters (when withPlatforms) and the
// scheduler. Bad configuration fails here, with one clear line, before
// anything starts.
func (m *Main) setup(ctx context.Context, withPlatforms bool) error {
	if m.Logger == nil {
		m.Logger = newLogger(m.Stderr)
	}
	loc, err := m.Config.Location()
	if err != nil {
		return err
	}
	admins, err := m.Config.AdminList()
	if err != nil {
		return err
	}
	frameworks, err := catalog.Load(m.Config.FrameworksDir)
	if err != nil {
		return m.Config.frameworksError(err)
	}
	secret, base, err := m.Config.ReportLinks()
	if err != nil {
		return err
	}
	m.frameworks, m.loc = frameworks, loc
	if len(secret) > 0 && base != "" {
		m.linkSecret, m.publicURL = secret, base
	} else if len(secret) > 0 || base != "" {
		m.Logger.Warn("report links are off: set both TARGETBOT_PUBLIC_URL and TARGETBOT_LINK_SECRET to turn them on")
	}
	if m.metrics == nil {
		m.metrics = newMetrics()
	}
	if m.Config.StoreFrom == "" {
		m.Config.StoreFrom = "TARGETBOT_STORE"
	}
	if m.existingStore {
		if err := requireExisting(m.Config.Store, m.Config.StoreFrom); err != nil {
			return err
		}
	}
	storeLog := m.Logger
	if m.quietStore {
		storeLog = slog.New(quietHandler{Handler: m.Logger.Handler(), min: slog.LevelError})
	}
	s, err := openStore(ctx, m.Config.Store, m.Config.StoreFrom, m.RedisPrefix, storeLog)
	if err != nil {
		return err
	}
	m.Store = s
	m.Handler = commands.New(commands.Options{
		Store:      s,
		Frameworks: frameworks,
		Admins:     admins,
		Location:   loc,
		Now:        m.Now,
		Logger:     m.Logger,
		PostDigest: func(ctx context.Context, ws, channel string) error {
			return m.Scheduler.PostDigest(ctx, ws, channel)
		},
		ReportLink:    m.reportLinker(),
		InlineReports: m.inlineReports,
		Version:       Version,
	})
	if withPlatforms {
		if err := m.buildPlatforms(m.metrics.instrumentHandler(m.Handler, m.Logger)); err != nil {
			return err
		}
	}
	m.Scheduler = reminders.New(reminders.Options{
		Store:      s,
		Posters:    m.posters(),
		Frameworks: frameworks,
		Location:   loc,
		Now:        m.Now,
		Logger:     m.Logger,
	})
	return nil
}

func (m *Main) runConsole(ctx context.Context, args []string) error {
	fs := m.flagSet("console")
	m.Config.commonFlags(fs)
	m.Config.adminsFlag(fs)
	fs.StringVar(&m.Config.User, "user", m.Config.User, "your user name in the console ($USER)")
	admin := fs.Bool("admin", false, "be an admin even when TARGETBOT_ADMINS names other local: users")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	user, err := consoleUser(m.Config.User, source(fs, "user", "--user", "$USER"))
	if err != nil {
		return err
	}
	m.quietStore = true
	if m.Logger == nil {
		// The console's output is its replies: keep logs to warnings.
		m.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	m.Platforms = []bot.Platform{console.NewPoster(m.Stdout)}
	m.inlineReports = true // no web server to link to: print the report
	if err := m.setup(ctx, false); err != nil {
		return err
	}
	if err := checkReachable(ctx, m.Store, m.Config.Store, m.Logger); err != nil {
		return err
	}
	// The console user administers the workspace, unless TARGETBOT_ADMINS
	// names local: admins, in which case only they (and --admin) do: that
	// is how to try targetbot as a member.
	opts := console.Options{In: m.Stdin, Out: m.Stdout, User: user, Handler: m.Handler, Admin: *admin || !m.Config.namesLocalAdmins()}
	if m.StdinIsTerminal {
		opts.Prompt = "/target "
		opts.Styled = stdoutIsTerminal(m.Stdout)
		if opts.Styled && m.Stdin == os.Stdin {
			// A real terminal: arrow keys, history and Tab completion.
			var verbs []string
			for _, v := range commands.Verbs() {
				verbs = append(verbs, v.Name)
			}
			ed := console.NewEditor(console.EditorOptions{History: console.HistoryFile(), Verbs: verbs, Completer: m.Handler})
			defer ed.Close()
			opts.Editor = ed
		}
		fmt.Fprintln(m.Stdout, banner(user, opts.Admin, m.Config.Store))
	}
	err = console.New(opts).Run(ctx)
	if errors.Is(err, context.Canceled) {
		if m.StdinIsTerminal {
			return nil // Ctrl-C at the prompt: the user is done.
		}
		// A script cut short must not look like it ran to the end.
		return errors.New("console: interrupted before the end of the input")
	}
	return err
}

func (m *Main) runSchedules(ctx context.Context, args []string) error {
	fs := m.flagSet("run-schedules")
	m.Config.commonFlags(fs)
	m.Config.adminsFlag(fs)
	at := fs.String("at", "now", "the instant to run schedules for: now, or RFC 3339 such as 2026-11-23T09:00:00Z")
	future := fs.Bool("allow-future", false, "allow an --at more than 5 minutes, and at most 7 days, ahead of the clock (it moves each channel's last digest ahead)")
	replay := fs.Bool("replay", false, "allow an --at before a schedule's last run, and run every schedule as of --at (it may post an old period again)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	t, err := m.Now(), error(nil)
	if *at != "now" {
		if t, err = time.Parse(time.RFC3339, *at); err != nil {
			return fmt.Errorf("--at %q is not an RFC 3339 time: use now, or the form 2026-11-23T09:00:00Z", *at)
		}
	}
	// A digest run ahead of time marks its channel digested up to then,
	// so updates made before that moment would appear in no digest.
	if ahead := t.Sub(m.Now()); ahead > maxAhead && !*future {
		return fmt.Errorf("--at %s is %s ahead of the clock: digests run then would skip the updates made until then; pass --allow-future if that is what you want", t.Format(time.RFC3339), ahead.Round(time.Minute))
	}
	// maxFuture is "7 days". Far ahead, a digest marks its channel digested until then, and
	// every real digest before then says nothing.
	if ahead := t.Sub(m.Now()); ahead > maxFuture {
		return fmt.Errorf("--at %s is %s ahead of the clock: --allow-future reaches at most %s ahead", t.Format(time.RFC3339), ahead.Round(time.Minute), "7 days")
	}
	if m.Logger == nil {
		m.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	m.Platforms = []bot.Platform{console.NewPoster(m.Stdout)}
	m.quietStore, m.existingStore = true, true
	if err := m.setup(ctx, true); err != nil {
		return err
	}
	if err := checkReachable(ctx, m.Store, m.Config.Store, m.Logger); err != nil {
		return err
	}
	// Without --at, nothing has run after now that the next-fire index
	// would not skip, and the check, which reads every workspace, is
	// left out: run-schedules then reads only what is due.
	if !*replay && *at != "now" {
		if err := m.Scheduler.CheckPast(ctx, t); errors.Is(err, reminders.ErrReplay) {
			return fmt.Errorf("--at %s: %v; pass --replay if that is what you want", t.Format(time.RFC3339), err)
		} else if err != nil {
			return fmt.Errorf("run-schedules: %s", framework.ErrorMessage(err))
		}
	}
	run := m.Scheduler.RunDue
	if *replay {
		run = m.Scheduler.Replay
	}
	res, err := run(ctx, t)
	if err != nil {
		return fmt.Errorf("run-schedules: %s", framework.ErrorMessage(err))
	}
	m.Logger.Info("schedules run", "at", t, "result", fmt.Sprintf("%+v", res))
	fmt.Fprintf(m.Stderr, "run-schedules at %s: posted %s and %s; %s run here, %d already run by another process, %s\n",
		t.Format(time.RFC3339), view.Plural(res.Digests, "digest"), view.Plural(res.Reminders, "reminder"),
		view.Plural(res.Claimed, "due schedule"), res.Lost, view.Plural(res.Errors, "error"))
	return nil
}

// maxAhead is how far ahead of the clock run-schedules --at may be
// without --allow-future: a little, for clocks that disagree.
const maxAhead = 5 * time.Minute

// maxFuture is how far ahead --allow-future reaches: a week covers any
// test of next week's digest, and no later digest is silenced for long.
const maxFuture = 7 * 24 * time.Hour

// redisLogger sends go-redis's own messages to slog at debug level.
type redisLogger struct{ l *slog.Logger }

func (r redisLogger) Printf(ctx context.Context, format string, v ...any) {
	r.l.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}

// newLogger logs JSON, or text when w is a terminal.
func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// banner is the line a terminal session starts with. It names the store
// without its password.
func banner(user string, admin bool, store string) string {
	role := "an admin"
	if !admin {
		role = "a member"
	}
	return fmt.Sprintf("targetbot %s — workspace %s, user @%s (%s), store %s. Type help, or exit.", Version, console.Workspace, user, role, redact(store))
}

// stdoutIsTerminal reports whether w is a terminal, which can show styles.
func stdoutIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}
