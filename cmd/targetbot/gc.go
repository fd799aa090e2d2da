package main

import "runtime/debug"

// serveGCPercent is the garbage collector's target for serve: the heap
// may grow to five times what is live before a collection, instead of
// Go's default of twice. A command allocates a few hundred small objects
// that die with it, and serve's live heap is a few megabytes, so this
// trades some megabytes for a tenth of the CPU per command (measured in
// docs/PERFORMANCE.md). GOGC, when set, wins, as does GOMEMLIMIT.
const serveGCPercent = 400

// tuneGC sets serveGCPercent unless the environment chose a GOGC.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
}
