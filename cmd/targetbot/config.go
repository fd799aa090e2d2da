package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/targetbot/targetbot/bot/teams"
	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework/catalog"
)

// Config is targetbot's configuration: environment variables, overridden
// by flags. DESIGN.md section 2 is the contract for both.
type Config struct {
	Store         string // TARGETBOT_STORE, else REDIS_URL, else bolt:targetbot.db
	StoreFrom     string // where Store came from, for errors: "--store", "TARGETBOT_STORE" or "REDIS_URL"
	Addr          string // TARGETBOT_ADDR
	Timezone      string // TARGETBOT_TIMEZONE
	Admins        string // TARGETBOT_ADMINS, "slack:U123,discord:456,teams:<aad>"
	FrameworksDir string // TARGETBOT_FRAMEWORKS_DIR
	// frameworksEnv is TARGETBOT_FRAMEWORKS_DIR, to tell, for errors,
	// whether FrameworksDir came from --frameworks-dir.
	frameworksEnv string
	User          string // console user, default $USER

	SlackSigningSecret string
	SlackBotToken      string
	SlackAppToken      string
	SlackAPIURL        string

	DiscordPublicKey string
	DiscordBotToken  string
	DiscordAppID     string
	DiscordAPIURL    string

	TeamsAppID       string // TEAMS_APP_ID: enables POST /teams/messages
	TeamsAppPassword string // TEAMS_APP_PASSWORD: the client secret
	TeamsTenantID    string // TEAMS_TENANT_ID: accept this tenant only
	TeamsWorkspace   string // TEAMS_WORKSPACE: team (default) or tenant
	TeamsOpenIDURL   string // TEAMS_OPENID_URL
	TeamsTokenURL    string // TEAMS_TOKEN_URL

	LinkSecret string // TARGETBOT_LINK_SECRET: signs report links, at least 32 bytes
	PublicURL  string // TARGETBOT_PUBLIC_URL: the https base URL report links start with
	DebugAddr  string // TARGETBOT_DEBUG_ADDR: serve's profiler, off when empty
}

// DefaultStore is where state lives when nothing says otherwise.
const DefaultStore = "bolt:targetbot.db"

// ConfigFromEnv reads the environment through getenv.
func ConfigFromEnv(getenv func(string) string) Config {
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	return Config{
		Store:              or(getenv("TARGETBOT_STORE"), or(getenv("REDIS_URL"), DefaultStore)),
		StoreFrom:          storeFrom(getenv),
		Addr:               or(getenv("TARGETBOT_ADDR"), ":8080"),
		Timezone:           or(getenv("TARGETBOT_TIMEZONE"), "Europe/London"),
		Admins:             getenv("TARGETBOT_ADMINS"),
		FrameworksDir:      getenv("TARGETBOT_FRAMEWORKS_DIR"),
		frameworksEnv:      getenv("TARGETBOT_FRAMEWORKS_DIR"),
		User:               or(getenv("USER"), "me"),
		SlackSigningSecret: getenv("SLACK_SIGNING_SECRET"),
		SlackBotToken:      getenv("SLACK_BOT_TOKEN"),
		SlackAppToken:      getenv("SLACK_APP_TOKEN"),
		SlackAPIURL:        getenv("SLACK_API_URL"),
		DiscordPublicKey:   getenv("DISCORD_PUBLIC_KEY"),
		DiscordBotToken:    getenv("DISCORD_BOT_TOKEN"),
		DiscordAppID:       getenv("DISCORD_APP_ID"),
		DiscordAPIURL:      getenv("DISCORD_API_URL"),
		TeamsAppID:         getenv("TEAMS_APP_ID"),
		TeamsAppPassword:   getenv("TEAMS_APP_PASSWORD"),
		TeamsTenantID:      getenv("TEAMS_TENANT_ID"),
		TeamsWorkspace:     getenv("TEAMS_WORKSPACE"),
		TeamsOpenIDURL:     or(getenv("TEAMS_OPENID_URL"), teams.DefaultOpenIDURL),
		TeamsTokenURL:      or(getenv("TEAMS_TOKEN_URL"), teams.DefaultTokenURL),
		LinkSecret:         getenv("TARGETBOT_LINK_SECRET"),
		PublicURL:          getenv("TARGETBOT_PUBLIC_URL"),
		DebugAddr:          getenv("TARGETBOT_DEBUG_ADDR"),
	}
}

// storeFrom names the variable the store URL comes from.
func storeFrom(getenv func(string) string) string {
	if getenv("TARGETBOT_STORE") == "" && getenv("REDIS_URL") != "" {
		return "REDIS_URL"
	}
	return "TARGETBOT_STORE"
}

// commonFlags registers the flags every subcommand that opens the store takes.
func (c *Config) commonFlags(fs *flag.FlagSet) {
	fs.Func("store", "where state lives: bolt:PATH, redis://…, rediss://… or redis-cluster://host:port,… (TARGETBOT_STORE; default "+DefaultStore+")", func(s string) error {
		c.Store, c.StoreFrom = s, "--store"
		return nil
	})
	fs.StringVar(&c.Timezone, "timezone", c.Timezone, "default time zone for new workspaces, an IANA name (TARGETBOT_TIMEZONE)")
	fs.StringVar(&c.FrameworksDir, "frameworks-dir", c.FrameworksDir, "folder of custom framework YAML files (TARGETBOT_FRAMEWORKS_DIR)")
}

// adminsFlag registers --admins, for the subcommands that run commands
// (console, serve, run-schedules): dump, restore and report check no
// one's rights, so there it would do nothing.
func (c *Config) adminsFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.Admins, "admins", c.Admins, "extra admins, e.g. slack:U123,discord:456,local:priya (TARGETBOT_ADMINS)")
}

// Location loads the default time zone.
func (c *Config) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("TARGETBOT_TIMEZONE %q is not an IANA time zone name (for example Europe/London)", c.Timezone)
	}
	return loc, nil
}

// namesLocalAdmins reports whether TARGETBOT_ADMINS names console users.
func (c *Config) namesLocalAdmins() bool {
	for _, a := range strings.Split(c.Admins, ",") {
		if strings.HasPrefix(strings.TrimSpace(a), "local:") {
			return true
		}
	}
	return false
}

// consoleUser checks a console user name and puts it in the one form
// commands see: no leading @, lower case (so @Dev and @dev are one
// owner), letters, digits, dots, hyphens and underscores.
// from names where the name came from, --user or $USER.
func consoleUser(name, from string) (string, error) {
	u := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "@"))
	if u == "" || len(u) > 64 || strings.IndexFunc(u, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_')
	}) >= 0 {
		return "", fmt.Errorf("%s %q is not a user name: use letters, digits, dots, hyphens or underscores, for example --user priya", from, name)
	}
	return u, nil
}

// localExample is entry as a console user's admin entry would name it,
// or "priya" when entry cannot be one.
func localExample(entry string) string {
	if u, err := consoleUser(entry[strings.IndexByte(entry, ':')+1:], ""); err == nil {
		return u
	}
	return "priya"
}

// AdminList splits and checks TARGETBOT_ADMINS.
func (c *Config) AdminList() ([]string, error) {
	var out []string
	for _, a := range strings.Split(c.Admins, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		platform, user, ok := strings.Cut(a, ":")
		if !ok || user == "" || (platform != "slack" && platform != "discord" && platform != "teams" && platform != "local") {
			return nil, fmt.Errorf("TARGETBOT_ADMINS entry %q must be platform:user, for example slack:U123, discord:456, teams:<AAD object id> or, for a console user, local:%s", a, localExample(a))
		}
		if platform == "teams" {
			// An object id is a GUID, which Teams writes in either
			// case and the adapter in lower case.
			a = platform + ":" + strings.ToLower(user)
		}
		out = append(out, a)
	}
	return out, nil
}

// TeamsWorkspaceMode checks TEAMS_WORKSPACE: what one Teams workspace
// is, a team (the default) or the whole tenant.
func (c *Config) TeamsWorkspaceMode() (teams.WorkspaceMode, error) {
	mode, err := teams.ParseWorkspaceMode(c.TeamsWorkspace)
	if err != nil {
		return "", fmt.Errorf("TEAMS_WORKSPACE %q must be team (each team is its own workspace; the default) or tenant (the whole tenant is one workspace, for a tenant that is one organisation)", c.TeamsWorkspace)
	}
	return mode, nil
}

// ReportLinks checks the report link settings. A secret, when set, must
// be at least report.MinSecretLen bytes, and a public URL, when set, an
// https origin with no path, query or fragment (serve answers at its
// root). It returns the secret and the base URL without a trailing
// slash; links are on only when both are set.
func (c *Config) ReportLinks() (secret []byte, base string, err error) {
	if c.LinkSecret != "" && len(c.LinkSecret) < report.MinSecretLen {
		return nil, "", fmt.Errorf("TARGETBOT_LINK_SECRET is %d bytes: report links need at least %d, for example from `openssl rand -hex 32`", len(c.LinkSecret), report.MinSecretLen)
	}
	if c.PublicURL != "" {
		if base, err = baseURL("TARGETBOT_PUBLIC_URL", c.PublicURL); err != nil {
			return nil, "", err
		}
	}
	return []byte(c.LinkSecret), base, nil
}

// frameworksError names where a custom frameworks folder that cannot be
// read came from: the flag, or the variable. Errors about a file in it
// name the file, which is enough to find it.
func (c *Config) frameworksError(err error) error {
	var fe *catalog.FolderError
	if !errors.As(err, &fe) {
		return err
	}
	from := "TARGETBOT_FRAMEWORKS_DIR"
	if c.FrameworksDir != c.frameworksEnv {
		from = "--frameworks-dir"
	}
	return fmt.Errorf("%s names %s, which %s: point %s at the folder of your framework YAML files, or leave it unset for the built-in frameworks only", from, fe.Dir, fe.Reason, from)
}
