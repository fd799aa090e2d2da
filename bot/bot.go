// Package bot is the seam between chat platforms and the command layer.
// A platform adapter (bot/slack, bot/discord, bot/console) turns its wire
// format into a Request, hands it to a Handler, and renders the Reply. It
// holds no business rules: permissions, parsing and replies all live in
// the command layer.
package bot

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
)

// Request is one command from one user.
type Request struct {
	// Workspace is "platform:id", for example "slack:T0123",
	// "discord:81234" or "local". It is a hard boundary.
	Workspace string
	Channel   string // platform channel id
	User      string // platform user id
	UserName  string // display name, for logs and console output
	// PlatformAdmin is the platform's own word that the user administers
	// the workspace: a Slack admin or owner, a Discord member with
	// Administrator or Manage Server, the console user. The command layer
	// decides what that allows.
	PlatformAdmin bool
	// Text is the command without the leading "/target", for example
	// "update eds/1.1 40% on-track".
	Text string
	// Verb, when set, makes the request structured: it names the verb
	// to run, and Args holds its arguments by name, each value already
	// one string ("40" for progress, a user id for a user, "on-track"
	// for a status). Text is then not read. Platform options and form
	// answers come this way, so they are never re-encoded as text and
	// parsed again.
	Verb string
	Args map[string]string
	// ID identifies the request in logs.
	ID string
	// Once, when set, is the request's replay key (a Slack request's
	// signature): the command layer runs the request only if no request
	// of the workspace with this key was taken within OnceFor, across
	// every replica, and otherwise refuses it. A request that could be
	// delivered twice, or replayed by someone who captured it, sets it;
	// the claim and an update's write then cost one round trip together.
	Once    string
	OnceFor time.Duration
	// Switcher, when set, lets the user pick the workspace this chat
	// runs in (see Switcher): a platform whose chats outside a team
	// follow the user's current workspace sets it there.
	Switcher Switcher
}

// Platform is the part of the workspace before the colon: "slack",
// "discord", or "local".
func (r *Request) Platform() string { return PlatformOf(r.Workspace) }

// PlatformOf returns the platform of a workspace id.
func PlatformOf(ws string) string {
	if i := strings.IndexByte(ws, ':'); i >= 0 {
		return ws[:i]
	}
	return ws
}

// Reply is what the bot says back. It is blocks first: Blocks are the
// message, and every plain text a platform needs (a notification
// fallback, the console's output) is derived from them. Every text in it
// is in the declared markup (see markup.go).
type Reply struct {
	// Ephemeral replies are seen only by the requester. Queries and errors
	// are ephemeral; logged updates are posted in the channel.
	Ephemeral bool
	Blocks    []Block
	// Details belong under the message: a thread on Slack, more embeds on
	// Discord, more lines on the console. Digests put the long part here.
	Details []Block
	// Notify lists the users this message may notify. Every other user
	// reference names its user without notifying them.
	Notify []string
	// Code is "" for success, or the error code of a failure: one of
	// the Code constants, or another code of the command layer's.
	Code string
	// Field names the input that was wrong, when an error is about one
	// ("progress", "status", "note"), so a form can show it in place.
	Field string
	// Replayed marks the refusal of a request whose once key was taken
	// already (Request.Once): it ran before. An adapter for a platform
	// that redelivers what it got no answer for (Teams) stays silent
	// rather than answer a redelivery twice.
	Replayed bool
	// Command is the verb that ran, for metrics ("update", "list", ...);
	// "" when the text named no known verb.
	Command string
}

// Say is a reply of one block of markup text.
func Say(markup string, ephemeral bool) Reply {
	return Reply{Ephemeral: ephemeral, Blocks: []Block{{Text: markup}}}
}

// Text is the message as markup: each block's title in bold, its text,
// and its fields as "Name: value" lines, blocks separated by a blank
// line. Details are not included.
func (r Reply) Text() string { return BlocksText(r.Blocks) }

// Summary is the first line of the message, as markup: what a
// notification shows.
func (r Reply) Summary() string {
	// Every reply rendered for a platform asks for it, so when the first
	// block with anything in it has more after its first line, the line
	// is read from that block alone rather than from all of Text.
	for _, b := range r.Blocks {
		m := strings.TrimLeftFunc(b.Markup(), unicode.IsSpace)
		if m == "" {
			continue
		}
		if line, rest, ok := strings.Cut(m, "\n"); ok && strings.TrimSpace(rest) != "" {
			return line
		}
		break
	}
	s, _, _ := strings.Cut(strings.TrimSpace(r.Text()), "\n")
	return s
}

// BlocksText is blocks as markup, as Reply.Text describes.
func BlocksText(blocks []Block) string {
	var b strings.Builder
	for _, blk := range blocks {
		t := blk.Markup()
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(t)
	}
	return b.String()
}

// Block is one section of a rich reply: a target, an objective, a part of
// a digest.
type Block struct {
	Title  string // a heading line in markup, may be empty
	Text   string // the body in markup; its lines are where adapters may split it
	Fields []Field
	// Colour is "#rrggbb" by status or rating, "" for none. Platforms
	// that cannot colour a block rely on the emoji in its text.
	Colour  string
	Buttons []Button
}

// Markup is the block as markup: its title in bold, its text, and its
// fields as "Name: value" lines.
func (b Block) Markup() string {
	if b.Title == "" && len(b.Fields) == 0 {
		return b.Text // what the join below makes of it, without its slice
	}
	var lines []string
	if b.Title != "" {
		lines = append(lines, Bold(b.Title))
	}
	if b.Text != "" {
		lines = append(lines, b.Text)
	}
	for _, f := range b.Fields {
		lines = append(lines, Bold(f.Name+":")+" "+f.Value)
	}
	return strings.Join(lines, "\n")
}

// Field is a labelled value within a Block, both in markup.
type Field struct {
	Name   string
	Value  string
	Inline bool
}

// Button is an action under a Block. Pressing it runs Command as the
// presser, exactly as if they had typed it. A button with Form set opens
// the update form for Command's target instead (progress, status, note),
// and runs Command followed by the answers.
type Button struct {
	Label   string
	Command string // for example "update eds/1.1 done" or "snooze eds/1.1 7d"
	Style   string // "primary", "danger" or ""
	Form    bool
}

// Handler executes a Request.
type Handler interface {
	Handle(ctx context.Context, r Request) Reply
}

// HandlerFunc adapts a function to the Handler interface.
type HandlerFunc func(ctx context.Context, r Request) Reply

// Handle calls f(ctx, r).
func (f HandlerFunc) Handle(ctx context.Context, r Request) Reply { return f(ctx, r) }

// Choice is one autocomplete suggestion or menu entry: the text to
// insert and a label.
type Choice struct {
	Value string
	// Label is the whole text a menu shows for the choice, in plain
	// text: a target's is its reference and title. An adapter shows it
	// as it is, or Value when it is empty.
	Label string
}

// Completer is implemented by Handlers that suggest target references as
// the user types. Adapters with autocomplete check for it at run time.
type Completer interface {
	Complete(ctx context.Context, ws, prefix string, limit int) []Choice
}

// Message is something the bot posts unprompted: a digest to a channel or
// a reminder to a user.
type Message struct {
	Workspace string
	// Channel to post in, or User to DM. Exactly one is set.
	Channel string
	User    string
	Reply   Reply
	// Key identifies the message for idempotency: posting the same Key
	// twice, as a retry does, delivers it at most once where the platform
	// allows.
	Key string
	// Resume is how far an earlier attempt at this Key got, as the Poster
	// reported it through Reached, perhaps in another process: the Poster
	// posts only what comes after it. "" posts the message from the start.
	Resume string
	// Reached, when set, is called after each part of the message is
	// posted with the Poster's progress, an opaque string (see
	// JoinProgress) that a caller keeps so that a run cut by a shutdown
	// can be resumed, through Resume, without posting any part twice.
	Reached func(progress string)
}

// progressSep separates the fields of a Poster's progress. Channel ids,
// message ids and counts never hold it.
const progressSep = "|"

// JoinProgress encodes a Poster's progress on a keyed message (its
// channel, the id of the message its thread hangs from, the counts of
// parts posted) for Message.Reached.
func JoinProgress(fields ...string) string { return strings.Join(fields, progressSep) }

// SplitProgress decodes what JoinProgress encoded with n fields, and
// reports false for anything else: a Resume the Poster does not
// recognise posts from the start.
func SplitProgress(progress string, n int) ([]string, bool) {
	f := strings.Split(progress, progressSep)
	return f, progress != "" && len(f) == n
}

// ErrNoPoster is returned for a post to a platform the deployment cannot
// post to: it has no bot token for it.
var ErrNoPoster = errors.New("no poster for this platform")

// Poster posts Messages on one platform. The scheduler picks a Poster by
// the platform of the message's workspace.
type Poster interface {
	Post(ctx context.Context, m Message) error
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the HTTP request or event
// being served, so adapters can put it in Request.ID and logs can show it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the id WithRequestID stored in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Failed is the reply an adapter gives when the Handler panicked: the
// problem is logged, and the user is told to try again.
func Failed() Reply {
	r := Say("something went wrong on our side, and it has been logged: try again, and if it keeps failing, tell your admin", true)
	r.Code = CodeInternal
	return r
}
