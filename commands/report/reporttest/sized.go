package reporttest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// SizedFramework is the id of the framework SizedWorkspace imports. No
// framework of that id is offered, so a report builds its definition
// from the targets.
const SizedFramework = "big"

// SizedWorkspace is a workspace of one framework of n targets, ten to
// an objective, and m updates spread evenly over them and over span up
// to end (the newest at end), each with a note, as a busy team's would
// be: what a report's cost is measured on. Every target is graded, with
// a rate event and its reason, in the workspace's first and only cycle,
// which was never started: a report of it covers the whole history.
func SizedWorkspace(ws string, n, m int, span time.Duration, end time.Time) *store.Snapshot {
	start := end.Add(-span)
	cycle := framework.FinancialYear(end)
	snap := &store.Snapshot{Workspace: framework.Workspace{ID: ws, Frameworks: []string{SizedFramework}}}
	for i := range n {
		snap.Targets = append(snap.Targets, framework.Target{Framework: SizedFramework, Objective: strconv.Itoa(i/10 + 1),
			Code: fmt.Sprintf("%d.%d", i/10+1, i%10+1), Title: fmt.Sprintf("Target %d of the sized framework", i+1),
			Owner: "U" + strconv.Itoa(i%7), Status: framework.NotStarted, CreatedAt: start, Rating: framework.Developing})
	}
	step := span / time.Duration(max(m, 1))
	for i := range m {
		t := &snap.Targets[i%n]
		u := framework.Update{ID: strconv.Itoa(i + 1), Target: t.Ref(), Author: "U" + strconv.Itoa(i%7),
			Time: start.Add(time.Duration(i+1) * step), Progress: i % 100, Status: framework.OnTrack,
			Note: "Held two listening events with the staff network", PrevProgress: t.Progress, PrevStatus: t.Status}
		t.Progress, t.Status, t.LastUpdate, t.UpdatedAt = u.Progress, u.Status, u.ID, u.Time
		snap.Updates = append(snap.Updates, u)
	}
	for i := range snap.Targets {
		t := &snap.Targets[i]
		snap.Events = append(snap.Events, framework.Event{ID: strconv.Itoa(i + 1), Target: t.Ref(), Kind: framework.EventRate,
			Author: "U1", Time: end.Add(-time.Hour), From: string(framework.Unrated), To: string(framework.Developing),
			Reason: "Evidence reviewed by the panel", Cycle: cycle})
	}
	return snap
}
