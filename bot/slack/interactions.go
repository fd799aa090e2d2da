package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
)

// formCallback is the callback id of a form's modal. Its block ids are
// the names of the form's fields, which are the names of the arguments
// they answer, so the answers are named arguments, and a reply's Field
// names the block its error belongs under.
const formCallback = "targetbot_update"

// expiredBlock is the block an error shows under when the form it belongs
// to cannot be known: the update form's note, the one form there is.
const expiredBlock = "note"

// formMeta travels in the modal's private_metadata: what to run and where
// to post the result, since a view_submission carries no channel.
type formMeta struct {
	Command string `json:"command"`
	Channel string `json:"channel,omitempty"`
}

// serveInteraction answers POST /slack/interactions.
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	body, sig, ok := a.readVerified(w, r, maxInteractionBody)
	if !ok {
		return
	}
	ic, err := parseInteraction(body)
	if err != nil {
		a.log.Warn("slack: bad interaction payload", "err", err)
		http.Error(w, "bad interaction payload", http.StatusBadRequest)
		return
	}
	resp := a.interaction(r.Context(), ic, signatureKey(sig))
	if resp == nil {
		w.WriteHeader(http.StatusOK) // empty 200: acknowledged, or modal closed
		return
	}
	writeJSON(w, resp)
}

// parseInteraction decodes the JSON in the form field "payload".
func parseInteraction(body []byte) (slack.InteractionCallback, error) {
	var ic slack.InteractionCallback
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return ic, fmt.Errorf("slack: parse interaction: %w", err)
	}
	p := form.Get("payload")
	if p == "" {
		return ic, fmt.Errorf("slack: parse interaction: no payload")
	}
	if err := json.Unmarshal([]byte(p), &ic); err != nil {
		return ic, fmt.Errorf("slack: parse interaction: %w", err)
	}
	if ic.Team.ID == "" || ic.User.ID == "" {
		return ic, fmt.Errorf("slack: parse interaction: team and user are required")
	}
	return ic, nil
}

// interaction handles one interaction and returns the body to answer
// with, or nil for an empty acknowledgement. key is its replay key, ""
// for none (see withReplayKey).
func (a *Adapter) interaction(ctx context.Context, ic slack.InteractionCallback, key string) *slack.ViewSubmissionResponse {
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		a.blockActions(ctx, ic, key)
	case slack.InteractionTypeViewSubmission:
		if ic.View.CallbackID == formCallback {
			return a.submitForm(ctx, ic, key)
		}
	}
	return nil
}

// blockActions handles a button press. A form button opens the update
// modal while the trigger id is fresh (3s); a command button runs its
// command as the presser. Both happen after we have acknowledged. A
// replayed press is refused by the command layer; opening a form again
// runs nothing, and its trigger id has long expired.
func (a *Adapter) blockActions(ctx context.Context, ic slack.InteractionCallback, key string) {
	for i, act := range ic.ActionCallback.BlockActions {
		kind, _, _ := strings.Cut(act.ActionID, "-")
		channel := ic.Channel.ID
		if channel == "" {
			channel = ic.Container.ChannelID
		}
		switch kind {
		case actionForm:
			form, ok := a.form(act.Value)
			if !ok {
				a.log.Warn("slack: a form button for a command with no form", "command", act.Value)
				continue
			}
			view := formView(formMeta{Command: act.Value, Channel: channel}, form)
			// The acknowledgement and the trigger id share one 3s
			// window, so views.open runs after we acknowledge rather
			// than holding the answer; past 3s the trigger is dead and
			// waiting longer is pointless.
			a.goLater(ctx, func(ctx context.Context) {
				ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
				defer cancel()
				if _, err := a.api.OpenViewContext(ctx, ic.TriggerID, view); err != nil {
					a.log.Error("slack: views.open failed", "err", err, "user", ic.User.ID)
				}
			})
		case actionCommand:
			text := act.Value
			// Slack sends one action per press; should a payload
			// carry more, each is its own command to run once.
			akey := key
			if akey != "" && i > 0 {
				akey += "#" + strconv.Itoa(i)
			}
			a.goLater(ctx, func(ctx context.Context) {
				req := a.request(ctx, ic.Team.ID, channel, ic.User.ID, ic.User.Name, text)
				req.ID = ic.TriggerID
				withReplayKey(&req, akey)
				reply := a.handle(ctx, req)
				if ic.ResponseURL != "" {
					a.followUp(ctx, replyTo{team: ic.Team.ID, channel: channel, user: ic.User.ID}, ic.ResponseURL, reply)
					return
				}
				a.deliver(ctx, ic.Team.ID, channel, ic.User.ID, reply)
			})
		}
	}
}

// submitForm runs the form's command with the answers. An error reply
// keeps the modal open with the message under the field it is about;
// success closes it and posts the reply in the channel. A replayed
// submission is refused by the command layer: the modal stays open with
// why under the note, and nothing runs.
func (a *Adapter) submitForm(ctx context.Context, ic slack.InteractionCallback, key string) *slack.ViewSubmissionResponse {
	var meta formMeta
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &meta); err != nil || meta.Command == "" {
		a.log.Warn("slack: update form without metadata", "err", err)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{expiredBlock: formExpired})
	}
	// The answers reach the command layer as named arguments, so a note
	// is a note whatever it says.
	form, ok := a.form(meta.Command)
	var verb string
	var args map[string]string
	if ok {
		verb, args, ok = a.lang.FormArgs(meta.Command, formAnswers(form, ic.View.State))
	}
	if !ok {
		a.log.Warn("slack: update form with an unreadable command", "command", meta.Command)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{expiredBlock: formExpired})
	}
	run := func(ctx context.Context) bot.Reply {
		req := a.request(ctx, ic.Team.ID, meta.Channel, ic.User.ID, ic.User.Name, "")
		req.Verb, req.Args, req.ID = verb, args, ic.View.ID
		withReplayKey(&req, key)
		return a.handle(ctx, req)
	}
	reply, ok := runTimed(ctx, a, &a.replyDones, run, func(ctx context.Context, reply bot.Reply) {
		// Too late to keep the modal open: the error goes to the user.
		if reply.Code != "" {
			reply.Ephemeral = true
		}
		a.deliver(ctx, ic.Team.ID, meta.Channel, ic.User.ID, reply)
	})
	if !ok {
		return nil
	}
	if reply.Code != "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldBlock(form, reply.Field): formError(reply)})
	}
	a.goLater(ctx, func(ctx context.Context) { a.deliver(ctx, ic.Team.ID, meta.Channel, ic.User.ID, reply) })
	return nil
}

// maxFormError is about what Slack shows under an input block.
const maxFormError = 150

// formError is an error reply as the plain text a form shows under a
// field. The command layer keeps errors to a line; a longer one ends
// with an ellipsis, visibly cut, since a modal has no room for more.
func formError(r bot.Reply) string {
	s := strings.Join(strings.Fields(bot.PlainText(r.Text())), " ")
	if len([]rune(s)) <= maxFormError {
		return s
	}
	return strings.TrimSpace(prefixRunes(s, maxFormError-1)) + "…"
}

// formExpired is what a form that cannot be run any more says.
const formExpired = "This form has expired. Close it and press the button again."

// form is the form the Handler declares for a Form button's command; ok
// is false when it declares none.
func (a *Adapter) form(command string) (bot.Form, bool) {
	if a.lang == nil {
		return bot.Form{}, false
	}
	return a.lang.Form(command)
}

// fieldBlock maps a reply's Field to the form block that shows its error:
// the field's own, or the last field's (the note) for an error about
// anything else, such as the target.
func fieldBlock(f bot.Form, field string) string {
	for _, ff := range f.Fields {
		if ff.Name == field {
			return field
		}
	}
	if len(f.Fields) == 0 {
		return expiredBlock
	}
	return f.Fields[len(f.Fields)-1].Name
}

// formAnswers returns the form's answers by block id, which is the
// argument each answers: a menu's selected value, or an input's text.
// Blank answers are left for the command layer to drop.
func formAnswers(f bot.Form, state *slack.ViewState) map[string]string {
	answers := map[string]string{}
	if state == nil {
		return answers
	}
	for _, ff := range f.Fields {
		v := state.Values[ff.Name][ff.Name]
		if ff.Kind == bot.ArgChoice {
			answers[ff.Name] = v.SelectedOption.Value
		} else {
			answers[ff.Name] = v.Value
		}
	}
	return answers
}

// formView is the modal a form button opens: the form's fields, each
// optional, so a user can give any one of them. Each field allows what
// its argument takes: a number box within its bounds, a menu of its
// choices with their labels, or text of its length, over several lines
// for the rest of a line.
func formView(meta formMeta, f bot.Form) slack.ModalViewRequest {
	md, _ := json.Marshal(meta) // two strings: cannot fail
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	blocks := []slack.Block{section(toMrkdwn(bot.Code("/target "+meta.Command), liveMentions))}
	for _, ff := range f.Fields {
		var el slack.BlockElement
		switch ff.Kind {
		case bot.ArgInteger:
			n := slack.NewNumberInputBlockElement(plain(ff.Placeholder), ff.Name, false)
			n.MinValue, n.MaxValue = strconv.Itoa(ff.Min), strconv.Itoa(ff.Max)
			el = n
		case bot.ArgChoice:
			opts := make([]*slack.OptionBlockObject, len(ff.Choices))
			for i, c := range ff.Choices {
				opts[i] = slack.NewOptionBlockObject(c.Value, plain(c.Label), nil)
			}
			el = slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(ff.Placeholder), ff.Name, opts...)
		default:
			t := slack.NewPlainTextInputBlockElement(plain(ff.Placeholder), ff.Name)
			t.Multiline, t.MaxLength = ff.Rest, ff.MaxLen
			el = t
		}
		b := slack.NewInputBlock(ff.Name, plain(ff.Label), nil, el)
		b.Optional = true
		blocks = append(blocks, b)
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      formCallback,
		Title:           plain(f.Title),
		Submit:          plain(f.Submit),
		Close:           plain("Cancel"),
		PrivateMetadata: string(md),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// deliver posts a reply where its user will see it: in the channel, only
// to the user when ephemeral, and by DM when there is no channel (a
// button in App Home).
func (a *Adapter) deliver(ctx context.Context, team, channel, user string, reply bot.Reply) {
	var err error
	switch {
	case channel == "":
		err = a.Post(ctx, bot.Message{Workspace: "slack:" + team, User: user, Reply: reply})
	case reply.Ephemeral:
		for _, msg := range a.renderReply(ctx, team, reply) {
			if _, err = a.api.PostEphemeralContext(ctx, channel, user,
				slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)); err != nil {
				break
			}
		}
	default:
		err = a.Post(ctx, bot.Message{Workspace: "slack:" + team, Channel: channel, Reply: reply})
	}
	if err != nil {
		a.log.Error("slack: deliver reply failed", "channel", channel, "user", user, "err", err)
	}
}
