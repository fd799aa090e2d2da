package discord

import (
	"context"
	"encoding/json"
	"github.com/targetbot/targetbot/bot"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/commands"
)

var nameRE = regexp.MustCompile(`^[-_a-z0-9]{1,32}$`)

// TestCommandsWithinLimits checks the definition against Discord's limits,
// which otherwise only show up as a 400 at registration.
func TestCommandsWithinLimits(t *testing.T) {
	cmds := Commands(commands.Language{})
	if len(cmds) != 1 || cmds[0].Name != "target" {
		t.Fatalf("commands %v, want /target alone", cmds)
	}
	checkText := func(what, name, desc string) {
		if !nameRE.MatchString(name) {
			t.Errorf("%s name %q does not match %s", what, name, nameRE)
		}
		if n := len([]rune(desc)); n < 1 || n > 100 {
			t.Errorf("%s %q description has %d characters", what, name, n)
		}
	}
	checkText("command", cmds[0].Name, cmds[0].Description)
	subs := cmds[0].Options
	if len(subs) == 0 || len(subs) > 25 {
		t.Fatalf("%d subcommands", len(subs))
	}
	total := 0
	for _, s := range subs {
		if s.Type != discordgo.ApplicationCommandOptionSubCommand {
			t.Errorf("%s is not a subcommand", s.Name)
		}
		checkText("subcommand", s.Name, s.Description)
		if len(s.Options) > 25 {
			t.Errorf("%s has %d options", s.Name, len(s.Options))
		}
		optional := false
		for _, o := range s.Options {
			checkText("option of "+s.Name, o.Name, o.Description)
			total += len(o.Name) + len(o.Description)
			if o.Required && optional {
				t.Errorf("%s: required option %s follows an optional one", s.Name, o.Name)
			}
			optional = optional || !o.Required
			if len(o.Choices) > 25 || (o.Autocomplete && len(o.Choices) > 0) {
				t.Errorf("%s %s: %d choices, autocomplete %v", s.Name, o.Name, len(o.Choices), o.Autocomplete)
			}
			for _, c := range o.Choices {
				if n := len([]rune(c.Name)); n < 1 || n > 100 {
					t.Errorf("%s %s: choice %q", s.Name, o.Name, c.Name)
				}
			}
			if o.Name == "target" && (!o.Autocomplete || o.Type != discordgo.ApplicationCommandOptionString) {
				t.Errorf("%s: target option does not autocomplete", s.Name)
			}
			if o.MaxLength < 0 || o.MaxLength > 6000 {
				t.Errorf("%s %s: max_length %d", s.Name, o.Name, o.MaxLength)
			}
		}
		total += len(s.Name) + len(s.Description)
	}
	// Discord caps a command's names, descriptions and values at 8000.
	if total > 8000 {
		t.Errorf("command text totals %d characters", total)
	}
	byName := map[string]*discordgo.ApplicationCommandOption{}
	for _, s := range subs {
		for _, o := range s.Options {
			byName[s.Name+"."+o.Name] = o
		}
	}
	if p := byName["update.progress"]; p == nil || p.Type != discordgo.ApplicationCommandOptionInteger || p.MinValue == nil || *p.MinValue != 0 || p.MaxValue != 100 {
		t.Errorf("update.progress = %+v, want an integer 0..100", p)
	}
	if s := byName["update.status"]; s == nil || len(s.Choices) != 5 {
		t.Errorf("update.status = %+v, want the five statuses", s)
	}
	if g := byName["rate.grade"]; g == nil || len(g.Choices) != 5 || !g.Required || g.Choices[4].Value != "none" {
		t.Errorf("rate.grade = %+v, want the four grades and none", g)
	}
	if u := byName["assign.unassign"]; u == nil || u.Type != discordgo.ApplicationCommandOptionBoolean {
		t.Errorf("assign.unassign = %+v, want a boolean option", u)
	}
	if r := byName["reminders.cron"]; r == nil || r.Required {
		t.Errorf("reminders.cron = %+v, want an optional cron option", r)
	}
	if u := byName["assign.user"]; u == nil || u.Type != discordgo.ApplicationCommandOptionUser {
		t.Errorf("assign.user = %+v, want a user option", u)
	}
}

// TestCommandsDeriveFromTable checks registration says what the command
// table declares, verb for verb and argument for argument, with nothing
// cut to fit.
func TestCommandsDeriveFromTable(t *testing.T) {
	subs := Commands(commands.Language{})[0].Options
	vs := commands.Language{}.Commands()
	if len(subs) != len(vs) {
		t.Fatalf("%d subcommands for %d verbs", len(subs), len(vs))
	}
	types := map[bot.ArgKind]discordgo.ApplicationCommandOptionType{
		bot.ArgInteger: discordgo.ApplicationCommandOptionInteger,
		bot.ArgUser:    discordgo.ApplicationCommandOptionUser,
		bot.ArgFlag:    discordgo.ApplicationCommandOptionBoolean,
	}
	for i, v := range vs {
		s := subs[i]
		if s.Name != v.Name || !strings.HasSuffix(strings.TrimSuffix(s.Description, " ("+v.Access+")"), bot.PlainText(v.Summary)[1:]) {
			t.Errorf("subcommand %d is %q %q, want verb %q %q", i, s.Name, s.Description, v.Name, v.Summary)
		}
		if len(s.Options) != len(v.Args) {
			t.Errorf("%s: %d options for %d arguments", v.Name, len(s.Options), len(v.Args))
			continue
		}
		for j, a := range v.Args {
			o := s.Options[j]
			want, ok := types[a.Kind]
			if !ok {
				want = discordgo.ApplicationCommandOptionString
			}
			var values []string
			for _, c := range o.Choices {
				values = append(values, c.Value.(string))
			}
			if o.Name != a.Name || o.Type != want || o.Required != a.Required || o.Description != a.Description ||
				o.Autocomplete != (a.Kind == bot.ArgTarget) || !slices.Equal(values, a.ChoiceValues()) {
				t.Errorf("%s option %d = %+v, want argument %+v", v.Name, j, o, a)
			}
			if want == discordgo.ApplicationCommandOptionString && o.MaxLength != a.MaxLen {
				t.Errorf("%s %s: max_length %d, the verb takes %d", v.Name, a.Name, o.MaxLength, a.MaxLen)
			}
			if want == discordgo.ApplicationCommandOptionInteger && (o.MinValue == nil || *o.MinValue != float64(a.Min) || o.MaxValue != float64(a.Max)) {
				t.Errorf("%s %s: range %v..%v, the verb takes %d..%d", v.Name, a.Name, o.MinValue, o.MaxValue, a.Min, a.Max)
			}
		}
	}
	// The note option allows exactly what the command layer keeps.
	u, _ := commands.Language{}.Command("update")
	note, _ := u.Arg("note")
	if o := subs[slices.IndexFunc(subs, func(s *discordgo.ApplicationCommandOption) bool { return s.Name == "update" })].Options[3]; o.Name != "note" || o.MaxLength != note.MaxLen || note.MaxLen != 1000 {
		t.Errorf("update.note = %+v, want max_length %d", o, note.MaxLen)
	}
}

func TestRegister(t *testing.T) {
	for _, c := range []struct{ guild, path string }{
		{"81234", "/applications/" + testAppID + "/guilds/81234/commands"},
		{"", "/applications/" + testAppID + "/commands"},
	} {
		t.Run(c.path, func(t *testing.T) {
			api := newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) { _, _ = w.Write(r.Body) })
			a := newAdapter(t, &fakeHandler{}, api, nil)
			if err := a.Register(t.Context(), c.guild); err != nil {
				t.Fatal(err)
			}
			r := api.next(t)
			api.none(t)
			if r.Method != "PUT" || r.Path != c.path {
				t.Fatalf("%s %s, want a bulk overwrite PUT %s", r.Method, r.Path, c.path)
			}
			if got := r.Header.Get("Authorization"); got != "Bot test-token" {
				t.Errorf("Authorization %q", got)
			}
			var sent []*discordgo.ApplicationCommand
			if err := json.Unmarshal(r.Body, &sent); err != nil {
				t.Fatal(err)
			}
			if len(sent) != 1 || sent[0].Name != "target" || len(sent[0].Options) != len(commands.Language{}.Commands()) {
				t.Fatalf("payload %s", r.Body)
			}
		})
	}
	a := newAdapter(t, &fakeHandler{}, nil, func(o *Options) { o.AppID = "" })
	if err := a.Register(t.Context(), ""); err == nil {
		t.Error("Register without an application id succeeded")
	}
	// A handler that declares no commands would wipe /target: refused.
	plain := bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return bot.Reply{} })
	api := newFakeDiscord(t, nil)
	a = newAdapter(t, plain, api, nil)
	if err := a.Register(t.Context(), ""); err == nil || !strings.Contains(err.Error(), "bot.Language") {
		t.Errorf("Register without a language: %v", err)
	}
	api.none(t)
}
