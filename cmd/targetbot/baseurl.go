package main

import (
	"fmt"
	"net/url"
	"strings"
)

// baseURL checks a public base URL that targetbot builds request URLs
// on (Slack's request URLs, report links): https, a host, and nothing
// after it but an optional trailing slash, which it drops. what names
// the flag or variable for the error.
func baseURL(what, raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	raw = redact(raw) // never echo a password
	switch {
	case err != nil || u.Host == "":
		return "", fmt.Errorf("%s %q is not a URL: give the public base URL, for example https://targetbot.example.org", what, raw)
	case u.Scheme != "https":
		return "", fmt.Errorf("%s %q must start with https://: Slack, Discord and Teams only call HTTPS, and links must not leak over plain HTTP", what, raw)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.HasSuffix(raw, "#") || strings.Trim(u.Path, "/") != "":
		return "", fmt.Errorf("%s %q must be the bare base URL, with no path, query or credentials: for example https://%s", what, raw, u.Host)
	}
	return "https://" + u.Host, nil
}
