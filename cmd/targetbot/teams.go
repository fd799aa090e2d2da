package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/bot/teams"
	"github.com/targetbot/targetbot/commands"
)

const teamsUsage = `usage: targetbot teams manifest --app-id ID [--out FILE]`

// runTeams is `targetbot teams manifest`: it writes the Teams app package
// (manifest.json and the two icons, zipped) for upload to Teams.
func (m *Main) runTeams(_ context.Context, args []string) error {
	if len(args) == 0 || args[0] != "manifest" {
		return errors.New(teamsUsage)
	}
	fs := m.flagSet("teams manifest")
	appID := fs.String("app-id", m.Config.TeamsAppID, "the Microsoft App ID of your Azure Bot, a GUID (TEAMS_APP_ID)")
	out := fs.String("out", "targetbot-teams.zip", "where to write the app package")
	version := fs.String("version", "1.0.0", "the app's version; raise it each time you upload a changed package")
	developer := fs.String("developer", "", "the developer name Teams shows (default targetbot)")
	website := fs.String("website-url", "", "https URL of the app's support page (default the project's)")
	privacy := fs.String("privacy-url", "", "https URL of its privacy statement (default the project's)")
	terms := fs.String("terms-url", "", "https URL of its terms of use (default the project's licence)")
	if err := m.parse(fs, args[1:]); err != nil {
		return err
	}
	if *appID == "" {
		return errors.New("teams manifest needs --app-id: the Microsoft App ID of your Azure Bot (or set TEAMS_APP_ID)")
	}
	var cmds []teams.Command
	for _, v := range commands.Verbs() {
		cmds = append(cmds, teams.Command{Name: v.Name, Summary: bot.PlainText(v.Summary)})
	}
	pkg, err := teams.Manifest(teams.ManifestOptions{
		AppID: *appID, Version: *version, Developer: *developer,
		WebsiteURL: *website, PrivacyURL: *privacy, TermsURL: *terms, Commands: cmds,
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, pkg, 0o644); err != nil {
		return fmt.Errorf("teams manifest: %w", &outFileError{path: *out, err: err})
	}
	fmt.Fprintf(m.Stdout, "wrote %s: upload it in Teams (Apps, Manage your apps, Upload an app) or the Teams admin centre\n", *out)
	return nil
}
