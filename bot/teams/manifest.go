package teams

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The Teams app manifest schema the package is written for.
const (
	ManifestVersion = "1.17"
	ManifestSchema  = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
)

// Limits from the v1.17 schema.
const (
	maxCommandsPerList = 10
	maxCommandTitle    = 32
	maxCommandDesc     = 128
	maxShortName       = 30
	maxShortDesc       = 80
)

// guidPattern is the schema's GUID format, which both the app id and the
// bot id must match.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$`)

// Command is a verb for the bot's command menu.
type Command struct {
	Name    string
	Summary string
}

// ManifestOptions describes the app package.
type ManifestOptions struct {
	AppID string // the Azure Bot's Microsoft App ID: the app id and the bot id
	// Version is the app's semver; bump it on every re-upload. Default 1.0.0.
	Version string
	// Developer and its URLs are shown on the app's page in Teams; the
	// defaults point at the project.
	Developer, WebsiteURL, PrivacyURL, TermsURL string
	// Commands is the verb table, in its order.
	Commands []Command
}

// personalCommands and channelCommands pick the verbs each menu shows,
// most used first: Teams shows at most 10 per scope. In a 1:1 chat people
// log and look up their own work; in a channel a team looks at the whole
// picture and admins set it up. Every verb works everywhere, whatever the
// menu shows, and "help" lists them all.
var (
	personalCommands = []string{"update", "list", "show", "history", "undo", "snooze", "due", "help", "frameworks", "timezone"}
	channelCommands  = []string{"list", "show", "update", "digest", "import", "assign", "rate", "history", "help", "frameworks"}
)

// Manifest builds the Teams app package: a zip of manifest.json and the
// two icons, ready for "Upload a custom app" or the Teams admin centre.
func Manifest(o ManifestOptions) ([]byte, error) {
	o.AppID = strings.TrimSpace(o.AppID)
	if !guidPattern.MatchString(o.AppID) {
		return nil, fmt.Errorf("teams manifest: app id %q is not a GUID: use the Microsoft App ID of your Azure Bot, e.g. 00000000-0000-0000-0000-000000000000", o.AppID)
	}
	if o.Version == "" {
		o.Version = "1.0.0"
	}
	if !regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`).MatchString(o.Version) {
		return nil, fmt.Errorf("teams manifest: version %q must be MAJOR.MINOR.PATCH, e.g. 1.0.1", o.Version)
	}
	o.Developer = first(o.Developer, "targetbot")
	o.WebsiteURL = first(o.WebsiteURL, "https://github.com/targetbot/targetbot")
	o.PrivacyURL = first(o.PrivacyURL, "https://github.com/targetbot/targetbot#privacy")
	o.TermsURL = first(o.TermsURL, "https://github.com/targetbot/targetbot/blob/main/LICENSE")
	for _, u := range []string{o.WebsiteURL, o.PrivacyURL, o.TermsURL} {
		if !strings.HasPrefix(strings.ToLower(u), "https://") {
			return nil, fmt.Errorf("teams manifest: %q must be an https URL", u)
		}
	}
	if utf8.RuneCountInString(o.Developer) > 32 {
		return nil, fmt.Errorf("teams manifest: developer name %q is longer than 32 characters", o.Developer)
	}
	if len(o.Commands) == 0 {
		return nil, errors.New("teams manifest: no commands to list")
	}
	m := map[string]any{
		"$schema":         ManifestSchema,
		"manifestVersion": ManifestVersion,
		"version":         o.Version,
		"id":              o.AppID,
		"developer": map[string]any{
			"name": o.Developer, "websiteUrl": o.WebsiteURL, "privacyUrl": o.PrivacyURL, "termsOfUseUrl": o.TermsURL,
		},
		"name": map[string]any{"short": "targetbot", "full": "targetbot: equality objectives and targets"},
		"description": map[string]any{
			"short": "Track equality objectives and targets, with digests and reminders.",
			"full": "targetbot tracks frameworks of objectives and targets, such as the NHS Equality Delivery System 2022, in chat. " +
				"Log progress with a message, see where every target stands, get a weekly digest in a channel, " +
				"and reminders in a 1:1 chat when a target you own is overdue. Type help to start.",
		},
		"icons":       map[string]any{"color": "color.png", "outline": "outline.png"},
		"accentColor": "#005EB8",
		"bots": []any{map[string]any{
			"botId":              o.AppID,
			"scopes":             []string{"personal", "team", "groupChat"},
			"supportsFiles":      false,
			"isNotificationOnly": false,
			"commandLists": []any{
				map[string]any{"scopes": []string{"personal"}, "commands": commandList(o.Commands, personalCommands)},
				map[string]any{"scopes": []string{"team", "groupChat"}, "commands": commandList(o.Commands, channelCommands)},
			},
		}},
		"permissions":  []string{"identity", "messageTeamMembers"},
		"validDomains": []string{},
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("teams manifest: %w", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{{"manifest.json", js}, {"color.png", colorIcon()}, {"outline.png", outlineIcon()}} {
		// A zero Modified time is stored as the invalid DOS date
		// 1980-00-00; a fixed valid one keeps the package reproducible.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: zipTime})
		if err == nil {
			_, err = w.Write(f.data)
		}
		if err != nil {
			return nil, fmt.Errorf("teams manifest: zip %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("teams manifest: zip: %w", err)
	}
	return buf.Bytes(), nil
}

// zipTime is every file's time in the app package: the earliest valid
// DOS date, the same on every build.
var zipTime = time.Date(1980, time.January, 1, 0, 0, 0, 0, time.UTC)

// commandList is the menu for one scope: the preferred verbs that the
// table has, in preference order, then the table's other verbs until the
// list holds maxCommandsPerList. Titles and descriptions are cut to the
// schema's limits at a word, which for a menu hint is a summary, not a
// loss: help gives every verb in full.
func commandList(table []Command, prefer []string) []map[string]string {
	var out []map[string]string
	used := map[string]bool{}
	add := func(c Command) {
		if len(out) == maxCommandsPerList || used[c.Name] || c.Name == "" || utf8.RuneCountInString(c.Name) > maxCommandTitle {
			return
		}
		used[c.Name] = true
		out = append(out, map[string]string{"title": c.Name, "description": cutWords(c.Summary, maxCommandDesc)})
	}
	for _, name := range prefer {
		for _, c := range table {
			if c.Name == name {
				add(c)
			}
		}
	}
	for _, c := range table {
		add(c)
	}
	return out
}

// cutWords shortens s to at most n characters at a word break, with an
// ellipsis.
func cutWords(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	if i := strings.LastIndex(string(r), " "); i > 0 {
		return strings.TrimRight(string(r)[:i], " ,;:") + "…"
	}
	return string(r) + "…"
}
