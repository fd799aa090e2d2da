package teams

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// verbs stands in for commands.Verbs(): sixteen verbs, more than a menu
// holds, one with a summary longer than a description may be.
func verbs() []Command {
	var out []Command
	for _, n := range []string{"help", "frameworks", "import", "list", "show", "update", "rate", "assign", "due", "add", "history", "undo", "snooze", "digest", "timezone", "reminders"} {
		out = append(out, Command{Name: n, Summary: "what " + n + " does"})
	}
	out[13].Summary = strings.Repeat("post digests to this channel on a schedule ", 5)
	return out
}

// unzip reads the package into name -> bytes.
func unzip(t *testing.T, pkg []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return files
}

// The package holds what the v1.17 schema requires, in the forms it
// requires: every required key, GUIDs, lengths, scopes, at most ten
// commands per list, and icons of the right sizes.
func TestManifestPackage(t *testing.T) {
	pkg, err := Manifest(ManifestOptions{AppID: testAppID, Commands: verbs()})
	if err != nil {
		t.Fatal(err)
	}
	files := unzip(t, pkg)
	if len(files) != 3 {
		t.Fatalf("package files %v, want manifest.json, color.png, outline.png", keys(files))
	}
	var m map[string]any
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m["manifestVersion"] != "1.17" || m["$schema"] != "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json" {
		t.Errorf("schema %v %v", m["manifestVersion"], m["$schema"])
	}
	require := func(obj map[string]any, where string, keys ...string) {
		t.Helper()
		for _, k := range keys {
			if v, ok := obj[k]; !ok || v == "" || v == nil {
				t.Errorf("%s lacks required %q", where, k)
			}
		}
	}
	// The v1.17 schema's required properties, level by level.
	require(m, "manifest", "manifestVersion", "version", "id", "developer", "name", "description", "icons", "accentColor")
	dev, name, desc, icons := obj(m["developer"]), obj(m["name"]), obj(m["description"]), obj(m["icons"])
	require(dev, "developer", "name", "websiteUrl", "privacyUrl", "termsOfUseUrl")
	require(name, "name", "short", "full")
	require(desc, "description", "short", "full")
	require(icons, "icons", "outline", "color")

	guid := regexp.MustCompile(`^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$`)
	if !guid.MatchString(m["id"].(string)) {
		t.Errorf("id %v is not a GUID", m["id"])
	}
	if !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(m["version"].(string)) {
		t.Errorf("version %v is not semver", m["version"])
	}
	if !regexp.MustCompile(`^#[0-9a-fA-F]{6}$`).MatchString(m["accentColor"].(string)) {
		t.Errorf("accentColor %v", m["accentColor"])
	}
	for _, k := range []string{"websiteUrl", "privacyUrl", "termsOfUseUrl"} {
		if !strings.HasPrefix(dev[k].(string), "https://") {
			t.Errorf("developer.%s %v is not https", k, dev[k])
		}
	}
	maxLen := func(where, s string, n int) {
		if utf8.RuneCountInString(s) > n {
			t.Errorf("%s is %d characters, over %d: %q", where, utf8.RuneCountInString(s), n, s)
		}
	}
	maxLen("developer.name", dev["name"].(string), 32)
	maxLen("name.short", name["short"].(string), 30)
	maxLen("name.full", name["full"].(string), 100)
	maxLen("description.short", desc["short"].(string), 80)
	maxLen("description.full", desc["full"].(string), 4000)

	bots := m["bots"].([]any)
	if len(bots) != 1 {
		t.Fatalf("bots %v", bots)
	}
	b := obj(bots[0])
	require(b, "bot", "botId", "scopes")
	if b["botId"] != testAppID {
		t.Errorf("botId %v", b["botId"])
	}
	if got := strings.Join(strs(b["scopes"]), ","); got != "personal,team,groupChat" {
		t.Errorf("scopes %s", got)
	}
	lists := b["commandLists"].([]any)
	if len(lists) == 0 || len(lists) > 3 {
		t.Fatalf("commandLists %v", lists)
	}
	seenScope := map[string]bool{}
	menu := map[string]bool{}
	for _, l := range lists {
		l := obj(l)
		require(l, "commandList", "scopes", "commands")
		for _, s := range strs(l["scopes"]) {
			if s != "personal" && s != "team" && s != "groupChat" || seenScope[s] {
				t.Errorf("command list scope %q unknown or repeated", s)
			}
			seenScope[s] = true
		}
		cmds := l["commands"].([]any)
		if len(cmds) == 0 || len(cmds) > 10 {
			t.Errorf("command list of %d commands; Teams takes 1 to 10", len(cmds))
		}
		for _, c := range cmds {
			c := obj(c)
			require(c, "command", "title", "description")
			maxLen("command title", c["title"].(string), 32)
			maxLen("command description", c["description"].(string), 128)
			menu[c["title"].(string)] = true
		}
	}
	for _, v := range []string{"update", "list", "show", "digest", "help"} {
		if !menu[v] {
			t.Errorf("no menu lists %q", v)
		}
	}

	for file, size := range map[string]int{"color.png": 192, "outline.png": 32} {
		img, err := png.Decode(bytes.NewReader(files[file]))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s is %dx%d, want %dx%d", file, b.Dx(), b.Dy(), size, size)
		}
		if file == "outline.png" {
			checkOutline(t, img)
		}
	}
	if icons["color"] != "color.png" || icons["outline"] != "outline.png" {
		t.Errorf("icons %v do not name the package's files", icons)
	}
}

// checkOutline: the outline icon is white on transparent, as Teams asks.
func checkOutline(t *testing.T, img image.Image) {
	t.Helper()
	transparent, white := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			switch {
			case a == 0:
				transparent++
			case r == a && g == a && bl == a:
				white++
			default:
				t.Fatalf("outline pixel (%d,%d) is neither transparent nor white: %v %v %v %v", x, y, r, g, bl, a)
			}
		}
	}
	if transparent == 0 || white == 0 {
		t.Errorf("outline icon: %d transparent and %d white pixels", transparent, white)
	}
}

func TestManifestRejectsBadInput(t *testing.T) {
	for _, o := range []ManifestOptions{
		{AppID: "not-a-guid", Commands: verbs()},
		{AppID: testAppID},
		{AppID: testAppID, Commands: verbs(), Version: "1.0"},
		{AppID: testAppID, Commands: verbs(), WebsiteURL: "http://example.org"},
	} {
		if _, err := Manifest(o); err == nil {
			t.Errorf("Manifest(%+v) accepted", o)
		}
	}
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The same input builds the same package, apart from zip timestamps.
func TestManifestIsStable(t *testing.T) {
	a, _ := Manifest(ManifestOptions{AppID: testAppID, Commands: verbs()})
	time.Sleep(time.Millisecond)
	b, _ := Manifest(ManifestOptions{AppID: testAppID, Commands: verbs()})
	if fa, fb := unzip(t, a), unzip(t, b); string(fa["manifest.json"]) != string(fb["manifest.json"]) {
		t.Error("manifest differs between builds")
	}
}
