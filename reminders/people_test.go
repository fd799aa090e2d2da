package reminders

import (
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// A digest names people by the names the workspace knows, with their
// role, and by reference those it knows no name for.
func TestDigestNamesPeople(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB, *clock) store.Store) {
		at := london(t, 2026, 6, 15, 9, 5)
		c := newClock(at)
		st := open(t, c)
		seedWorkspace(t, st, ws, at.AddDate(0, 0, -10))
		amy := framework.Person{User: "UAMY", Name: "Amy Khan", Role: "EDI lead", Manual: true}
		bob := framework.Person{User: "UBOB", Name: "Bob *Brown*"}
		if _, err := st.WriteEntries(background(), ws, store.EntryWrite{Put: []store.Entry{
			{Kind: store.EntryPerson, Key: amy.User, Value: amy.Encode()},
			{Kind: store.EntryPerson, Key: bob.User, Value: bob.Encode()},
		}}); err != nil {
			t.Fatal(err)
		}
		patch(t, st, ws, "eqs/1.1", targetPatch{Owner: ptr("uamy"), Due: dateP("2026-06-01")}) // the owner's id in another case
		patch(t, st, ws, "eqs/1.2", targetPatch{Owner: ptr("UCAT"), Due: dateP("2026-06-02")})
		update(t, st, ws, "eqs/1.1", "UBOB", at.Add(-48*time.Hour), 20, framework.OnTrack, "")
		s := newScheduler(st, &recorder{}, c)
		rec := s.opts.Posters["slack"].(*recorder)
		r := postDigest(t, s, rec, "C1")
		overdue, _ := detail(r, "Overdue")
		updates, _ := detail(r, "Updates since")
		for _, want := range []string{"due 2026-06-01, Amy Khan, EDI lead, 20%", "due 2026-06-02, <@UCAT>, 0%"} {
			if !strings.Contains(overdue.Text, want) {
				t.Errorf("overdue lacks %q:\n%s", want, overdue.Text)
			}
		}
		if !strings.Contains(updates.Text, `by Bob \*Brown\*`) {
			t.Errorf("updates do not name the author, inert:\n%s", updates.Text)
		}
	})
}
