package main

import (
	"context"
	"strings"
	"testing"
)

// `targetbot discord register` sends the whole command language: the
// adapter refuses to register a handler that declares none, which would
// wipe /target.
func TestDiscordRegisterSendsTheLanguage(t *testing.T) {
	api := &fakeAPI{}
	srv := api.server(t, func(path string, n int) string { return `[]` })
	m, out, errOut := testMain(t, "", "")
	m.Config.DiscordBotToken = "discord-test"
	m.Config.DiscordAppID = "4242"
	m.Config.DiscordAPIURL = srv.URL + "/api/v9"
	if err := m.Run(context.Background(), []string{"discord", "register", "--guild", "81234"}); err != nil {
		t.Fatalf("discord register: %v\n%s", err, errOut)
	}
	calls := api.recorded()
	if len(calls) != 1 || !strings.HasSuffix(calls[0].path, "/applications/4242/guilds/81234/commands") {
		t.Fatalf("calls %+v, want one bulk overwrite of the guild's commands", calls)
	}
	if !strings.Contains(out.String(), "registered /target in server 81234") {
		t.Errorf("printed %q", out)
	}
}
