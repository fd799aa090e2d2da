package framework

import (
	"fmt"
	"regexp"
	"strings"
)

// Framework is a published set of objectives, each holding targets: the
// NHS Equality Delivery System, NHS England's equality objectives, or a
// custom framework a team loads from YAML. A workspace imports a framework
// to get its own copy of every target.
type Framework struct {
	ID          string `yaml:"id" json:"id"`
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	Source      string `yaml:"source,omitempty" json:"source,omitempty"`
	Labels      Labels `yaml:"labels,omitempty" json:"labels,omitempty"`
	// Grading, when set, scores the framework's grades and rates the sum.
	Grading    *Grading    `yaml:"grading,omitempty" json:"grading,omitempty"`
	Objectives []Objective `yaml:"objectives" json:"objectives"`
}

// Labels are what a framework calls its levels: EDS has goals and
// outcomes, NHS England has objectives and targets.
type Labels struct {
	Objective string `yaml:"objective,omitempty" json:"objective,omitempty"`
	Target    string `yaml:"target,omitempty" json:"target,omitempty"`
}

// Objective groups targets under one aim. Code is short ("1"), Title is the
// name shown in lists, Text the full narrative.
type Objective struct {
	Code    string       `yaml:"code" json:"code"`
	Title   string       `yaml:"title" json:"title"`
	Text    string       `yaml:"text,omitempty" json:"text,omitempty"`
	Targets []TargetSpec `yaml:"targets" json:"targets"`
}

// TargetSpec is a target as a framework defines it, before any workspace
// imports it.
type TargetSpec struct {
	Code  string `yaml:"code" json:"code"`
	Title string `yaml:"title" json:"title"`
	// Text is more of the published wording, such as another source's
	// version of the title.
	Text string `yaml:"text,omitempty" json:"text,omitempty"`
	// Unverified, when set, says which part of the wording no official
	// source confirmed, so it is shown as unconfirmed and a workspace can
	// correct it.
	Unverified string `yaml:"unverified,omitempty" json:"unverified,omitempty"`
	// Metric, when set, measures the target by a number.
	Metric *Metric `yaml:"metric,omitempty" json:"metric,omitempty"`
}

// ObjectiveLabel is the name of the framework's top level, "objective" by default.
func (f *Framework) ObjectiveLabel() string {
	if f.Labels.Objective != "" {
		return f.Labels.Objective
	}
	return "objective"
}

// TargetLabel is the name of the framework's second level, "target" by default.
func (f *Framework) TargetLabel() string {
	if f.Labels.Target != "" {
		return f.Labels.Target
	}
	return "target"
}

// Objective returns the objective with the given code.
func (f *Framework) Objective(code string) (*Objective, bool) {
	for i := range f.Objectives {
		if f.Objectives[i].Code == code {
			return &f.Objectives[i], true
		}
	}
	return nil, false
}

// TargetCount is the number of targets across all objectives.
func (f *Framework) TargetCount() int {
	n := 0
	for _, o := range f.Objectives {
		n += len(o.Targets)
	}
	return n
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$`)
)

// ValidID reports whether s can name a framework: lower-case letters,
// digits and hyphens, at most 40 characters.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// ValidCode reports whether s can be an objective or target code: letters,
// digits, dots, hyphens and underscores, at most 16 characters.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// Validate checks the framework is well formed: a valid id and name,
// objectives and targets with valid codes, unique ignoring case as
// commands match them, and non-empty titles.
// Its errors are EINVALID, say which item is wrong, and carry in Field the
// path of that item, such as "objectives[2].targets[0].code", so a loader
// can point at the line.
func (f *Framework) Validate() error {
	bad := func(path, format string, args ...any) error {
		return &Error{Code: EINVALID, Field: path, Message: fmt.Sprintf("framework %s: ", f.ID) + fmt.Sprintf(format, args...)}
	}
	if !ValidID(f.ID) {
		return &Error{Code: EINVALID, Field: "id", Message: fmt.Sprintf("framework id %q must be lower-case letters, digits and hyphens, starting with a letter or digit (at most 40)", f.ID)}
	}
	if strings.TrimSpace(f.Name) == "" {
		return bad("name", "add a name")
	}
	if len(f.Objectives) == 0 {
		return bad("objectives", "add at least one objective")
	}
	objectives := map[string]bool{}
	targets := map[string]bool{}
	for i, o := range f.Objectives {
		at := fmt.Sprintf("objectives[%d]", i)
		switch {
		case !ValidCode(o.Code):
			return bad(at+".code", "objective code %q must be letters, digits, dots, hyphens or underscores (at most 16)", o.Code)
		case objectives[strings.ToLower(o.Code)]:
			return bad(at+".code", "objective %s appears twice (codes ignore case): give each objective its own code", o.Code)
		case strings.TrimSpace(o.Title) == "":
			return bad(at+".title", "objective %s has no title", o.Code)
		}
		objectives[strings.ToLower(o.Code)] = true
		for j, t := range o.Targets {
			at := fmt.Sprintf("%s.targets[%d]", at, j)
			switch {
			case !ValidCode(t.Code):
				return bad(at+".code", "target code %q must be letters, digits, dots, hyphens or underscores (at most 16)", t.Code)
			case targets[strings.ToLower(t.Code)]:
				return bad(at+".code", "target %s appears twice (codes ignore case): give each target its own code", t.Code)
			case strings.TrimSpace(t.Title) == "":
				return bad(at+".title", "target %s has no title", t.Code)
			}
			targets[strings.ToLower(t.Code)] = true
			if t.Metric != nil {
				if err := t.Metric.Validate(); err != nil {
					return bad(at+".metric."+ErrorField(err), "target %s: %s", t.Code, ErrorMessage(err))
				}
			}
		}
	}
	// Grading is checked last: its services and descriptors name the
	// objectives and targets checked above.
	if f.Grading != nil {
		if path, err := f.Grading.validate(f); err != nil {
			return bad(path, "%v", err)
		}
	}
	return nil
}

// Targets returns a fresh workspace copy of every target in the framework,
// not started, unowned and undated.
func (f *Framework) Targets() []Target {
	var ts []Target
	for _, o := range f.Objectives {
		for _, s := range o.Targets {
			ts = append(ts, Target{
				Framework: f.ID,
				Objective: o.Code,
				Code:      s.Code,
				Title:     s.Title,
				Status:    NotStarted,
			})
		}
	}
	return ts
}

// Spec returns the framework's definition of the target with the given
// code, matched ignoring case as commands match codes.
func (f *Framework) Spec(code string) (*TargetSpec, bool) {
	for i := range f.Objectives {
		for j := range f.Objectives[i].Targets {
			if t := &f.Objectives[i].Targets[j]; strings.EqualFold(t.Code, code) {
				return t, true
			}
		}
	}
	return nil, false
}

// Ref joins a framework id and a target code into a target reference.
func Ref(frameworkID, code string) string { return frameworkID + "/" + code }

// SplitRef splits "eds/1.1" into "eds" and "1.1". A bare code returns an
// empty framework id.
func SplitRef(ref string) (frameworkID, code string) {
	if i := strings.IndexByte(ref, '/'); i >= 0 {
		return ref[:i], ref[i+1:]
	}
	return "", ref
}

// String returns a short description of the framework for lists.
func (f *Framework) String() string {
	return fmt.Sprintf("%s (%s): %d %ss, %d %ss", f.ID, f.Name, len(f.Objectives), f.ObjectiveLabel(), f.TargetCount(), f.TargetLabel())
}
