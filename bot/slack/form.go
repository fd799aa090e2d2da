package slack

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/slack-go/slack"
)

// parseCommand parses a verified slash-command form body into the
// fields slack-go's SlashCommandParse fills, with the same meaning: the
// first value of each field, url.ParseQuery's rules and errors. It reads
// the body in place instead of rebuilding an http.Request and a
// url.Values map, which cost every command some sixty allocations;
// FuzzParseCommand holds it to SlashCommandParse.
func parseCommand(body []byte) (slack.SlashCommand, error) {
	cmd, err := parseSlashForm(string(body))
	if err != nil {
		return slack.SlashCommand{}, fmt.Errorf("slack: parse command: %w", err)
	}
	if cmd.TeamID == "" || cmd.UserID == "" {
		return slack.SlashCommand{}, errors.New("slack: parse command: team_id and user_id are required")
	}
	return cmd, nil
}

// slashFields are the form fields a slash command carries, in the order
// of slashCommandField's bits.
var slashFields = [...]string{
	"token", "team_id", "team_domain", "enterprise_id", "enterprise_name", "is_enterprise_install",
	"channel_id", "channel_name", "user_id", "user_name", "command", "text", "response_url",
	"trigger_id", "api_app_id",
}

func parseSlashForm(form string) (slack.SlashCommand, error) {
	var s slack.SlashCommand
	// url.ParseQuery caps the number of fields (GODEBUG urlmaxqueryparams);
	// a body that near it is nothing Slack sends, so let it decide.
	if strings.Count(form, "&") >= 1000 {
		return slowSlashForm(form)
	}
	var seen uint32
	for rest := form; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, "&")
		if strings.Contains(part, ";") {
			return slowSlashForm(form) // url.ParseQuery's error
		}
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return slowSlashForm(form)
		}
		i := fieldIndex(key)
		if i < 0 || seen&(1<<i) != 0 {
			// Unknown, or a repeat: only the first value counts. Its
			// escapes must still be valid, as url.ParseQuery checks them.
			if strings.ContainsRune(v, '%') {
				if _, err := url.QueryUnescape(v); err != nil {
					return slowSlashForm(form)
				}
			}
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return slowSlashForm(form)
		}
		seen |= 1 << i
		setSlashField(&s, i, val)
	}
	return s, nil
}

// slowSlashForm parses with url.ParseQuery, for the bodies whose error
// must be exactly its error.
func slowSlashForm(form string) (slack.SlashCommand, error) {
	v, err := url.ParseQuery(form)
	if err != nil {
		return slack.SlashCommand{}, err
	}
	var s slack.SlashCommand
	for i, name := range slashFields {
		if vs, ok := v[name]; ok && len(vs) > 0 {
			setSlashField(&s, i, vs[0])
		}
	}
	return s, nil
}

func fieldIndex(key string) int {
	for i, name := range slashFields {
		if key == name {
			return i
		}
	}
	return -1
}

func setSlashField(s *slack.SlashCommand, i int, v string) {
	switch slashFields[i] {
	case "token":
		s.Token = v
	case "team_id":
		s.TeamID = v
	case "team_domain":
		s.TeamDomain = v
	case "enterprise_id":
		s.EnterpriseID = v
	case "enterprise_name":
		s.EnterpriseName = v
	case "is_enterprise_install":
		s.IsEnterpriseInstall = v == "true"
	case "channel_id":
		s.ChannelID = v
	case "channel_name":
		s.ChannelName = v
	case "user_id":
		s.UserID = v
	case "user_name":
		s.UserName = v
	case "command":
		s.Command = v
	case "text":
		s.Text = v
	case "response_url":
		s.ResponseURL = v
	case "trigger_id":
		s.TriggerID = v
	case "api_app_id":
		s.APIAppID = v
	}
}
