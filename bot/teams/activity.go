package teams

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strings"
)

// account is a Bot Framework ChannelAccount.
type account struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	AADObjectID string `json:"aadObjectId,omitempty"`
}

// conversation is a Bot Framework ConversationAccount.
type conversation struct {
	ID               string `json:"id"`
	ConversationType string `json:"conversationType,omitempty"` // personal, channel, groupChat
	TenantID         string `json:"tenantId,omitempty"`
	IsGroup          bool   `json:"isGroup,omitempty"`
}

// entity is one of an activity's entities; only mentions matter here.
type entity struct {
	Type      string   `json:"type"`
	Text      string   `json:"text,omitempty"`
	Mentioned *account `json:"mentioned,omitempty"`
}

// activity is the part of an inbound Bot Framework activity the adapter
// reads.
type activity struct {
	Type           string          `json:"type"`
	Name           string          `json:"name,omitempty"` // an invoke's kind: "adaptiveCard/action"
	ID             string          `json:"id"`
	ServiceURL     string          `json:"serviceUrl"`
	ChannelID      string          `json:"channelId"`
	From           account         `json:"from"`
	Conversation   conversation    `json:"conversation"`
	Recipient      account         `json:"recipient"`
	Text           string          `json:"text"`
	ReplyToID      string          `json:"replyToId,omitempty"`
	Entities       []entity        `json:"entities,omitempty"`
	Value          json.RawMessage `json:"value,omitempty"`
	MembersAdded   []account       `json:"membersAdded,omitempty"`
	MembersRemoved []account       `json:"membersRemoved,omitempty"`
	ChannelData    struct {
		Tenant struct {
			ID string `json:"id"`
		} `json:"tenant"`
		Team struct {
			ID   string `json:"id"`
			Name string `json:"name,omitempty"`
		} `json:"team"`
	} `json:"channelData"`
}

// parseActivity decodes an activity. Only its JSON shape is checked here;
// whether it is a command is for commandText.
func parseActivity(body []byte) (*activity, error) {
	var act activity
	if err := json.Unmarshal(body, &act); err != nil {
		return nil, fmt.Errorf("teams: parse activity: %w", err)
	}
	if act.Type == "" || act.ServiceURL == "" {
		return nil, errors.New("teams: parse activity: type and serviceUrl are required")
	}
	// GUIDs come in either case; one user is one id (see canonical).
	act.From.AADObjectID = canonical(act.From.AADObjectID)
	for _, ms := range [][]account{act.MembersAdded, act.MembersRemoved} {
		for i := range ms {
			ms[i].AADObjectID = canonical(ms[i].AADObjectID)
		}
	}
	for i := range act.Entities {
		if m := act.Entities[i].Mentioned; m != nil {
			m.AADObjectID = canonical(m.AADObjectID)
		}
	}
	return &act, nil
}

// tenant is the activity's tenant: Teams puts it in channelData, and
// newer payloads in the conversation too.
func (act *activity) tenant() string {
	return canonical(first(act.ChannelData.Tenant.ID, act.Conversation.TenantID))
}

// personal reports whether the activity is in a 1:1 chat with the bot.
func (act *activity) personal() bool { return act.Conversation.ConversationType == "personal" }

// channel is the conversation id the command layer sees: without the
// ";messageid=…" that names a thread of a channel, so a subscription is
// the channel's, and a digest starts a new post rather than joining
// whichever thread "digest here" was typed in.
func (act *activity) channel() string {
	id, _, _ := strings.Cut(act.Conversation.ID, ";messageid=")
	return id
}

// rosterID is the conversation whose members to look people up in: the
// team, in a channel, since everyone in the team is in its roster
// whichever channel they wrote in; else the chat itself.
func (act *activity) rosterID() string {
	return first(act.ChannelData.Team.ID, act.Conversation.ID)
}

// commandText is the command a message carries, or ok=false when it
// carries none: in a channel or group chat, a message that does not
// @mention the bot is not for us. Each mention of another user is
// replaced with what user returns for that user: a user reference the
// command layer understands. The bot's mention is removed wherever it
// is: words before it are what people say to each other ("please
// @targetbot show …", "@Sam fyi @targetbot list mine"), so when words
// follow the mention, the command is those; when none do ("show eds/1.1
// @targetbot"), it is the words before it. A leading "/target" or
// "target" is dropped.
func (act *activity) commandText(user func(who account) string) (text string, ok bool) {
	text = act.Text
	const mark = "\x00targetbot\x00" // where the bot was mentioned; Teams text holds no NUL
	mentioned := false
	for _, e := range act.Entities {
		if !strings.EqualFold(e.Type, "mention") || e.Mentioned == nil || e.Text == "" {
			continue
		}
		if act.Recipient.ID != "" && e.Mentioned.ID == act.Recipient.ID {
			mentioned = true
			text = replaceWord(text, e.Text, mark)
			continue
		}
		text = replaceWord(text, e.Text, user(*e.Mentioned))
	}
	if !mentioned && !act.personal() {
		return "", false
	}
	if i := strings.Index(text, mark); i >= 0 {
		before, after := text[:i], strings.ReplaceAll(text[i+len(mark):], mark, "")
		text = after
		if cleanText(after) == "" {
			text = strings.ReplaceAll(before, mark, "")
		}
	}
	return cleanText(text), true
}

// replaceWord replaces each old in s with repl, with a space either side
// where it would otherwise touch another word.
func replaceWord(s, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		if i > 0 && !isSpace(s[i-1]) && repl != "" {
			b.WriteByte(' ')
		}
		b.WriteString(repl)
		s = s[i+len(old):]
		if s != "" && !isSpace(s[0]) {
			b.WriteByte(' ')
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// cleanText undoes what Teams does to typed text: HTML entities (&amp;,
// &nbsp;), non-breaking spaces, and stray <at> tags without an entity;
// then trims it and drops a leading "/target" or "target".
func cleanText(s string) string {
	s = strings.NewReplacer("<at>", "", "</at>", "").Replace(s)
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = strings.TrimSpace(s)
	for _, prefix := range []string{"/target", "target"} {
		if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			rest := s[len(prefix):]
			if rest == "" || isSpace(rest[0]) {
				return strings.TrimSpace(rest)
			}
		}
	}
	return s
}

// submission is the value of a card's Action.Submit: the command the
// button runs, for the update form the id its inputs carry, and the
// workspace the card was made for. A press runs there only for one of
// its members (see Adapter.settle): a DM's reminder keeps working
// after its user has switched to another team, and a forged card
// cannot reach a team its presser is not in.
type submission struct {
	Command   string `json:"command"`
	Form      string `json:"form,omitempty"`
	Workspace string `json:"workspace,omitempty"`
}

// isSubmit reports whether the activity is a card's Action.Submit: a
// message with a value.
func (act *activity) isSubmit() bool { return len(act.Value) > 0 && string(act.Value) != "null" }

// submitted reads a card button press: the command its button runs and,
// for a form's submit button, the form's number and every value the card
// sent, among them the form's answers (see formAnswers). ok is false when
// the value is not one of our buttons'.
func (act *activity) submitted() (cmd, form string, values map[string]any, ok bool) {
	if err := json.Unmarshal(act.Value, &values); err != nil {
		return "", "", nil, false
	}
	cmd, _ = values["command"].(string)
	cmd = strings.TrimSpace(cmd)
	if cmd == "" {
		return "", "", nil, false
	}
	form, _ = values["form"].(string)
	return cmd, form, values, true
}
