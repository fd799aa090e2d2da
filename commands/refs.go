package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// objectiveRef names one objective of one framework.
type objectiveRef struct {
	Framework string
	Code      string
	Title     string
}

// String is the objective's reference, for example "eds/2".
func (o objectiveRef) String() string { return framework.Ref(o.Framework, o.Code) }

// resolveTarget finds the target a user named: "eds/1.1" (the framework
// id in any case), or a bare "1.1" when exactly one imported framework
// has that code. Its errors say what to type instead.
func (h *Handler) resolveTarget(ctx context.Context, c *call, w *framework.Workspace, ref string) (framework.Target, error) {
	if err := h.requireImported(w); err != nil {
		return framework.Target{}, err
	}
	fwID, tcode := framework.SplitRef(ref)
	unknown := explain(framework.ErrTargetNotFound.About(ref))
	if f := h.frameworkTyped(ref); f != nil {
		return framework.Target{}, notTarget(f, ref, c.verb)
	}
	if tcode == "" {
		return framework.Target{}, unknown
	}
	if fwID != "" || strings.Contains(ref, "/") {
		fwID = strings.ToLower(fwID)
		if err := h.requireFrameworkImported(w, fwID, ref); err != nil {
			return framework.Target{}, err
		}
		t, err := h.store.Target(ctx, w.ID, framework.Ref(fwID, tcode))
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, framework.ErrTargetNotFound) {
			return framework.Target{}, storeErr("load target", err)
		}
	}
	// Codes are matched ignoring case, so a bare or differently-cased code
	// needs the whole list; a workspace holds tens of targets.
	ts, err := h.store.Targets(ctx, w.ID)
	if err != nil {
		return framework.Target{}, storeErr("load targets", err)
	}
	var found []framework.Target
	for _, t := range ts {
		if strings.EqualFold(t.Code, tcode) && (fwID == "" || t.Framework == fwID) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return framework.Target{}, unknown
	case 1:
		return found[0], nil
	}
	refs := make([]string, len(found))
	for i, t := range found {
		refs[i] = code(t.Ref())
	}
	return framework.Target{}, framework.FieldErrorf("target", "%s is ambiguous: use %s", code(ref), orList(refs))
}

// requireImported fails when the workspace has imported nothing yet, and
// says how to start.
func (h *Handler) requireImported(w *framework.Workspace) error {
	if len(w.Frameworks) > 0 {
		return nil
	}
	first := "eds-2022"
	ids := make([]string, 0, len(h.frameworks))
	for _, f := range h.frameworks {
		ids = append(ids, code(f.ID))
	}
	if len(h.frameworks) > 0 && h.framework(first) == nil {
		first = h.frameworks[0].ID
	}
	msg := "nothing is imported here yet: an admin can run " + code("/target import "+first)
	if len(ids) > 0 {
		msg += " (frameworks: " + strings.Join(ids, ", ") + ")"
	}
	return framework.Errorf(framework.ENOTFOUND, "%s", msg)
}

// requireFrameworkImported fails when fwID is not imported here, telling
// an unknown framework from one that is offered but not imported.
func (h *Handler) requireFrameworkImported(w *framework.Workspace, fwID, ref string) error {
	if w.Imported(fwID) {
		return nil
	}
	if h.framework(fwID) != nil {
		return explain(framework.ErrFrameworkNotImported.About(fwID))
	}
	imported := make([]string, len(w.Frameworks))
	for i, id := range w.Frameworks {
		imported[i] = code(id)
	}
	e := framework.FieldErrorf("target", "unknown framework %s in %s: frameworks imported here are %s", code(short(fwID, 40)), code(short(ref, 60)), strings.Join(imported, ", "))
	e.Code = framework.ENOTFOUND
	return e
}

// objectives lists the objectives of the imported frameworks: from the
// framework definitions, and from the targets for a framework no longer
// offered.
func (h *Handler) objectives(w *framework.Workspace, ts []framework.Target) []objectiveRef {
	var out []objectiveRef
	for _, id := range w.Frameworks {
		if f := h.framework(id); f != nil {
			for _, o := range f.Objectives {
				out = append(out, objectiveRef{id, o.Code, o.Title})
			}
			continue
		}
		seen := map[string]bool{}
		for _, t := range ts {
			if t.Framework == id && !seen[t.Objective] {
				seen[t.Objective] = true
				out = append(out, objectiveRef{Framework: id, Code: t.Objective})
			}
		}
	}
	return out
}

// resolveObjective finds the objective a user named: "eds/2", or a bare
// "2" when exactly one imported framework has it.
func (h *Handler) resolveObjective(w *framework.Workspace, ts []framework.Target, ref string) (objectiveRef, error) {
	if err := h.requireImported(w); err != nil {
		return objectiveRef{}, err
	}
	fwID, ocode := framework.SplitRef(ref)
	fwID = strings.ToLower(fwID)
	if strings.Contains(ref, "/") {
		if err := h.requireFrameworkImported(w, fwID, ref); err != nil {
			return objectiveRef{}, err
		}
	}
	var found []objectiveRef
	for _, o := range h.objectives(w, ts) {
		if strings.EqualFold(o.Code, ocode) && (fwID == "" || o.Framework == fwID) {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 0:
		if f := h.frameworkTyped(ref); f != nil {
			return objectiveRef{}, notObjective(f, ref)
		}
		e := framework.FieldErrorf("objective", "unknown objective %s: `/target list` shows the objectives", code(short(ref, 60)))
		e.Code = framework.ENOTFOUND
		return objectiveRef{}, e
	case 1:
		return found[0], nil
	}
	refs := make([]string, len(found))
	for i, o := range found {
		refs[i] = code(o.String())
	}
	return objectiveRef{}, framework.FieldErrorf("objective", "%s is ambiguous: use %s", code(ref), orList(refs))
}

// frameworkTyped is the framework whose id ref is, with or without a
// trailing slash, or nil: people type `show eds-2022` for the whole
// framework.
func (h *Handler) frameworkTyped(ref string) *framework.Framework {
	id := strings.ToLower(strings.TrimSuffix(ref, "/"))
	if id == "" || strings.Contains(id, "/") {
		return nil
	}
	return h.framework(id)
}

// notTarget refuses framework f's id typed where verb wants a target,
// and says what to type: the list of its targets, or one of them.
func notTarget(f *framework.Framework, ref, verb string) error {
	msg := fmt.Sprintf("%s is a framework, not a single %s: %s lists its %ss", code(short(ref, 60)), f.TargetLabel(), code("/target list "+f.ID), f.TargetLabel())
	if ts := f.Targets(); len(ts) > 0 && verb != "" {
		msg += fmt.Sprintf(", and %s names one", code("/target "+verb+" "+ts[0].Ref()))
	}
	e := framework.FieldErrorf("target", "%s", msg)
	e.Code = framework.ENOTFOUND
	return e
}

// notObjective refuses framework f's id typed where an objective
// belongs, and names one of its objectives to type instead.
func notObjective(f *framework.Framework, ref string) error {
	msg := fmt.Sprintf("%s is a framework, not a single %s: %s lists its %ss", code(short(ref, 60)), f.ObjectiveLabel(), code("/target list "+f.ID), f.ObjectiveLabel())
	if len(f.Objectives) > 0 {
		msg += fmt.Sprintf(", such as %s", code(framework.Ref(f.ID, f.Objectives[0].Code)))
	}
	e := framework.FieldErrorf("objective", "%s", msg)
	e.Code = framework.ENOTFOUND
	return e
}

// objectiveTitle is the title of an objective, "" when its framework is
// no longer offered.
func (h *Handler) objectiveTitle(fwID, ocode string) string {
	if f := h.framework(fwID); f != nil {
		if o, ok := f.Objective(ocode); ok {
			return o.Title
		}
	}
	return ""
}

// orList joins words as "a", "a or b", "a, b or c".
func orList(words []string) string {
	words = slices.Clone(words)
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
