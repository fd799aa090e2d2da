package teams

import (
	"io"

	"github.com/targetbot/targetbot/bot"
)

var (
	_ bot.Platform = (*Adapter)(nil)
	_ bot.Router   = (*Adapter)(nil)
	_ bot.Drainer  = (*Adapter)(nil)
	_ io.Closer    = (*Adapter)(nil)
)

// Name is "teams", the platform of Teams workspaces ("teams:<tenant>/<team>").
func (a *Adapter) Name() string { return "teams" }

// Poster is the adapter: its app id and password, which New requires,
// are all that posting needs.
func (a *Adapter) Poster() bot.Poster { return a }
