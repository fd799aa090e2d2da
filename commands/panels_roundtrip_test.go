package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
	"github.com/targetbot/targetbot/store/redisstore/redistest"
)

// A vote is one Redis round trip, the membership check included (its
// write expects the member entry), and the end date's too, before the
// end or after it; the tally of a 20-member panel on 4 outcomes is two:
// the panel's entries and the targets.
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
	// A vote refused by its membership check reads the panels to say why.
	if r, n := run("UNOBODY", "vote eds-2022/2A achieving"); r.Code != "forbidden" || n > 2 {
		t.Errorf("non-member vote: %q %q, %d round trips", r.Code, r.Text(), n)
	}
	// On a panel with an end date, the vote's write expects the until
	// entry not before the moment it is cast: one round trip before the
	// end, and one after it, refused with the day the entry names.
	until := time.Now().AddDate(0, 0, 2).UTC().Format("2006-01-02")
	run("UADMIN", "panel open eds-2022/3 until "+until)
	run("UADMIN", "panel add eds-2022/3 <@UM00>")
	if r, n := run("UM00", "vote eds-2022/3A achieving"); r.Code != "" || n != 1 {
		t.Errorf("vote before a panel's end date: %q %q, %d round trips, want 1", r.Code, r.Text(), n)
	}
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	later := New(Options{Store: store.Checked(s), Frameworks: fws, Now: func() time.Time { return time.Now().AddDate(0, 0, 5) }})
	counter := &redistest.RoundTrips{}
	s.AddHook(counter)
	r = later.Handle(ctx, bot.Request{Workspace: "slack:T1", Channel: "C1", User: "UM00", UserName: "Name of UM00", Text: "vote eds-2022/3B achieving"})
	if want := "the panel on `eds-2022/3` closed on " + until + ": no more votes"; r.Code != "conflict" || !r.Ephemeral || !strings.Contains(r.Text(), want) || counter.Load() != 1 {
		t.Errorf("vote after a panel's end date: %q %q, %d round trips; want a private refusal saying %q, in 1", r.Code, r.Text(), counter.Load(), want)
	}
}
