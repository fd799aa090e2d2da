package discord

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/bwmarrin/discordgo"
)

var nameRE = regexp.MustCompile(`^[-_a-z0-9]{1,32}$`)

// TestCommandsWithinLimits checks the definition against Discord's limits,
// which otherwise only show up as a 400 at registration.
func TestCommandsWithinLimits(t *testing.T) {
	cmds := Commands()
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
			if len(sent) != 1 || sent[0].Name != "target" || len(sent[0].Options) != len(verbs()) {
				t.Fatalf("payload %s", r.Body)
			}
		})
	}
	a := newAdapter(t, &fakeHandler{}, nil, func(o *Options) { o.AppID = "" })
	if err := a.Register(t.Context(), ""); err == nil {
		t.Error("Register without an application id succeeded")
	}
}
