package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The Dockerfile builds on the Go version go.mod names, runs as non-root,
// serves by default and checks its health with the binary itself.
func TestDockerfileFollowsGoMod(t *testing.T) {
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	gomod, docker := read("go.mod"), read("Dockerfile")
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod names no go version")
	}
	for _, want := range []string{"FROM golang:" + m[1] + "-", "CGO_ENABLED=0", "USER nonroot", `CMD ["serve"]`, `/targetbot", "healthcheck"]`, "EXPOSE 8080"} {
		if !strings.Contains(docker, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if lic := read("LICENSE"); !strings.Contains(lic, "Apache License") || !strings.Contains(lic, "Version 2.0") {
		t.Error("LICENSE is not the Apache License 2.0")
	}
	if compose := read("compose.yaml"); !strings.Contains(compose, "--appendonly") || !strings.Contains(compose, "redis://redis:6379") {
		t.Error("compose.yaml does not run targetbot on Redis with the append-only file on")
	}
}
