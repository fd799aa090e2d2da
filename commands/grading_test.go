package commands

import (
	"strings"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
)

// eds2022 is an env with the built-in eds-2022 imported.
func eds2022(t *testing.T) *env {
	t.Helper()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	e.ok(adminUser, "import eds-2022")
	return e
}

// The score counts only the framework's own outcomes: a local outcome
// shows apart with its grade and never moves the score or its maximum,
// and an archived outcome keeps the band provisional. With nothing
// graded, no band is announced.
func TestScoreCountsOnlyTheFrameworksOwnTargets(t *testing.T) {
	e := eds2022(t)
	heading := func() string { return e.ok(bob, "list eds-2022").Blocks[0].Text }
	if got, want := heading(), "Score `eds-2022`: 0 of 33, nothing graded yet"; got != want {
		t.Errorf("nothing graded: heading = %q, want %q", got, want)
	}
	for ref, grade := range map[string]string{"1A": "excelling", "1B": "achieving", "2A": "achieving", "2B": "developing", "3A": "achieving", "3B": "achieving", "3C": "achieving", "1C": "undeveloped", "2C": "developing"} {
		e.ok(adminUser, "rate eds-2022/"+ref+" "+grade)
	}
	e.ok(adminUser, "add eds-2022/2 2E Staff networks are heard")
	e.ok(adminUser, "rate eds-2022/2E excelling")
	want := "Score `eds-2022`: 15 of 33 so far, 🟧 developing (provisional: 2 outcomes ungraded); 1 local outcome, not scored\n" +
		"Not scored (local): `eds-2022/2E` 🟪 excelling"
	if got := heading(); got != want {
		t.Errorf("with a local outcome: heading = %q, want %q", got, want)
	}
	e.ok(adminUser, "archive eds-2022/3C")
	if got, want := heading(), "Score `eds-2022`: 13 of 33 so far, 🟧 developing (provisional: 2 outcomes ungraded, 1 archived); 1 local outcome"; !strings.HasPrefix(got, want) {
		t.Errorf("with 3C archived: heading = %q, want it to start %q", got, want)
	}
}

// rate takes a grade by name, and by score and colour where the
// framework's grading declares them; eds has no grading, so names only.
func TestRateTakesScoresAndColours(t *testing.T) {
	e := eds2022(t)
	for _, tc := range []struct {
		grade string
		want  framework.Rating
	}{
		{"0", framework.Undeveloped}, {"1", framework.Developing}, {"2", framework.Achieving}, {"3", framework.Excelling},
		{"red", framework.Undeveloped}, {"Amber", framework.Developing}, {"green", framework.Achieving}, {"PURPLE", framework.Excelling},
		{"achieving", framework.Achieving}, {"none", framework.Unrated},
	} {
		// Start each case from another grade: a rate that changes nothing is refused.
		if e.target("eds-2022/2B").Rating == tc.want {
			other := "none"
			if tc.want == framework.Unrated {
				other = "excelling"
			}
			e.ok(adminUser, "rate eds-2022/2B "+other)
		}
		e.ok(adminUser, "rate eds-2022/2B "+tc.grade+" agreed at the panel")
		if got := e.target("eds-2022/2B").Rating; got != tc.want {
			t.Errorf("rate %s gave %q, want %q", tc.grade, got, tc.want)
		}
	}
	e.unchanged(adminUser, "rate eds-2022/2B 4", framework.EINVALID, "rating",
		"use undeveloped, developing, achieving, excelling, a score (0, 1, 2 or 3) or a colour (red, amber, green or purple) (or none to clear it)")
	e.unchanged(adminUser, "rate eds-2022/2B blue", framework.EINVALID, "rating", "is not a grade")

	plain := imported(t)
	plain.unchanged(adminUser, "rate eds/1.1 2", framework.EINVALID, "rating", "use undeveloped, developing, achieving or excelling (or none to clear it)")
	plain.unchanged(adminUser, "rate eds/1.1 green", framework.EINVALID, "rating", "is not a grade")
}

// eds-2022 sets owners_grade: false, so an owner cannot grade their own
// outcome; an admin still can. Where the framework allows it, the owner
// grades as before.
func TestOwnersGradeFalse(t *testing.T) {
	e := eds2022(t)
	e.ok(adminUser, "assign eds-2022/2B @"+amy)
	e.unchanged(amy, "rate eds-2022/2B excelling", framework.EFORBIDDEN, "",
		"`eds-2022` is graded with stakeholders, not by its owner: only an admin can record the agreed grade of eds-2022/2B")
	e.unchanged(bob, "rate eds-2022/2B excelling", framework.EFORBIDDEN, "", "only an admin or the target's owner can rate")
	e.ok(adminUser, "rate eds-2022/2B achieving agreed with the staff networks")
	if got := e.target("eds-2022/2B").Rating; got != framework.Achieving {
		t.Errorf("admin's grade = %q", got)
	}

	plain := imported(t)
	plain.ok(adminUser, "assign eds/1.1 @"+amy)
	plain.ok(amy, "rate eds/1.1 developing")
}
