package bot

import (
	"context"
	"net/http"
)

// Platform is a chat adapter as the program that wires it knows it: a
// name and, when it can post, a Poster. Everything else an adapter can
// do is an optional ability, found at run time by a type assertion, as
// net/http finds an http.Flusher: Router, Runner, Drainer, HealthChecker
// and io.Closer.
// The program builds a list of Platforms and loops over it, so that
// adding a platform is one constructor, not one more field and branch
// in every place that starts, serves, drains or stops adapters.
type Platform interface {
	// Name is the platform's part of a workspace id ("slack",
	// "discord", "teams", "local"): the scheduler picks a Poster by it.
	Name() string
	// Poster posts the platform's digests and reminders. It is nil
	// when the adapter cannot post, for example Slack without a bot
	// token.
	Poster() Poster
}

// Router is a Platform that takes webhooks: Routes registers its
// handlers on mux. An adapter whose configuration takes no webhooks (a
// Discord bot on the Gateway) registers none.
type Router interface {
	Routes(mux *http.ServeMux)
}

// Runner is a Platform that may hold a long-running connection to its
// platform (Slack Socket Mode, the Discord Gateway). Run serves it
// until ctx ends, and then returns nil. The adapter decides whether its
// configuration has one: when it has not, Run returns nil at once, so
// the program runs every Runner without knowing their settings.
type Runner interface {
	Run(ctx context.Context) error
}

// Drainer is a Platform with replies still being sent after their
// request was answered (follow-ups, deferred replies). Drain waits for
// them, but not past ctx's deadline, so a graceful shutdown does not
// drop them.
type Drainer interface {
	Drain(ctx context.Context) error
}

// HealthChecker is a Platform whose long-lived connection (a Runner's:
// the Discord Gateway, Slack Socket Mode) can be down. Health is nil
// while it is up, or when the configuration has no such connection, and
// otherwise says why it is down. The program's readiness check asks
// every HealthChecker, so a replica that cannot hear its platform is not
// reported ready.
type HealthChecker interface {
	Health() error
}
