package console

import "github.com/targetbot/targetbot/bot"

var _ bot.Platform = (*Poster)(nil)

// Name is the console's workspace, "local": the platform of the messages
// the Poster prints.
func (p *Poster) Name() string { return Workspace }

// Poster is p: the console's side of the platform list is its Poster,
// since the console session itself is run by the program, not beside it.
func (p *Poster) Poster() bot.Poster { return p }
