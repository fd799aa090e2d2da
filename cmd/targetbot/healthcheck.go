package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck asks a running serve for GET /healthz and fails unless
// it answers 200 within two seconds. Container images without a shell or
// curl (distroless) use it as their HEALTHCHECK.
func (m *Main) runHealthcheck(ctx context.Context, args []string) error {
	fs := m.flagSet("healthcheck")
	url := fs.String("url", healthURL(m.Config.Addr), "the /healthz URL to ask; the default follows TARGETBOT_ADDR")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: bad --url %q: %v", *url, err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %s: %v", *url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *url, res.Status)
	}
	fmt.Fprintln(m.Stdout, "ok")
	return nil
}

// healthURL is the /healthz URL of a serve listening on addr, asked over
// loopback when addr names no host.
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://127.0.0.1:8080/healthz"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}
