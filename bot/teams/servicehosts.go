package teams

import (
	"net/url"
	"strings"
)

// DefaultServiceHosts are the hosts of the Bot Connector's service URLs
// in Microsoft's clouds: the public one (smba.trafficmanager.net and the
// Bot Framework's own domain), GCC, GCC High and DoD.
func DefaultServiceHosts() []string {
	return []string{
		"smba.trafficmanager.net",
		"*.botframework.com",
		"smba.infra.gcc.teams.microsoft.com",
		"smba.infra.gov.teams.microsoft.us",
		"smba.infra.dod.teams.microsoft.us",
		"*.botframework.us",
	}
}

// serviceHosts decides which service URLs read from the store may
// receive the bot's token.
//
// Why: the token is sent only to a service URL the adapter trusts. One
// that arrived in a verified activity is trusted because Microsoft
// signed it. One read from the store may have come from a dump, which
// is a file anyone may edit, and a URL planted there would receive the
// token; so it is trusted only on a host the Bot Connector uses
// (Options.ServiceHosts), or at the origin of the token endpoint, which
// is sent the app's client secret already and so is trusted with more.
type serviceHosts struct {
	patterns []string // lower-case host names, "*.domain"s and origins
	token    string   // the origin of TokenURL
}

func newServiceHosts(opts Options) serviceHosts {
	hosts := opts.ServiceHosts
	if hosts == nil {
		hosts = DefaultServiceHosts()
	}
	h := serviceHosts{token: origin(opts.TokenURL)}
	for _, p := range hosts {
		p = strings.ToLower(strings.TrimSpace(p))
		if strings.Contains(p, "://") {
			p = origin(p)
		}
		if p != "" {
			h.patterns = append(h.patterns, p)
		}
	}
	return h
}

// allow reports whether a service URL from the store may be sent the
// token.
func (h serviceHosts) allow(serviceURL string) bool {
	u, err := url.Parse(strings.TrimSpace(serviceURL))
	if err != nil || u.User != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	o := origin(serviceURL)
	if o != "" && o == h.token {
		return true
	}
	host := strings.ToLower(u.Hostname())
	defaultHTTPS := strings.EqualFold(u.Scheme, "https") && (u.Port() == "" || u.Port() == "443")
	for _, p := range h.patterns {
		switch {
		case strings.Contains(p, "://"):
			if o == p {
				return true
			}
		case !defaultHTTPS:
		case strings.HasPrefix(p, "*."):
			if strings.HasSuffix(host, p[1:]) && len(host) > len(p)-1 {
				return true
			}
		case host == p:
			return true
		}
	}
	return false
}

// origin is rawURL's scheme://host[:port], lower-case, without a
// default port; "" if it has none.
func origin(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if port == "" || scheme == "https" && port == "443" || scheme == "http" && port == "80" {
		port = ""
	} else {
		port = ":" + port
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	return scheme + "://" + host + port
}
