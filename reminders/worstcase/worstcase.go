// Package worstcase seeds the worst-case workspace that adapter tests
// render digests, reminders and lists for: more and longer content than
// any platform fits in one message, and notes full of markup, mentions
// and links. Tests check every payload against the platform's limits and
// that nothing was dropped.
package worstcase

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// The shape of the worst case.
const (
	Objectives   = 60
	Targets      = 100
	TitleLen     = 250
	Notes        = 52
	NoteLen      = 1000
	HeavyOwner   = "U0HEAVY"
	HeavyOverdue = 27
	FrameworkID  = "worst"
)

// Framework is a custom framework of Objectives objectives holding
// Targets targets in all, every title TitleLen characters long.
func Framework() *framework.Framework {
	fw := &framework.Framework{ID: FrameworkID, Name: "Worst case", Description: "Every limit at once."}
	for o := 0; o < Objectives; o++ {
		fw.Objectives = append(fw.Objectives, framework.Objective{Code: fmt.Sprint(o + 1), Title: pad(fmt.Sprintf("Objective %d with a long *name* ", o+1), 120)})
	}
	for i := 0; i < Targets; i++ {
		o := &fw.Objectives[i%Objectives]
		code := fmt.Sprintf("%s.%d", o.Code, len(o.Targets)+1)
		o.Targets = append(o.Targets, framework.TargetSpec{Code: code, Title: pad(fmt.Sprintf("Target %s _under_ `code` ~struck~ ", code), TitleLen)})
	}
	return fw
}

// Note is note i: NoteLen characters holding a link, a disguised link,
// mentions of a user and of everyone, and markdown of every platform.
func Note(i int) string {
	head := fmt.Sprintf("note %d: see https://www.england.nhs.uk/eds/?n=%d and [nhs.uk](https://evil.example/%d) <@U0OTHER> <!channel> @everyone @here *bold* **strong** _em_ ~~gone~~ `tick` > quote ", i, i, i)
	return pad(head, NoteLen)
}

func pad(s string, n int) string {
	for len(s) < n {
		s += "lorem ipsum dolor sit amet "
	}
	return strings.TrimSpace(s[:n])
}

// Seed imports Framework into ws on s, makes HeavyOwner own HeavyOverdue
// targets that were due before now, gives every other target a due date
// after now, and logs Notes updates by several authors, each with a long
// note. It returns the refs of the overdue targets.
func Seed(ctx context.Context, s store.Store, ws string, now time.Time) (overdue []string, err error) {
	fw := Framework()
	if _, err := s.Import(ctx, ws, fw, now.Add(-90*24*time.Hour)); err != nil {
		return nil, fmt.Errorf("worstcase: import: %w", err)
	}
	ts, err := s.Targets(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("worstcase: targets: %w", err)
	}
	today := framework.Today(now, time.UTC)
	for i, t := range ts {
		owner, due := fmt.Sprintf("U%03d", i%9), today.AddDays(30+i)
		if i < HeavyOverdue {
			owner, due = HeavyOwner, today.AddDays(-1-i)
			overdue = append(overdue, t.Ref())
		}
		for _, ch := range []framework.Change{{Kind: framework.EventAssign, Owner: owner}, {Kind: framework.EventDue, Due: due}} {
			ch.Author, ch.Time = "U000", now
			if _, _, err := s.ChangeTarget(ctx, ws, t.Ref(), ch); err != nil {
				return nil, fmt.Errorf("worstcase: %s %s: %w", ch.Kind, t.Ref(), err)
			}
		}
	}
	for i := 0; i < Notes; i++ {
		t := ts[(i*7)%len(ts)]
		u := framework.Update{
			Target: t.Ref(), Author: fmt.Sprintf("U%03d", i%5), Time: now.Add(-time.Duration(Notes-i) * time.Hour),
			Progress: (i * 3) % 100, Status: framework.Statuses[1+i%3], Note: Note(i),
		}
		if _, _, err := s.AppendUpdate(ctx, ws, u, store.Once{}); err != nil {
			return nil, fmt.Errorf("worstcase: update %s: %w", t.Ref(), err)
		}
	}
	return overdue, nil
}
