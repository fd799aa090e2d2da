package commands

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// A workspace's panels are entries of one kind, entryPanel, whose keys
// say what each is: "open|<objective>" (the panel, framework.Panel JSON),
// "member|<objective>|<user>" (memberValue while the panel is open,
// memberClosed after), "guest|<objective>|<guest key>" (framework.Guest
// JSON), "until|<objective>" (when voting ends, while the panel has an
// end date: untilValue), "vote|<target>|<service>|<voter>"
// (framework.Vote JSON; a guest's voter is "guest:<guest key>") and
// "agreed|<target>|<service>" (the agreed grade). One kind makes the
// tally one read, whatever the panel's size; the member value makes a
// vote one write whose expectation is the membership check, and the
// until value one that checks the end date too, whatever the workspace's
// time zone: the vote expects it absent or not before the moment it is
// cast (store.ExpectNotBefore).
const entryPanel store.EntryKind = "panel"

// The values of a member entry: a vote expects memberValue, so closing
// a panel (which rewrites them to memberClosed) refuses every later vote
// in the same write that would have cast it.
const (
	memberValue  = "member"
	memberClosed = "closed"
)

// The kinds of workspace event a panel records.
const (
	eventPanel framework.EventKind = "panel" // opened, closed, a member or guest added: Title says which
	eventVote  framework.EventKind = "vote"  // a vote: User voted To on Title (target and service), for Reason
)

// untilLayout writes the moment voting ends in UTC to the second, as
// text that sorts as the moments do.
const untilLayout = "2006-01-02T15:04:05Z"

// untilValue is a panel's until entry, "" when it has no end date: the
// moment voting ends (untilLayout), a space and its last day, which a
// vote refused by it names with no read (untilDay).
func untilValue(pn *framework.Panel) string {
	if pn.Until == "" {
		return ""
	}
	return pn.Ends.UTC().Format(untilLayout) + " " + string(pn.Until)
}

// voteMoment is what a vote cast at now expects the until entry not to
// be before: the next whole second, so that the comparison holds exactly
// when now is before the end (framework.Panel.Ended), the end being a
// midnight, a whole second.
func voteMoment(now time.Time) string {
	return now.UTC().Truncate(time.Second).Add(time.Second).Format(untilLayout)
}

// untilDay is the last day of voting an until entry names, and whether
// it is one of untilValue's: an entry kept before the moment was (the
// day alone) cannot say whether voting ended, as that depends on the
// workspace's time zone.
func untilDay(v string) (framework.Date, bool) {
	moment, day, ok := strings.Cut(v, " ")
	if !ok {
		return "", false
	}
	if _, err := time.Parse(untilLayout, moment); err != nil {
		return "", false
	}
	return framework.Date(day), true
}

func panelKey(obj string) string        { return "open|" + obj }
func untilKey(obj string) string        { return "until|" + obj }
func memberKey(obj, user string) string { return "member|" + obj + "|" + user }
func guestKey(obj, name string) string  { return "guest|" + obj + "|" + framework.GuestKey(name) }
func guestVoter(name string) string     { return "guest:" + framework.GuestKey(name) }
func voteKey(target, service, voter string) string {
	return "vote|" + target + "|" + strings.ToLower(service) + "|" + voter
}
func agreedKey(target, service string) string {
	return "agreed|" + target + "|" + strings.ToLower(service)
}

// panels is a workspace's panels as read from their entries.
type panels struct {
	raw     map[string]string
	open    map[string]framework.Panel   // by objective
	members map[string][]string          // by objective: user ids, sorted
	guests  map[string][]framework.Guest // by objective
	votes   map[string][]framework.Vote  // by target|service
	agreed  map[string]framework.Rating  // by target|service
}

func tallyKey(target, service string) string { return target + "|" + strings.ToLower(service) }

// readPanels reads every panel of the workspace: one round trip.
func (h *Handler) readPanels(ctx context.Context, ws string) (*panels, error) {
	raw, err := h.store.Entries(ctx, ws, entryPanel)
	if err != nil {
		return nil, storeErr("load panels", err)
	}
	return parsePanels(raw), nil
}

// parsePanels decodes the entries; a value that does not decode is left
// out, as it cannot be shown or counted.
func parsePanels(raw map[string]string) *panels {
	p := &panels{raw: raw, open: map[string]framework.Panel{}, members: map[string][]string{},
		guests: map[string][]framework.Guest{}, votes: map[string][]framework.Vote{}, agreed: map[string]framework.Rating{}}
	for k, v := range raw {
		parts := strings.Split(k, "|")
		switch {
		case parts[0] == "open" && len(parts) == 2:
			var pn framework.Panel
			if json.Unmarshal([]byte(v), &pn) == nil {
				p.open[parts[1]] = pn
			}
		case parts[0] == "member" && len(parts) == 3:
			p.members[parts[1]] = append(p.members[parts[1]], parts[2])
		case parts[0] == "guest" && len(parts) == 3:
			var g framework.Guest
			if json.Unmarshal([]byte(v), &g) == nil {
				p.guests[parts[1]] = append(p.guests[parts[1]], g)
			}
		case parts[0] == "vote" && len(parts) == 4:
			var vt framework.Vote
			if json.Unmarshal([]byte(v), &vt) == nil {
				p.votes[tallyKey(parts[1], parts[2])] = append(p.votes[tallyKey(parts[1], parts[2])], vt)
			}
		case parts[0] == "agreed" && len(parts) == 3:
			p.agreed[tallyKey(parts[1], parts[2])] = framework.Rating(v)
		}
	}
	for _, ms := range p.members {
		slices.Sort(ms)
	}
	for _, gs := range p.guests {
		slices.SortFunc(gs, func(a, b framework.Guest) int {
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		})
	}
	for _, vs := range p.votes {
		slices.SortFunc(vs, func(a, b framework.Vote) int {
			return strings.Compare(strings.ToLower(a.Voter+a.Guest), strings.ToLower(b.Voter+b.Guest))
		})
	}
	return p
}

// isOpen reports whether a panel on the objective takes votes now.
func (p *panels) isOpen(obj string, now time.Time) bool {
	pn, ok := p.open[obj]
	return ok && !pn.Closed && !pn.Ended(now)
}

func encodeJSON(v any) string {
	b, _ := json.Marshal(v) // the panel's types always encode
	return string(b)
}
