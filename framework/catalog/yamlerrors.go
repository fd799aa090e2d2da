package catalog

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/targetbot/targetbot/framework"
)

// yaml.v3 words its errors for Go programmers ("field titel not found in
// type framework.Objective", "cannot unmarshal !!seq into string"). A
// framework's author sees, instead, the file, the line and a sentence
// in the file's own terms: the YAML keys, and what each part of a
// framework is called.

// The shapes of yaml.v3's messages that are reworded.
var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlField    = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	yamlMismatch = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")
)

// partNames are what a framework file's parts are called, by the Go type
// that reads them; a part not named here is called by its key.
var partNames = map[string]string{
	"framework.Framework":  "the framework",
	"framework.Labels":     "the labels",
	"framework.Objective":  "an objective",
	"framework.TargetSpec": "a target",
	"framework.Metric":     "a metric",
	"framework.Input":      "an input",
	"framework.Point":      "a baseline or goal",
	"framework.ParityBand": "a band",
	"framework.Grading":    "the grading settings",
}

// yamlError rewrites yaml.v3's errors (one or several) as "NAME line N:
// sentence", reading root (the file as nodes, nil when it did not parse)
// for the keys the sentences name.
func yamlError(name string, root *yaml.Node, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		// The file is not YAML at all: yaml.v3's words are the best
		// account of where it stops, with a hint at the usual causes.
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return fmt.Errorf("%s line %s: the YAML does not parse (%s): check the indentation, and put text holding a colon in quotes", name, m[1], m[2])
		}
		return fmt.Errorf("%s: the YAML does not parse (%s)", name, msg)
	}
	out := make([]string, 0, len(te.Errors))
	for _, l := range te.Errors {
		m := yamlLine.FindStringSubmatch(l)
		if m == nil {
			out = append(out, fmt.Sprintf("%s: %s", name, l))
			continue
		}
		out = append(out, fmt.Sprintf("%s line %s: %s", name, m[1], yamlSentence(root, m[1], m[2])))
	}
	return errors.New(strings.Join(out, "; "))
}

// yamlSentence words one of yaml.v3's messages about the given line.
func yamlSentence(root *yaml.Node, line, msg string) string {
	if m := yamlField.FindStringSubmatch(msg); m != nil {
		s := fmt.Sprintf("unknown field %q", m[1])
		if part, ok := partNames[m[2]]; ok {
			s += " in " + part
		}
		if near := framework.Nearest(m[1], yamlFields(m[2])); near != "" {
			s += fmt.Sprintf("; did you mean %q?", near)
		}
		return s
	}
	if m := yamlMismatch.FindStringSubmatch(msg); m != nil {
		// yaml.v3 shortens a long value: the node has it whole.
		key, value := "", m[2]
		if n, k := nodeAt(root, line, "!!"+m[1], m[3]); n != nil {
			key, value = k, n.Value
		}
		want, got := describeType(m[3]), describeTag(m[1], value)
		if key != "" {
			return fmt.Sprintf("%q should be %s, not %s", key, want, got)
		}
		return fmt.Sprintf("this should be %s, not %s", want, got)
	}
	return msg
}

// yamlTypes are the Go types a framework file is read into, by the name
// yaml.v3 gives them in its messages.
func yamlTypes() map[string]reflect.Type {
	types := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if _, seen := types[t.String()]; seen {
			return
		}
		types[t.String()] = t
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				if f := t.Field(i); f.IsExported() {
					walk(f.Type)
				}
			}
		}
	}
	walk(reflect.TypeFor[framework.Framework]())
	return types
}

// yamlFields are the keys the named struct type reads.
func yamlFields(typeName string) []string {
	t, ok := yamlTypes()[typeName]
	if !ok || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && key != "-" && key != "" {
			out = append(out, key)
		}
	}
	return out
}

// describeType says what a value of the named type is written as.
func describeType(typeName string) string {
	t, ok := yamlTypes()[typeName]
	if !ok {
		return "something else"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if part, ok := partNames[t.String()]; ok && t.Kind() == reflect.Struct {
		return part + ", written as name: value lines"
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "name: value lines"
}

// describeTag says what YAML value a tag and its text are.
func describeTag(tag, value string) string {
	switch tag {
	case "seq":
		return "a list"
	case "map":
		return "name: value lines"
	case "null":
		return "empty"
	case "int", "float":
		return "the number " + value
	case "bool":
		return value
	}
	if value == "" {
		return "text"
	}
	return fmt.Sprintf("the text %q", value)
}

// nodeAt is the value tagged tag that starts on line and is read into
// the named type, and its key when it is a mapping's value ("" for a
// list's item); nil when there is none, or when the line holds several
// such values (flow style) and their keys do not tell which one.
func nodeAt(root *yaml.Node, line, tag, typeName string) (*yaml.Node, string) {
	type found struct {
		n   *yaml.Node
		key string
	}
	var all []found
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		at := func(v *yaml.Node) bool { return fmt.Sprint(v.Line) == line && v.Tag == tag }
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if v := n.Content[i+1]; at(v) {
					all = append(all, found{v, n.Content[i].Value})
				}
			}
		case yaml.SequenceNode:
			for _, v := range n.Content {
				if at(v) {
					all = append(all, found{v, ""})
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	if root == nil {
		return nil, ""
	}
	walk(root)
	if len(all) == 1 {
		return all[0].n, all[0].key
	}
	// Several on the line: the one whose key reads the type named.
	var fits []found
	for _, f := range all {
		if f.key != "" && slices.Contains(keyTypes()[f.key], typeName) {
			fits = append(fits, f)
		}
	}
	if len(fits) == 1 {
		return fits[0].n, fits[0].key
	}
	return nil, ""
}

// keyTypes are, for each key of a framework file, the names of the types
// (as yaml.v3's messages give them) it is read into, in any part.
func keyTypes() map[string][]string {
	out := map[string][]string{}
	for _, t := range yamlTypes() {
		if t.Kind() != reflect.Struct {
			continue
		}
		for i := range t.NumField() {
			f := t.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || key == "-" || key == "" {
				continue
			}
			ft := f.Type
			out[key] = append(out[key], ft.String())
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
				out[key] = append(out[key], ft.String())
			}
		}
	}
	return out
}
