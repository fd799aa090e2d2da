package bot

import (
	"context"
	"log/slog"
	"runtime/debug"
)

// Recover runs f and recovers a panic in it, logging the panic and its
// stack at error level as msg with args, and reports whether f
// panicked. An adapter runs handlers and deliveries on goroutines that
// nothing else guards (net/http's serving goroutines, the Gateway's
// event loop, work detached from a request), so one bad command or
// reply must not take the process down.
func Recover(ctx context.Context, log *slog.Logger, msg string, f func(), args ...any) (panicked bool) {
	defer func() {
		if p := recover(); p != nil {
			panicked = true
			log.ErrorContext(ctx, msg, append(args, "panic", p, "stack", string(debug.Stack()))...)
		}
	}()
	f()
	return false
}

// SafeHandle runs h.Handle(ctx, r) for the adapter of the named platform
// ("slack", "discord", "teams"), turning a panic into Failed(): the
// panic is logged with the request it came from, and the user is told
// to try again.
//
// It recovers as Recover does, but builds the log line's arguments only
// when there is a panic: every command passes through here.
func SafeHandle(ctx context.Context, log *slog.Logger, platform string, h Handler, r Request) (reply Reply) {
	defer func() {
		if p := recover(); p != nil {
			log.ErrorContext(ctx, platform+": handler panicked", "id", r.ID, "workspace", r.Workspace, "user", r.User, "verb", r.Verb,
				"panic", p, "stack", string(debug.Stack()))
			reply = Failed()
		}
	}()
	return h.Handle(ctx, r)
}
