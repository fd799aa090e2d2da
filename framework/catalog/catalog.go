// Package catalog holds the frameworks targetbot offers: the built-in ones,
// embedded from builtin/*.yaml, and custom ones loaded from a folder of
// YAML files in the same shape.
package catalog

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/targetbot/targetbot/framework"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// builtinOrder is the order the built-in frameworks are offered in.
var builtinOrder = []string{"eds-2022", "eds", "nhse-2024-26", "wres", "wdes"}

// Builtin returns the frameworks that ship with targetbot: "eds-2022",
// the original "eds", and "nhse-2024-26", in that order. Each call returns fresh copies.
func Builtin() ([]*framework.Framework, error) {
	var out []*framework.Framework
	for _, id := range builtinOrder {
		name := "builtin/" + id + ".yaml"
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		f, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Load returns the built-in frameworks followed by the custom ones in dir,
// sorted by id. An empty dir means built-ins only. A custom framework may
// not reuse a built-in id.
func Load(dir string) ([]*framework.Framework, error) {
	all, err := Builtin()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		return all, nil
	}
	custom, files, err := loadDir(dir)
	if err != nil {
		return nil, err
	}
	builtin := map[string]bool{}
	for _, f := range all {
		builtin[f.ID] = true
	}
	for _, f := range custom {
		if builtin[f.ID] {
			return nil, fmt.Errorf("%s: framework id %q is already taken by a built-in framework: choose another id", files[f.ID], f.ID)
		}
		all = append(all, f)
	}
	return all, nil
}

// LoadDir parses every *.yaml and *.yml file in dir, sorted by id. Two
// files with the same framework id are an error.
func LoadDir(dir string) ([]*framework.Framework, error) {
	fs, _, err := loadDir(dir)
	return fs, err
}

// loadDir is LoadDir that also says which file each framework id came from.
func loadDir(dir string) ([]*framework.Framework, map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, folderError(dir, err)
	}
	var out []*framework.Framework
	byID := map[string]string{}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("%s cannot be read: %s", path, reason(err))
		}
		f, err := Parse(path, data)
		if err != nil {
			return nil, nil, err
		}
		if other, dup := byID[f.ID]; dup {
			return nil, nil, fmt.Errorf("%s: framework id %q is also used by %s: give each framework its own id", path, f.ID, other)
		}
		byID[f.ID] = path
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, byID, nil
}

// FolderError is Load's error when the custom frameworks folder itself
// cannot be read. Its message says why in the folder's terms; the caller,
// which knows where Dir came from (a variable or a flag), names that.
type FolderError struct {
	Dir string
	// Reason completes "the frameworks folder Dir …": "does not exist".
	Reason string
	Err    error
}

// Error is "the frameworks folder DIR REASON".
func (e *FolderError) Error() string { return "the frameworks folder " + e.Dir + " " + e.Reason }

// Unwrap is the error reading the folder.
func (e *FolderError) Unwrap() error { return e.Err }

// folderError is a FolderError for an error reading dir.
func folderError(dir string, err error) error {
	why := "cannot be read: " + reason(err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		why = "does not exist"
	case isNotDir(dir):
		why = "is not a folder"
	}
	return &FolderError{Dir: dir, Reason: why, Err: err}
}

// isNotDir reports whether path is something other than a folder.
func isNotDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}

// reason is why a file or folder could not be read, without the Go
// operation and path os puts before it.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrPermission) {
		return "permission denied"
	}
	return err.Error()
}

// Parse decodes and validates one framework file. Errors read "NAME
// line N: problem", in the file's terms, so an author can go straight to
// the fault.
func Parse(name string, data []byte) (*framework.Framework, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f framework.Framework
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the file is empty: see the README for the framework format", name)
		}
		root := nodes(data)
		var fe *framework.Error
		if errors.As(err, &fe) {
			// A formula or constraint that does not parse fails the decode
			// itself, which yaml.v3 reports with no line: find it.
			if root != nil {
				if line := badFormulaLine(root); line > 0 {
					return nil, fmt.Errorf("%s line %d: %s", name, line, framework.ErrorMessage(err))
				}
			}
			return nil, fmt.Errorf("%s: %s", name, framework.ErrorMessage(err))
		}
		return nil, yamlError(name, root, err)
	}
	if err := f.Validate(); err != nil {
		line := 0
		if root := nodes(data); root != nil {
			line = lineOf(root, framework.ErrorField(err))
		}
		if line > 0 {
			return nil, fmt.Errorf("%s line %d: %s", name, line, framework.ErrorMessage(err))
		}
		return nil, fmt.Errorf("%s: %s", name, framework.ErrorMessage(err))
	}
	for i := range f.Objectives {
		o := &f.Objectives[i]
		o.Title, o.Text = tidy(o.Title), tidy(o.Text)
		for j := range o.Targets {
			t := &o.Targets[j]
			t.Title, t.Text, t.Unverified = tidy(t.Title), tidy(t.Text), tidy(t.Unverified)
		}
	}
	f.Name, f.Description = tidy(f.Name), tidy(f.Description)
	return &f, nil
}

// nodes is data as YAML nodes, or nil when it does not parse.
func nodes(data []byte) *yaml.Node {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return nil
	}
	return &root
}

// lineOf finds the line of the node at a path such as
// "objectives[2].targets[0].code", or of the nearest ancestor found.
func lineOf(root *yaml.Node, path string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			break
		}
		key, index := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			key = part[:i]
			index, _ = strconv.Atoi(part[i+1 : len(part)-1])
		}
		next := mappingValue(n, key)
		if next == nil {
			return line
		}
		n, line = next, next.Line
		if index >= 0 {
			if n.Kind != yaml.SequenceNode || index >= len(n.Content) {
				return line
			}
			n, line = n.Content[index], n.Content[index].Line
		}
	}
	return line
}

// badFormulaLine is the line of the first formula or constraint under n
// that does not parse, or 0.
func badFormulaLine(n *yaml.Node) int {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, v := n.Content[i].Value, n.Content[i+1]
			switch {
			case key == "formula" && v.Kind == yaml.ScalarNode:
				if _, err := framework.ParseFormula(v.Value); err != nil {
					return v.Line
				}
			case key == "constraints" && v.Kind == yaml.SequenceNode:
				for _, c := range v.Content {
					if _, err := framework.ParseConstraint(c.Value); c.Kind == yaml.ScalarNode && err != nil {
						return c.Line
					}
				}
			}
		}
	}
	for _, c := range n.Content {
		if line := badFormulaLine(c); line > 0 {
			return line
		}
	}
	return 0
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// tidy folds runs of white space, as the PDF-derived texts need.
func tidy(s string) string { return strings.Join(strings.Fields(s), " ") }
