package console

import (
	"io"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

// The console's Poster is the console's platform: it posts for the
// workspace "local".
func TestPosterIsPlatform(t *testing.T) {
	p := NewPoster(io.Discard)
	var pl bot.Platform = p
	if pl.Name() != bot.PlatformOf(Workspace) || pl.Poster() != bot.Poster(p) {
		t.Errorf("Name = %q, Poster = %v; want %q and the Poster itself", pl.Name(), pl.Poster(), Workspace)
	}
}
