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

// MissingError is a workspace asked for that a dump does not hold.
type MissingError struct {
	Workspace string
	Has       []string // the workspaces the dump holds
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("the dump has no workspace %q: it has %s", e.Workspace, strings.Join(e.Has, ", "))
}

// group is one workspace's records as read, with the line of each.
type group struct {
	snap  store.Snapshot
	lines map[store.RecordType][]int
}

// Read reads and checks a whole dump, holding all of it. It returns the
// first thing wrong as a *LineError; a File only when every line is
// good, so nothing is ever written from a dump that is bad anywhere.
// Restoring a large dump goes through Scan instead, which holds one
// workspace at a time.
func Read(r io.Reader) (*File, error) {
	f := &File{}
	h, err := Scan(r, nil, func(snap *store.Snapshot) error {
		f.Workspaces = append(f.Workspaces, snap)
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.Header = h
	return f, nil
}

// Scan reads a dump line by line and checks it as Read does, holding
// one workspace at a time: it calls fn with each workspace once its
// records are read and checked (store.Snapshot.Check), in the order the
// dump holds them, and drops it before reading the next. Memory grows
// with the largest workspace, not with the file.
//
// With only, Scan reads only those workspaces (refusing, before any
// record, a name the header does not list): the lines of every other
// are checked for their place and counted, but their bodies are not
// decoded beyond their type and workspace, nor checked, and fn never
// sees them. The file's shape is still checked whole: header, order,
// end line and count.
//
// It returns the first thing wrong as a *LineError, or fn's first
// error as it is; a bad line after a workspace fn was given is found
// only then, so a caller that must write nothing from a bad dump scans
// it once to check before it scans again to write (RestoreFrom).
func Scan(r io.Reader, only []string, fn func(*store.Snapshot) error) (Header, error) {
	lr := &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
	line, err := lr.next()
	if errors.Is(err, io.EOF) {
		return Header{}, lineErr(1, "the file is empty: not a targetbot dump")
	}
	if err != nil {
		return Header{}, err
	}
	h, err := readHeader(line)
	if err != nil {
		return h, &LineError{Line: 1, Err: err}
	}
	listed := map[string]bool{}
	for _, ws := range h.Workspaces {
		if listed[ws] {
			return h, lineErr(1, "the header lists workspace %q twice", ws)
		}
		listed[ws] = true
	}
	var wanted map[string]bool
	if len(only) > 0 {
		wanted = map[string]bool{}
		for _, ws := range only {
			if !listed[ws] {
				return h, &MissingError{Workspace: ws, Has: h.Workspaces}
			}
			wanted[ws] = true
		}
	}
	sc := &scan{fn: fn, seen: map[string]bool{}}
	records := 0
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			return h, lineErr(lr.n+1, "the dump ends without its end line: it was cut short")
		}
		if err != nil {
			return h, err
		}
		typ, ws, err := probe(line)
		if err != nil {
			return h, &LineError{Line: lr.n, Err: err}
		}
		if typ == recordEnd {
			if err := sc.finish(); err != nil {
				return h, err
			}
			if err := readEnd(line, records); err != nil {
				return h, &LineError{Line: lr.n, Err: err}
			}
			break
		}
		if err := sc.add(lr.n, line, typ, ws, listed, wanted == nil || wanted[ws]); err != nil {
			return h, err
		}
		records++
	}
	end := lr.n
	if _, err := lr.next(); !errors.Is(err, io.EOF) {
		if err != nil {
			return h, err
		}
		return h, lineErr(lr.n, "a line after the end line")
	}
	for _, ws := range h.Workspaces {
		if !sc.seen[ws] {
			return h, lineErr(end, "workspace %q is in the header, but the dump has no records of it", ws)
		}
	}
	return h, nil
}

// scan is Scan's state: the workspace being read, and those seen.
type scan struct {
	fn   func(*store.Snapshot) error
	seen map[string]bool
	ws   string // the workspace whose records come now
	cur  *group // its records, when it is wanted
}

// add takes the record on line n, of type typ and workspace ws, into
// the workspace being read; a record of a workspace not wanted is only
// placed, not decoded.
func (sc *scan) add(n int, line []byte, typ, ws string, listed map[string]bool, wanted bool) error {
	if lineFor(typ) == nil {
		return lineErr(n, "unknown record type %q: this targetbot reads %s records", typ, typeList())
	}
	switch {
	case !listed[ws]:
		return lineErr(n, "a %s record of workspace %q, which the header does not list", typ, ws)
	case typ == string(store.RecordWorkspace) && sc.seen[ws]:
		return lineErr(n, "a second workspace record of workspace %q", ws)
	case typ == string(store.RecordWorkspace):
		// The workspace before is whole: check it now, so errors come
		// in the order of the lines they are on.
		if err := sc.finish(); err != nil {
			return err
		}
		sc.seen[ws], sc.ws = true, ws
		if wanted {
			sc.cur = &group{lines: map[store.RecordType][]int{}}
		}
	case sc.ws != ws:
		return lineErr(n, "a %s record of workspace %q outside its place: a workspace's records follow its workspace record", typ, ws)
	}
	if sc.cur == nil {
		return nil
	}
	v := lineFor(typ)
	if err := decodeStrict(line, v); err != nil {
		return lineErr(n, "%s record: %v", typ, err)
	}
	_, rec := fromLine(v)
	sc.cur.snap.Add(rec)
	sc.cur.lines[rec.Type] = append(sc.cur.lines[rec.Type], n)
	return nil
}

// finish checks the workspace read last, if it was wanted, hands it to
// fn and lets it go.
func (sc *scan) finish() error {
	g := sc.cur
	sc.cur = nil
	if g == nil {
		return nil
	}
	if err := g.check(); err != nil {
		return err
	}
	return sc.fn(&g.snap)
}

// typeList names the record types a dump may hold, for an error.
func typeList() string {
	names := make([]string, len(store.RecordTypes))
	for i, t := range store.RecordTypes {
		names[i] = string(t)
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
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

// probe is the type of a line's record and its workspace, decoding
// nothing else of it.
func probe(line []byte) (typ, ws string, err error) {
	var p struct {
		Type      *string `json:"type"`
		Workspace string  `json:"workspace"`
	}
	if err := json.Unmarshal(line, &p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "workspace" && p.Type != nil {
			// Said as the strict decode of the record says it.
			return "", "", fmt.Errorf("%s record: field \"workspace\" cannot be a JSON %s", *p.Type, te.Value)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			return "", "", errors.New("an empty line: every line is one JSON object")
		}
		return "", "", fmt.Errorf("not one JSON object: %v", jsonError(err))
	}
	if p.Type == nil {
		return "", "", errors.New(`a record with no "type"`)
	}
	return *p.Type, p.Workspace, nil
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

// next returns the next line without its "\n" (or "\r\n"), and the
// first without a byte order mark, or io.EOF.
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
		line = bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
		if lr.n == 1 {
			line = bytes.TrimPrefix(line, bom)
		}
		return line, nil
	}
}

// bom is the byte order mark Windows editors put at the start of a
// UTF-8 file. They also end lines with "\r\n". A dump that passed through
// one is read as it was: next drops both.
var bom = []byte("\ufeff")
