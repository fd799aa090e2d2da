package commands_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// These tests hold two lines of the design. commands and reminders say
// what to show and never how: no platform SDK or adapter reaches them,
// even indirectly. And the store drivers say what went wrong, never in
// chat: commands alone words it (storeerrors.go).

const module = "github.com/targetbot/targetbot"

// platformCode is what commands and reminders must not depend on: the
// platform SDKs, and every adapter under bot/ (bot itself is neutral).
func platformCode(pkg string) bool {
	if strings.HasPrefix(pkg, module+"/bot/") {
		return true
	}
	for _, sdk := range []string{"github.com/slack-go/slack", "github.com/bwmarrin/discordgo"} {
		if pkg == sdk || strings.HasPrefix(pkg, sdk+"/") {
			return true
		}
	}
	return false
}

func TestPlatformCodeStaysInAdapters(t *testing.T) {
	for _, tt := range []struct {
		pkg  string
		want bool
	}{
		{"github.com/slack-go/slack", true},
		{"github.com/slack-go/slack/socketmode", true},
		{"github.com/bwmarrin/discordgo", true},
		{module + "/bot/slack", true},
		{module + "/bot/discord", true},
		{module + "/bot/console", true},
		{module + "/bot", false},
		{module + "/botany", false},
		{"github.com/slack-go/slackish", false},
	} {
		if got := platformCode(tt.pkg); got != tt.want {
			t.Errorf("platformCode(%q) = %v, want %v", tt.pkg, got, tt.want)
		}
	}

	// -deps lists every package the non-test code of commands and
	// reminders (and their sub-packages) builds on, however indirectly.
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", module+"/commands/...", module+"/reminders/...")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 || !strings.Contains(string(out), module+"/commands\n") {
		t.Fatalf("go list gave %q, which does not list commands itself", out)
	}
	for _, d := range deps {
		if platformCode(d) {
			t.Errorf("commands or reminders depends on %s: render in the adapter instead", d)
		}
	}
}

// commandHint matches a `/target` command in text, but not the module
// path (github.com/targetbot/...), which every file imports.
var commandHint = regexp.MustCompile(`/target\b`)

func TestStoreDriversHaveNoChatText(t *testing.T) {
	if !commandHint.MatchString("try `/target list`") || !commandHint.MatchString("/target") || commandHint.MatchString(module+"/framework") {
		t.Fatal("commandHint matches the wrong things")
	}
	fset := token.NewFileSet()
	files := 0
	for _, dir := range []string{"../store/boltstore", "../store/redisstore"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			files++
			f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
			if err != nil {
				return err
			}
			for _, cg := range f.Comments {
				if commandHint.MatchString(cg.Text()) {
					t.Errorf("%s: a comment names a /target command: %q", fset.Position(cg.Pos()), cg.Text())
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Errorf("%s: unquote %s: %v", fset.Position(lit.Pos()), lit.Value, err)
					return true
				}
				// Raw strings (the Lua scripts) cannot hold a backtick;
				// a quoted string with one is chat markup.
				if commandHint.MatchString(s) || strings.Contains(s, "`") {
					t.Errorf("%s: chat text in a store driver: %s: return a framework kind, and word it in commands", fset.Position(lit.Pos()), lit.Value)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 10 {
		t.Fatalf("read %d driver files; the paths are wrong", files)
	}
}
