package dump

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/store/storetest"
)

// Each way a dump can be bad is refused whole, with the line it is on.
func TestReadRefusesBadDumps(t *testing.T) {
	good := string(encode(t, storetest.SampleSnapshot("local"), storetest.SampleSnapshot("slack:T0123")))
	lines := strings.SplitAfter(good, "\n")
	lines = lines[:len(lines)-1] // SplitAfter leaves "" after the last "\n"
	n := len(lines)              // the end line's number
	// with returns the good dump with line i (1-based) replaced by s.
	with := func(i int, s string) string {
		out := append([]string(nil), lines...)
		out[i-1] = s
		return strings.Join(out, "")
	}
	// firstUpdate is the line of the first update record, of "local".
	firstUpdate := 0
	for i, l := range lines {
		if strings.HasPrefix(l, `{"type":"update"`) {
			firstUpdate = i + 1
			break
		}
	}
	upd := lines[firstUpdate-1]
	// secondState is the line of local's second adapter-state record.
	secondState := 0
	for i, l := range lines {
		if strings.HasPrefix(l, `{"type":"adapter_state"`) {
			secondState = i + 2
			break
		}
	}
	tests := []struct {
		name string
		dump string
		line int
		want string
	}{
		{"an empty file", "", 1, "empty"},
		{"cut inside a line", good[:len(good)-9], n, "cut short"},
		{"cut at the end of a line", strings.Join(lines[:n-1], ""), n, "without its end line"},
		{"cut to the header", lines[0], 2, "without its end line"},
		{"a newer version", with(1, `{"targetbot_dump":2,"created":"2026-11-23T08:00:00Z","by":"x","workspaces":[]}`+"\n"), 1, "newer targetbot"},
		{"version 0", with(1, `{"targetbot_dump":0,"workspaces":[]}`+"\n"), 1, "version 0"},
		{"not a dump", strings.Join(lines[1:], ""), 1, "not a targetbot dump"},
		{"an unknown header field", with(1, strings.Replace(lines[0], `"by"`, `"author"`, 1)), 1, `unknown field "author"`},
		{"a line that is not JSON", with(firstUpdate, "update eds/1.1 40%\n"), firstUpdate, "not one JSON object"},
		{"an empty line", with(firstUpdate, "\n"), firstUpdate, "empty line"},
		{"two objects on a line", with(firstUpdate, strings.TrimSuffix(upd, "\n")+"{}\n"), firstUpdate, "not one JSON object"},
		{"an unknown record type", with(firstUpdate, `{"type":"claim","workspace":"local"}`+"\n"), firstUpdate, `unknown record type "claim"`},
		{"a record with no type", with(firstUpdate, `{"workspace":"local"}`+"\n"), firstUpdate, `no "type"`},
		{"an unknown field", with(firstUpdate, strings.Replace(upd, `"author"`, `"writer"`, 1)), firstUpdate, `unknown field "writer"`},
		{"a field of the wrong type", with(firstUpdate, strings.Replace(upd, `"progress":10`, `"progress":"10"`, 1)), firstUpdate, `field "progress" cannot be a JSON string`},
		{"a workspace not in the header", with(firstUpdate, strings.Replace(upd, `"local"`, `"slack:Tother"`, 1)), firstUpdate, `"slack:Tother", which the header does not list`},
		{"a record out of its workspace's place", with(firstUpdate, strings.Replace(upd, `"local"`, `"slack:T0123"`, 1)), firstUpdate, "outside its place"},
		{"a reference to a target not in the dump", with(firstUpdate, strings.Replace(upd, `"eqs/1.2"`, `"eqs/9.9"`, 1)), firstUpdate, "its target eqs/9.9 is not in the snapshot"},
		{"an update id used twice", with(firstUpdate+1, strings.Replace(lines[firstUpdate], `"id":"3"`, `"id":"7"`, 1)), firstUpdate + 1, `id "7" is used by an earlier update`},
		{"a bad due date", with(3, strings.Replace(lines[2], `"2026-05-01"`, `"01/05/2026"`, 1)), 3, "due date"},
		{"an unknown status", with(firstUpdate, strings.Replace(upd, `"status":"on-track"`, `"status":"fine"`, 1)), firstUpdate, "not a status"},
		{"a header workspace with no records", with(1, strings.Replace(lines[0], `"slack:T0123"]`, `"slack:T0123","discord:9"]`, 1)), n, `"discord:9" is in the header`},
		{"a second workspace record", with(firstUpdate, lines[1]), firstUpdate, "a second workspace record"},
		{"an adapter-state key twice", with(secondState, lines[secondState-2]), secondState, "key teams:conv:U1 appears twice"},
		{"an adapter-state key with a space", with(secondState, strings.Replace(lines[secondState-1], `"teams:serviceurl"`, `"teams: serviceurl"`, 1)), secondState, "space or a control character"},
		{"an end line that miscounts", with(n, `{"type":"end","records":3}`+"\n"), n, "counts 3 records"},
		{"a line after the end", good + "{}\n", n + 1, "after the end line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read(strings.NewReader(tt.dump))
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("Read = %v, %v; want a *LineError", f, err)
			}
			if le.Line != tt.line || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Read: %v; want one line, at line %d, containing %q", err, tt.line, tt.want)
			}
		})
	}
	if _, err := Read(strings.NewReader(good)); err != nil {
		t.Fatalf("Read of the good dump: %v", err)
	}
	// Windows line ends are JSON white space: an edited dump still reads.
	if _, err := Read(strings.NewReader(strings.ReplaceAll(good, "\n", "\r\n"))); err != nil {
		t.Fatalf("Read with CRLF line ends: %v", err)
	}
}

// A long line is read whole, and an endless one refused.
func TestReadLongLines(t *testing.T) {
	snap := storetest.SampleSnapshot("local")
	snap.Updates[0].Note = strings.Repeat("é", 100_000)
	if _, err := Read(bytes.NewReader(encode(t, snap))); err != nil {
		t.Fatalf("Read with a 200 kB note: %v", err)
	}
	_, err := Read(strings.NewReader(`{"targetbot_dump":1,"workspaces":["` + strings.Repeat("a", maxLine) + "\n"))
	var le *LineError
	if !errors.As(err, &le) || le.Line != 1 || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("Read of an endless line = %v", err)
	}
}

// Issue 27: a dump that passed through a Windows editor, with a byte
// order mark and CRLF line endings, reads as the dump it was.
func TestReadBOMAndCRLF(t *testing.T) {
	good := encode(t, storetest.SampleSnapshot("local"))
	want, err := Read(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	crlf := bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n"))
	for name, data := range map[string][]byte{
		"BOM":          append([]byte("\ufeff"), good...),
		"CRLF":         crlf,
		"BOM and CRLF": append([]byte("\ufeff"), crlf...),
	} {
		got, err := Read(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(got.Workspaces) != 1 || len(got.Workspaces[0].Updates) != len(want.Workspaces[0].Updates) ||
			got.Workspaces[0].Updates[0].Note != want.Workspaces[0].Updates[0].Note {
			t.Errorf("%s: read differs from the dump without them", name)
		}
	}
}
