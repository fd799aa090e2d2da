package main

import (
	"runtime/debug"
	"testing"
)

// serve sets its GC target unless the operator chose one with GOGC.
func TestTuneGC(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(123); got != serveGCPercent {
		t.Errorf("with GOGC unset the GC target is %d, want %d", got, serveGCPercent)
	}
	tuneGC(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 123 {
		t.Errorf("with GOGC set, tuneGC changed the GC target to %d", got)
	}
}
