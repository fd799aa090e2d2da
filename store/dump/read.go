package dump

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/targetbot/targetbot/store"
)

// maxLine bounds one line, far above any record's size, so a file that
// is not a dump cannot make Read hold all of it as one line.
const maxLine = 16 << 20

// LineError is what is wrong with a dump, at the line it is on.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns what is wrong.
func (e *LineError) Unwrap() error { return e.Err }

func lineErr(line int, format string, args ...any) error {
	return &LineError{Line: line, Err: fmt.Errorf(format, args...)}
}

// File is a dump, read whole and checked.
type File struct {
	Header Header
	// Workspaces are the dump's workspaces, in the order it holds them;
	// each has passed store.Snapshot.Check.
	Workspaces []*store.Snapshot
}

// group is one workspace's records as read, with the line of each.
type group struct {
	snap  store.Snapshot
	lines map[store.RecordType][]int
}

// Read reads and checks a whole dump. It returns the first thing wrong
// as a *LineError; a File only when every line is good, so nothing is
// ever written from a dump that is bad anywhere.
func Read(r io.Reader) (*File, error) {
	lr := &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
	line, err := lr.next()
	if errors.Is(err, io.EOF) {
		return nil, lineErr(1, "the file is empty: not a targetbot dump")
	}
	if err != nil {
		return nil, err
	}
	f := &File{}
	if f.Header, err = readHeader(line); err != nil {
		return nil, &LineError{Line: 1, Err: err}
	}
	listed := map[string]bool{}
	for _, ws := range f.Header.Workspaces {
		if listed[ws] {
			return nil, lineErr(1, "the header lists workspace %q twice", ws)
		}
		listed[ws] = true
	}
	groups := map[string]*group{}
	var order []*group
	var cur *group
	records := 0
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil, lineErr(lr.n+1, "the dump ends without its end line: it was cut short")
		}
		if err != nil {
			return nil, err
		}
		typ, err := probeType(line)
		if err != nil {
			return nil, &LineError{Line: lr.n, Err: err}
		}
		if typ == recordEnd {
			if err := cur.check(); err != nil {
				return nil, err
			}
			if err := readEnd(line, records); err != nil {
				return nil, &LineError{Line: lr.n, Err: err}
			}
			break
		}
		v := lineFor(typ)
		if v == nil {
			return nil, lineErr(lr.n, "unknown record type %q: this targetbot reads workspace, target, update, event, subscription, adapter_state, entry and workspace_event records", typ)
		}
		if err := decodeStrict(line, v); err != nil {
			return nil, lineErr(lr.n, "%s record: %v", typ, err)
		}
		ws, rec := fromLine(v)
		switch {
		case !listed[ws]:
			return nil, lineErr(lr.n, "a %s record of workspace %q, which the header does not list", typ, ws)
		case rec.Type == store.RecordWorkspace && groups[ws] != nil:
			return nil, lineErr(lr.n, "a second workspace record of workspace %q", ws)
		case rec.Type == store.RecordWorkspace:
			// The workspace before is whole: check it now, so errors
			// come in the order of the lines they are on.
			if err := cur.check(); err != nil {
				return nil, err
			}
			cur = &group{lines: map[store.RecordType][]int{}}
			groups[ws] = cur
			order = append(order, cur)
		case cur == nil || cur.snap.Workspace.ID != ws:
			return nil, lineErr(lr.n, "a %s record of workspace %q outside its place: a workspace's records follow its workspace record", typ, ws)
		}
		cur.snap.Add(rec)
		cur.lines[rec.Type] = append(cur.lines[rec.Type], lr.n)
		records++
	}
	end := lr.n
	if _, err := lr.next(); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, lineErr(lr.n, "a line after the end line")
	}
	for _, ws := range f.Header.Workspaces {
		if groups[ws] == nil {
			return nil, lineErr(end, "workspace %q is in the header, but the dump has no records of it", ws)
		}
	}
	for _, g := range order {
		f.Workspaces = append(f.Workspaces, &g.snap)
	}
	return f, nil
}

// check checks a whole workspace's records (store.Snapshot.Check) and
// names the line of the first one refused; a nil group has none.
func (g *group) check() error {
	if g == nil {
		return nil
	}
	err := g.snap.Check()
	var re *store.RecordError
	if errors.As(err, &re) {
		return &LineError{Line: g.lines[re.Type][re.Index], Err: re.Err}
	}
	return err
}

func readHeader(line []byte) (Header, error) {
	var h Header
	var probe struct {
		Version *int `json:"targetbot_dump"`
	}
	if err := json.Unmarshal(line, &probe); err != nil || probe.Version == nil {
		return h, errors.New(`not a targetbot dump: the first line must be its header, {"targetbot_dump":1,…}`)
	}
	switch v := *probe.Version; {
	case v > Version:
		return h, fmt.Errorf("a dump of version %d, from a newer targetbot: this one reads version %d", v, Version)
	case v != Version:
		return h, fmt.Errorf("a dump of version %d: this targetbot reads version %d", v, Version)
	}
	if err := decodeStrict(line, &h); err != nil {
		return h, fmt.Errorf("header: %v", err)
	}
	return h, nil
}

func readEnd(line []byte, records int) error {
	var end endLine
	if err := decodeStrict(line, &end); err != nil {
		return fmt.Errorf("end line: %v", err)
	}
	if end.Records != records {
		return fmt.Errorf("the end line counts %d records, but the dump has %d: it was cut or joined", end.Records, records)
	}
	return nil
}

// probeType is the type of a line's record.
func probeType(line []byte) (string, error) {
	var probe struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(line, &probe); err != nil {
		if len(bytes.TrimSpace(line)) == 0 {
			return "", errors.New("an empty line: every line is one JSON object")
		}
		return "", fmt.Errorf("not one JSON object: %v", jsonError(err))
	}
	if probe.Type == nil {
		return "", errors.New(`a record with no "type"`)
	}
	return *probe.Type, nil
}

// decodeStrict decodes one JSON object into v, refusing fields v does
// not have and anything after the object.
func decodeStrict(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// jsonError words encoding/json's errors without Go's type names.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("field %q cannot be a JSON %s", te.Field, te.Value)
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// lineReader reads a dump's lines, counting them, and refuses a last
// line that does not end, which is what a cut file has.
type lineReader struct {
	r *bufio.Reader
	n int // the number of the line read last
}

// next returns the next line without its "\n", or io.EOF.
func (lr *lineReader) next() ([]byte, error) {
	var line []byte
	for {
		chunk, err := lr.r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, lineErr(lr.n+1, "a line longer than %d MiB: not a targetbot dump", maxLine>>20)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) == 0:
			return nil, io.EOF
		case errors.Is(err, io.EOF):
			lr.n++
			return nil, lineErr(lr.n, "the line does not end: the dump was cut short")
		case err != nil:
			return nil, fmt.Errorf("read line %d: %w", lr.n+1, err)
		}
		lr.n++
		return line[:len(line)-1], nil
	}
}
