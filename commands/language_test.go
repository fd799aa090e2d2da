package commands

import (
	"reflect"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework"
)

// The codes adapters read from replies are the command layer's own.
func TestReplyCodesAreFrameworkCodes(t *testing.T) {
	for got, want := range map[string]string{
		bot.CodeInvalid: framework.EINVALID, bot.CodeForbidden: framework.EFORBIDDEN,
		bot.CodeUnavailable: framework.EUNAVAILABLE, bot.CodeInternal: framework.EINTERNAL,
	} {
		if got != want {
			t.Errorf("bot code %q, framework code %q", got, want)
		}
	}
}

// The update form asks for the update verb's own arguments, with their
// limits and choices, and a status menu shows statuses as replies do.
func TestUpdateFormIsTheVerbs(t *testing.T) {
	f, ok := Language{}.Form("update eds/1.1")
	if !ok || f.Verb != "update" || f.Title == "" || f.Submit == "" {
		t.Fatalf("form %+v %v", f, ok)
	}
	update, _ := LookupVerb("update")
	var names []string
	for _, ff := range f.Fields {
		names = append(names, ff.Name)
		a, _ := update.Arg(ff.Name)
		if !reflect.DeepEqual(ff.Arg, a) || ff.Label == "" || ff.Placeholder == "" {
			t.Errorf("field %+v, the verb's argument %+v", ff, a)
		}
	}
	if strings.Join(names, " ") != "progress status note" {
		t.Errorf("fields %v", names)
	}
	status, _ := update.Arg("status")
	if status.Choices[1] != (bot.Choice{Value: "on-track", Label: "🟢 on-track"}) {
		t.Errorf("status choices %v", status.Choices)
	}
	for _, cmd := range []string{"show eds/1.1", "nope", ""} {
		if _, ok := (Language{}).Form(cmd); ok {
			t.Errorf("%q has a form", cmd)
		}
	}
	// A Handler declares the same language.
	var h bot.Language = New(Options{})
	if hf, _ := h.Form("update eds/1.1"); !reflect.DeepEqual(hf, f) || !reflect.DeepEqual(h.Commands(), Language{}.Commands()) {
		t.Error("the Handler's language is not the table's")
	}
}

// Every list filter, in each of its spellings, lists rather than being
// read as an objective; usage names them all, and the option
// description the brief ones.
func TestListFiltersDeclaredOnce(t *testing.T) {
	e := imported(t)
	list, _ := LookupVerb("list")
	filter, _ := list.Arg("filter")
	for _, f := range listFilters {
		if !strings.Contains(list.Usage, "|"+f.word+"|") {
			t.Errorf("usage %q lacks %s", list.Usage, f.word)
		}
		if strings.Contains(filter.Description, " "+f.word+",") != f.brief && strings.Contains(filter.Description, " "+f.word+" ") != f.brief {
			t.Errorf("description %q and %s (brief %v)", filter.Description, f.word, f.brief)
		}
		for _, w := range append([]string{f.word, strings.ToUpper(f.word)}, f.aliases...) {
			if r := e.as(amy, "list "+w); r.Code != "" {
				t.Errorf("list %s: %s", w, r.Text())
			}
		}
	}
	if len([]rune(filter.Description)) > 100 {
		t.Errorf("description %q is longer than Discord's 100", filter.Description)
	}
}
