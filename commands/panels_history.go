package commands

import (
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/view"
	"github.com/targetbot/targetbot/framework"
)

// panelHistory finds, among the workspace's events (newest first), the
// record a panel left on the target ref: its panel opened and closed,
// each vote and change of vote on it, and the agreement. objective is
// the target's objective's reference. Votes are
// workspace events (a vote is one entry write), so `history` finds them
// here, as it finds actions' events.
func panelHistory(v view.Clock, evs []framework.Event, ref, objective string) []entry {
	var out []entry
	last := map[string]string{} // voter and service -> their grade in the panel's cycle
	cycle := ""
	for i := len(evs) - 1; i >= 0; i-- {
		e := &evs[i]
		var what string
		switch e.Kind {
		case eventVote:
			target, service := voteTitle(e.Title)
			if target != ref {
				continue
			}
			what = voteWhat(v, e, service, last)
		case eventPanel:
			verb, about, _ := strings.Cut(e.Title, " ")
			target, service := voteTitle(about)
			switch {
			case verb == "agreed" && target == ref:
				what = "recorded the panel's agreed grade" + serviceWords(service) + ": " + view.Rating(framework.Rating(e.To))
			case verb == "extended" && about == objective && e.To == "":
				what = "lifted the end date of the panel on " + code(about)
			case verb == "extended" && about == objective:
				what = "extended the panel on " + code(about) + ": voting until " + e.To
			case (verb == "opened" || verb == "closed") && about == objective:
				what = verb + " the panel on " + code(about)
				if verb == "opened" {
					if e.Cycle != cycle {
						// A panel of another cycle: its votes were not carried.
						clear(last)
						cycle = e.Cycle
					}
					if e.To != "" {
						what += ", voting until " + e.To
					}
				}
			default:
				continue
			}
		default:
			continue
		}
		out = append(out, entry{e.Time, e.ID, e.Time.In(v.Loc).Format("2006-01-02 15:04") + " " + v.Person(e.Author) + " " + what})
	}
	return out
}

// voteTitle splits a vote event's title: the target, and the service
// after " service ".
func voteTitle(title string) (target, service string) {
	target, service, _ = strings.Cut(title, " service ")
	return target, service
}

// voteWhat says what a vote event did: a first vote, or a change of
// vote from the voter's last one (last, which it updates), for a
// guest when an admin entered it.
func voteWhat(v view.Clock, e *framework.Event, service string, last map[string]string) string {
	guest, isGuest := strings.CutPrefix(e.User, "guest:")
	who := e.User
	if isGuest {
		who = "guest:" + framework.GuestKey(guest)
	}
	key := who + "|" + service
	was := last[key]
	last[key] = e.To
	grade := view.Rating(framework.Rating(e.To))
	var what string
	switch {
	case isGuest && was == "":
		what = "entered " + bot.Bold(bot.Escape(guest)) + "'s vote" + serviceWords(service) + ": " + grade
	case isGuest:
		what = "changed " + bot.Bold(bot.Escape(guest)) + "'s vote" + serviceWords(service) + " to " + grade + " (was " + was + ")"
	case was == "":
		what = "voted " + grade + serviceWords(service)
	default:
		what = "changed their vote" + serviceWords(service) + " to " + grade + " (was " + was + ")"
	}
	if !isGuest && !framework.SameUser(e.User, e.Author) {
		what += " for " + v.Person(e.User)
	}
	if e.Reason != "" {
		what += " " + view.Note(e.Reason)
	}
	return what
}
