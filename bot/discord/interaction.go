package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// maxBody bounds an interaction request body, which is read before its
// signature can be checked, so it bounds what an unauthenticated client
// can make us buffer. An interaction is small, except that a button or a
// form opened from one carries the whole message it is on: at most 2,000
// characters of content, 6,000 of embeds and 25 buttons, which with the
// member and everything else comes to under 48 KB even with every
// character escaped as \uXXXX (TestBodyCapHoldsWhatDiscordEchoes).
const maxBody = 64 << 10

// dmMessage answers commands sent outside a server: the workspace is the
// server, so there is none to act on.
const dmMessage = "targetbot works in servers, not DMs: use /target in a server channel"

// responder sends the initial answer to an interaction: the HTTP response
// body, or a callback through the Gateway session.
type responder func(ctx context.Context, resp *discordgo.InteractionResponse) error

// serveInteraction is POST /discord/interactions. Nothing is decoded until
// the signature and its timestamp check out.
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	// Headers first: a request that cannot be genuine is refused unread.
	if _, _, err := checkHeaders(r.Header, a.now()); err != nil {
		a.log.WarnContext(r.Context(), "discord: rejected interaction", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	// A length over the cap is refused before anything is read; a body
	// that turns out longer than it said is cut off one byte past it.
	if r.ContentLength > maxBody {
		a.log.WarnContext(r.Context(), "discord: refused an oversized interaction", "content_length", r.ContentLength, "remote", r.RemoteAddr)
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.log.WarnContext(r.Context(), "discord: refused an oversized interaction", "remote", r.RemoteAddr)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the request body", http.StatusBadRequest)
		return
	}
	if err := Verify(r.Header, body, a.publicKey, a.now()); err != nil {
		a.log.WarnContext(r.Context(), "discord: rejected interaction", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var ix discordgo.Interaction
	if err := json.Unmarshal(body, &ix); err != nil {
		a.log.WarnContext(r.Context(), "discord: undecodable interaction", "err", err)
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	answered := false
	respond := func(_ context.Context, resp *discordgo.InteractionResponse) error {
		answered = true
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(resp)
	}
	// Follow-ups wait until this response is on its way back.
	ctx, responded := withAnswered(r.Context())
	defer responded()
	if err := a.interact(ctx, &ix, respond); err != nil {
		a.log.WarnContext(r.Context(), "discord: interaction failed", "id", ix.ID, "type", ix.Type, "err", err)
		if !answered {
			http.Error(w, "unsupported interaction", http.StatusBadRequest)
		}
	}
}

// interact handles one decoded interaction, from HTTP or the Gateway.
func (a *Adapter) interact(ctx context.Context, ix *discordgo.Interaction, respond responder) error {
	switch ix.Type {
	case discordgo.InteractionPing:
		return respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})

	case discordgo.InteractionApplicationCommand:
		data, ok := ix.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return errors.New("command interaction without command data")
		}
		if ix.GuildID == "" {
			return respond(ctx, notice(dmMessage))
		}
		req, query := commandRequest(ix, data, a.lang)
		return a.run(ctx, ix, req, query, respond)

	case discordgo.InteractionApplicationCommandAutocomplete:
		data, ok := ix.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return errors.New("autocomplete interaction without command data")
		}
		return respond(ctx, a.autocomplete(ctx, ix.GuildID, data))

	case discordgo.InteractionMessageComponent:
		data, ok := ix.Data.(discordgo.MessageComponentInteractionData)
		if !ok {
			return errors.New("component interaction without component data")
		}
		kind, guild, command, ok := parseCustomID(data.CustomID)
		if !ok {
			return respond(ctx, notice("That button is no longer supported: use /target instead."))
		}
		if guild = first(ix.GuildID, guild); guild == "" {
			return respond(ctx, notice(dmMessage))
		}
		if kind == "form" {
			form, ok := a.form(command)
			if !ok {
				return respond(ctx, notice("That button is no longer supported: use /target instead."))
			}
			if ix.GuildID == "" && !a.mayOpenForm(ctx, guild, request(ix, guild, "").User) {
				return respond(ctx, notice(notMemberText))
			}
			return respond(ctx, formModal(data.CustomID, command, form))
		}
		return a.run(ctx, ix, request(ix, guild, command), false, respond)

	case discordgo.InteractionModalSubmit:
		data, ok := ix.Data.(discordgo.ModalSubmitInteractionData)
		if !ok {
			return errors.New("modal interaction without modal data")
		}
		kind, guild, command, ok := parseCustomID(data.CustomID)
		if !ok || kind != "form" {
			return respond(ctx, notice("That form is no longer supported: use /target update instead."))
		}
		if guild = first(ix.GuildID, guild); guild == "" {
			return respond(ctx, notice(dmMessage))
		}
		// The answers reach the command layer as named arguments, so a
		// note is a note whatever it says.
		var verb string
		var args map[string]string
		if a.lang != nil {
			verb, args, ok = a.lang.FormArgs(command, modalAnswers(data))
		}
		if a.lang == nil || !ok {
			return respond(ctx, notice("That form is no longer supported: use /target update instead."))
		}
		req := request(ix, guild, "")
		req.Verb, req.Args = verb, args
		return a.run(ctx, ix, req, false, respond)
	}
	return fmt.Errorf("unsupported interaction type %d", ix.Type)
}

// form is the form the Handler declares for a Form button's command;
// ok is false when it declares none.
func (a *Adapter) form(command string) (bot.Form, bool) {
	if a.lang == nil {
		return bot.Form{}, false
	}
	return a.lang.Form(command)
}

// first returns the first non-empty string. The server an interaction
// happened in beats one carried in a custom id: a workspace is a hard
// boundary.
func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// notice is an ephemeral message to the user who interacted.
func notice(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content: text, Flags: discordgo.MessageFlagsEphemeral,
			Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{},
		},
	}
}

// request builds the platform-neutral request. PlatformAdmin is Discord's
// own word: Administrator or Manage Server in the member's permissions.
func request(ix *discordgo.Interaction, guild, text string) bot.Request {
	r := bot.Request{Workspace: "discord:" + guild, Channel: ix.ChannelID, Text: text, ID: ix.ID}
	if m := ix.Member; m != nil {
		r.PlatformAdmin = m.Permissions&(discordgo.PermissionAdministrator|discordgo.PermissionManageGuild) != 0
		if m.User != nil {
			r.User, r.UserName = m.User.ID, displayName(m.Nick, m.User)
		}
	}
	if r.User == "" && ix.User != nil {
		r.User, r.UserName = ix.User.ID, displayName("", ix.User)
	}
	return r
}

func displayName(nick string, u *discordgo.User) string {
	switch {
	case nick != "":
		return nick
	case u.GlobalName != "":
		return u.GlobalName
	default:
		return u.Username
	}
}

// commandRequest reads a /target subcommand and its typed options as a
// structured request: the subcommand is the verb and each option a named
// argument, in whatever order the user filled them in. Nothing is turned
// back into text, so a note that looks like a status stays a note. It
// also says whether the verb is a query, as lang declares it, whose
// deferred answer is ephemeral.
func commandRequest(ix *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData, lang bot.Language) (bot.Request, bool) {
	req := request(ix, ix.GuildID, "")
	var sub *discordgo.ApplicationCommandInteractionDataOption
	for _, o := range data.Options {
		if o != nil && o.Type == discordgo.ApplicationCommandOptionSubCommand {
			sub = o
			break
		}
	}
	if sub == nil {
		return req, true // the command layer answers "" with help
	}
	req.Verb, req.Args = sub.Name, map[string]string{}
	for _, o := range sub.Options {
		if o != nil {
			req.Args[o.Name] = optionString(o.Value)
		}
	}
	// An unknown verb is left for the command layer to explain.
	if lang == nil {
		return req, true
	}
	c, known := lang.Command(sub.Name)
	return req, !known || c.Query
}

func optionString(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	default:
		return ""
	}
}

// maxChoices is Discord's limit on autocomplete choices.
const maxChoices = 25

// autocomplete suggests targets for the focused option, each shown by
// its label ("ref title").
func (a *Adapter) autocomplete(ctx context.Context, guild string, data discordgo.ApplicationCommandInteractionData) *discordgo.InteractionResponse {
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}},
	}
	focused := focusedOption(data.Options)
	if a.completer == nil || guild == "" || focused == nil || focused.Name != "target" {
		return resp
	}
	prefix, _ := focused.Value.(string)
	for _, c := range a.complete(ctx, "discord:"+guild, strings.TrimSpace(prefix)) {
		if len(resp.Data.Choices) == maxChoices {
			break
		}
		if c.Value == "" || len(c.Value) > 100 {
			continue // a cut reference would name another target, or none
		}
		// The label is the whole text the menu shows, reference
		// included (bot.Choice): adding the value again would repeat it.
		name := strings.TrimSpace(c.Label)
		if name == "" {
			name = c.Value
		}
		resp.Data.Choices = append(resp.Data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(name, 100), Value: c.Value})
	}
	return resp
}

// complete asks the Completer for choices, giving up after DeferAfter so
// the answer meets Discord's 3 s, and treating a panic as no choices: on
// the Gateway nothing else would recover it.
func (a *Adapter) complete(ctx context.Context, ws, prefix string) []bot.Choice {
	ctx, cancel := context.WithTimeout(ctx, a.deferAfter)
	defer cancel()
	done := make(chan []bot.Choice, 1)
	go func() {
		var cs []bot.Choice
		bot.Recover(ctx, a.log, "discord: completer panicked", func() {
			cs = a.completer.Complete(ctx, ws, prefix, maxChoices)
		}, "workspace", ws, "prefix", prefix)
		done <- cs
	}()
	select {
	case cs := <-done:
		return cs
	case <-ctx.Done():
		a.log.WarnContext(ctx, "discord: autocomplete gave up", "workspace", ws, "prefix", prefix, "err", ctx.Err())
		return nil
	}
}

func focusedOption(opts []*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if o.Focused {
			return o
		}
		if f := focusedOption(o.Options); f != nil {
			return f
		}
	}
	return nil
}
