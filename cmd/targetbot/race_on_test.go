//go:build race

package main

// raceDetector says the race detector is on: it changes what allocates
// (sync.Pool drops a share of what it is given, on purpose), so
// allocation counts are not measured under it.
const raceDetector = true
