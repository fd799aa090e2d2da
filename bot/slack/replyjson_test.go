package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands"
)

// checkMessageJSON fails unless appendMessage writes exactly what
// json.Marshal writes for m.
func checkMessageJSON(t *testing.T, m message) {
	t.Helper()
	want, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := appendMessage(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("appendMessage differs from json.Marshal:\n got %s\nwant %s", got, want)
	}
}

// Every reply the worst-case workspace gives, for every verb and many
// targets, ephemeral and in the channel, encodes byte for byte as
// json.Marshal encodes it.
func TestAppendMessageMatchesMarshal(t *testing.T) {
	ctx := context.Background()
	w := newWorstWorld(t)
	texts := []string{"help", "frameworks", "list", "list overdue", "list mine", "list at-risk", "list @U0ADMIN",
		"cycle", "bogus", "update nonsense", "update 1.1 140%", "digest now", "undo"}
	for _, v := range (commands.Language{}).Commands() {
		texts = append(texts, "help "+v.Name)
	}
	targets, err := w.store.Targets(ctx, worstWS)
	if err != nil {
		t.Fatal(err)
	}
	for i, tg := range targets {
		if i == 40 {
			break
		}
		texts = append(texts, "show "+tg.Ref(), "history "+tg.Ref(), "update "+tg.Ref()+" 40% at-risk a <note> & \"more\" \u2028 <@U0ADMIN>")
	}
	n := 0
	for _, text := range texts {
		reply := w.adapter.opts.Handler.Handle(ctx, bot.Request{Workspace: worstWS, Channel: "C1", User: "U0ADMIN", PlatformAdmin: true, Text: text})
		for _, eph := range []bool{true, false} {
			reply.Ephemeral = eph
			for _, m := range w.adapter.renderReply(ctx, teamOf(worstWS), reply) {
				checkMessageJSON(t, m)
				n++
			}
		}
	}
	if n < 200 {
		t.Fatalf("only %d messages compared", n)
	}
}

// Blocks and elements it does not encode itself, and odd values, still
// come out as json.Marshal writes them.
func TestAppendMessageOddBlocks(t *testing.T) {
	yes, no := true, false
	odd := []message{
		{},
		{ResponseType: "ephemeral", ReplaceOriginal: &no, Text: "x"},
		{ReplaceOriginal: &yes, Blocks: []slack.Block{nil}},
		{Blocks: []slack.Block{(*slack.SectionBlock)(nil), (*slack.ActionBlock)(nil)}},
		{Blocks: []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "My <targets>", false, false))}},
		{Blocks: []slack.Block{slack.NewDividerBlock(), &slack.SectionBlock{Type: slack.MBTSection, BlockID: "b1", Expand: true,
			Fields: []*slack.TextBlockObject{nil, {Type: "mrkdwn", Text: "\x00\x1f\u2029\xff"}}}}},
		{Blocks: []slack.Block{slack.NewSectionBlock(mrkdwnText("a"), nil, slack.NewAccessory(slack.NewButtonBlockElement("a", "v", nil)))}},
		{Blocks: []slack.Block{&slack.ActionBlock{Type: slack.MBTAction}, &slack.ActionBlock{Type: slack.MBTAction, Elements: &slack.BlockElements{}},
			&slack.ActionBlock{Type: slack.MBTAction, BlockID: "x", Elements: &slack.BlockElements{ElementSet: []slack.BlockElement{}}}}},
		{Blocks: []slack.Block{slack.NewActionBlock("", &slack.ButtonBlockElement{}, &slack.ButtonBlockElement{Type: slack.METButton, URL: "https://x/?a=1&b=<2>",
			Style: slack.StyleDanger, AccessibilityLabel: "l", AgentPrompt: "p", AgentPromptDisplay: "d", VisibleToUserIDs: []string{"U1", "U<2>"}},
			&slack.ButtonBlockElement{Type: slack.METButton, Text: slack.NewTextBlockObject(slack.PlainTextType, "ok", true, false),
				Confirm: slack.NewConfirmationBlockObject(slack.NewTextBlockObject(slack.PlainTextType, "t", false, false), nil, nil, nil)},
			slack.NewDatePickerBlockElement("d"))}},
	}
	for _, m := range odd {
		checkMessageJSON(t, m)
	}
}

// FuzzAppendMessage: whatever a reply holds, its rendered messages
// encode as json.Marshal encodes them.
func FuzzAppendMessage(f *testing.F) {
	f.Add("eds/1.1 Data", "🟢 on-track, 40%\n<@U1> & <b>", "Owner", "<@U2CERLKJA>", "Log", "update eds/1.1", true)
	f.Add("", "\u2028\x00\xff\"\\", "", "", "", "", false)
	f.Add(strings.Repeat("long ", 800), strings.Repeat("x\n", 3000), "f", strings.Repeat("v", 2500), strings.Repeat("é", 80), "c", false)
	f.Fuzz(func(t *testing.T, title, text, fname, fvalue, label, command string, ephemeral bool) {
		r := bot.Reply{Ephemeral: ephemeral, Notify: []string{"U1"}, Blocks: []bot.Block{{
			Title: title, Text: text,
			Fields:  []bot.Field{{Name: fname, Value: fvalue, Inline: true}, {Name: fname, Value: fvalue}},
			Buttons: []bot.Button{{Label: label, Command: command, Style: "primary"}, {Label: label, Command: command, Form: true}},
		}}, Details: []bot.Block{{Text: text}}}
		m := newMentions(r, map[string]string{"U2CERLKJA": "Road <Runner>"})
		for _, msg := range append(render(r, m), renderDetails(r, m)...) {
			checkMessageJSON(t, msg)
		}
	})
}
