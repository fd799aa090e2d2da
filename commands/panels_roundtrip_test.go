package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// A vote is one Redis round trip, the membership check included (its
// write expects the member entry), and the tally of a 20-member panel on
// 4 outcomes is two: the panel's entries and the targets.
func TestPanelRoundTripsOnRedis(t *testing.T) {
	ctx := context.Background()
	h, s := onRedis(t)
	run := func(user, text string) (bot.Reply, int64) {
		counter := &redistest.RoundTrips{}
		s.AddHook(counter)
		r := h.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: user, UserName: "Name of " + user, PlatformAdmin: user == "UADMIN", Text: text})
		return r, counter.Load()
	}
	run("UADMIN", "import eds-2022")
	run("UADMIN", "panel open eds-2022/2")
	members := make([]string, 20)
	for i := range members {
		members[i] = fmt.Sprintf("<@UM%02d>", i)
	}
	if r, _ := run("UADMIN", "panel add eds-2022/2 "+strings.Join(members, " ")); r.Code != "" {
		t.Fatalf("panel add: %s", r.Text())
	}
	for i := range members {
		user := fmt.Sprintf("UM%02d", i)
		run(user, "vote eds-2022/2D developing") // records the name, warms the script
		for _, ref := range []string{"2A", "2B", "2C"} {
			r, n := run(user, "vote eds-2022/"+ref+" achieving")
			if r.Code != "" || n != 1 {
				t.Fatalf("vote by %s on %s: %q %q, %d round trips, want 1", user, ref, r.Code, r.Text(), n)
			}
		}
	}
	r, n := run("UM00", "panel eds-2022/2")
	if r.Code != "" || n > 2 || !strings.Contains(r.Text(), "20 votes: 🟩 achieving 20") {
		t.Errorf("tally: %q, %d round trips, want at most 2:\n%s", r.Code, n, r.Text())
	}
	// A refused vote reads the panels to say why (the refused write
	// checks the workspace listing too, see redisstore.WriteEntries).
	if r, n := run("UNOBODY", "vote eds-2022/2A achieving"); r.Code != "forbidden" || n > 3 {
		t.Errorf("non-member vote: %q %q, %d round trips", r.Code, r.Text(), n)
	}
	// On a panel with a last day, the vote's write expects none, so it
	// reads the panel to check the day and writes again expecting it: the
	// refused write (with its check of the workspace listing), the read,
	// the write.
	run("UADMIN", "panel open eds-2022/3 until 2099-12-31")
	run("UADMIN", "panel add eds-2022/3 <@UM00>")
	if r, n := run("UM00", "vote eds-2022/3A achieving"); r.Code != "" || n > 4 {
		t.Errorf("vote on a panel with a last day: %q %q, %d round trips, want at most 4", r.Code, r.Text(), n)
	} else {
		t.Logf("a vote on a panel with a last day: %d round trips", n)
	}
}
