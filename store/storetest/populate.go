package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Populate fills the workspace ws of s with a random history made
// through the store's own methods, seeded by seed, over steps changes:
// settings, two frameworks and custom targets, updates (some withdrawn),
// events of every kind (evidence among them), grades in several cycles,
// reminder counts, digest subscriptions and adapter state. Times rise with every
// change, to the nanosecond, in several UTC offsets, as a real
// workspace's do. The transfer tests dump what it makes.
func Populate(tb testing.TB, s store.Store, ws string, seed uint64, steps int) {
	tb.Helper()
	p := &populator{tb: tb, s: s, ws: ws, rng: rand.New(rand.NewPCG(seed, 0x7a49e7))}
	p.now = base.Add(time.Duration(p.rng.Int64N(int64(24 * time.Hour))))
	p.run(steps)
}

type populator struct {
	tb   testing.TB
	s    store.Store
	ws   string
	rng  *rand.Rand
	now  time.Time
	refs []string
}

var (
	users = []string{"U1", "U2", "Ué3", "U<4>"}
	zones = []*time.Location{time.UTC, time.FixedZone("", 3600), time.FixedZone("", -(5*3600 + 1800))}
	links = []string{"https://nhs.example/a", "https://nhs.example/b?x=1&y=2", "http://intranet.example/policy", "https://nhs.example/c#part"}
)

// tick moves the clock on by up to two days, to a random nanosecond, and
// returns it in a random offset.
func (p *populator) tick() time.Time {
	p.now = p.now.Add(time.Duration(1 + p.rng.Int64N(int64(48*time.Hour))))
	return p.now.In(zones[p.rng.IntN(len(zones))])
}

func (p *populator) pick(xs []string) string { return xs[p.rng.IntN(len(xs))] }

func (p *populator) date() framework.Date {
	return framework.DateOf(base.AddDate(0, 0, p.rng.IntN(700)-100), time.UTC)
}

// must fails the test on any error but the refusals a random history
// runs into: a change that changes nothing, an archived target, an
// update that is no longer the latest.
func (p *populator) must(what string, err error) {
	p.tb.Helper()
	for _, k := range []framework.Kind{framework.ErrNoChange, framework.ErrArchived, framework.ErrDoneBelow100,
		framework.ErrNotLatest, framework.ErrAlreadyWithdrawn, framework.ErrNoUpdate, framework.ErrCycleUsed, framework.ErrCycleOrder} {
		if errors.Is(err, k) {
			return
		}
	}
	if err != nil {
		p.tb.Fatalf("Populate %s: %s: %v", p.ws, what, err)
	}
}

func (p *populator) run(steps int) {
	ctx := context.Background()
	s, ws := p.s, p.ws
	if p.rng.IntN(2) == 0 {
		p.must("SetTimezone", s.SetTimezone(ctx, ws, p.pick([]string{"Europe/London", "America/New_York"})))
	}
	if p.rng.IntN(2) == 0 {
		p.must("SetReminderSpec", s.SetReminderSpec(ctx, ws, "0 8 * * MON-FRI"))
		// On the same draw, so the random stream stays as it was.
		p.must("SetRemindersPaused", s.SetRemindersPaused(ctx, ws, "2027-01-05"))
	}
	for _, fw := range []*framework.Framework{eqs(), sized("big", 5+p.rng.IntN(20))} {
		_, err := s.Import(ctx, ws, fw, p.tick())
		p.must("Import", err)
		for _, t := range fw.Targets() {
			p.refs = append(p.refs, t.Ref())
		}
	}
	for i := range 1 + p.rng.IntN(3) {
		t := framework.Target{Framework: "eqs", Objective: "2", Code: fmt.Sprintf("2.%d", 50+i), Title: "Custom “" + strconv.Itoa(i) + "”",
			Custom: true, Owner: p.pick(users), Due: p.date(), CreatedAt: p.tick()}
		p.must("AddTarget", s.AddTarget(ctx, ws, t))
		p.refs = append(p.refs, t.Ref())
	}
	for i := range p.rng.IntN(4) {
		sub := framework.Subscription{Workspace: ws, Channel: fmt.Sprintf("C%d", i), Spec: framework.DefaultDigestSpec, CreatedBy: p.pick(users), CreatedAt: p.tick()}
		p.must("PutSubscription", s.PutSubscription(ctx, sub))
		if p.rng.IntN(2) == 0 {
			p.must("MarkDigested", s.MarkDigested(ctx, ws, sub.Channel, p.tick()))
		}
	}
	// One event of every kind, whatever the dice say below.
	for _, k := range framework.EventKinds {
		p.change(k, "eqs/1.1")
	}
	// Adapter state takes no dice, so the random stream stays as it was.
	p.must("PutAdapterState", s.PutAdapterState(ctx, ws, store.TeamsServiceURLKey, "https://smba.trafficmanager.net/"+ws+"/"))
	p.must("PutAdapterState", s.PutAdapterState(ctx, ws, "teams:conv:"+users[2], "a:1"+users[3]))
	// So do the entries: two admins (one removed again), a person and a
	// kind the stores do not know, each grant and removal an event.
	p.entries(users)
	for i := range steps {
		if i == steps/3 || i == 2*steps/3 {
			p.startCycle()
		}
		ref := p.pick(p.refs)
		switch n := p.rng.IntN(100); {
		case n < 50:
			p.update(ref)
		case n < 58:
			p.withdraw()
		case n < 83:
			p.change(framework.EventKinds[p.rng.IntN(len(framework.EventKinds))], ref)
		case n < 95:
			p.must("NoteReminded", s.NoteReminded(ctx, ws, []string{ref, p.pick(p.refs)}))
		default:
			p.change(framework.EventRestore, ref)
		}
	}
}

func (p *populator) update(ref string) {
	u := framework.Update{Target: ref, Author: p.pick(users), Time: p.tick(), Progress: p.rng.IntN(101)}
	if p.rng.IntN(4) == 0 {
		u.Progress = framework.Unchanged
	}
	if p.rng.IntN(3) > 0 {
		u.Status = framework.Statuses[p.rng.IntN(len(framework.Statuses))]
		if u.Status == framework.Done {
			u.Progress = 100
		}
	}
	if p.rng.IntN(2) == 0 {
		u.Note = p.pick([]string{"Held two listening events", "see https://nhs.example/x", "<!channel> café ✓", "line\nbreak"})
	}
	_, _, err := p.s.AppendUpdate(context.Background(), p.ws, u, store.Once{})
	p.must("AppendUpdate", err)
}

func (p *populator) withdraw() {
	ctx := context.Background()
	last, err := p.s.LastUpdateBy(ctx, p.ws, p.pick(users))
	if err != nil {
		p.must("LastUpdateBy", err)
		return
	}
	_, _, err = p.s.Withdraw(ctx, p.ws, last.ID, p.tick())
	p.must("Withdraw", err)
}

func (p *populator) change(kind framework.EventKind, ref string) {
	ctx := context.Background()
	if kind == framework.EventEvidence {
		ev := framework.Evidence{URL: p.pick(links), Title: p.pick([]string{"", "Board paper", "Policy “v2”"}), Author: p.pick(users), Time: p.tick()}
		_, err := p.s.AddEvidence(ctx, p.ws, ref, ev)
		p.must("AddEvidence", err)
		return
	}
	ch := framework.Change{Kind: kind, Author: p.pick(users), Time: p.tick()}
	switch kind {
	case framework.EventAssign:
		ch.Owner = p.pick(append([]string{""}, users...))
	case framework.EventDue:
		ch.Due = p.date()
	case framework.EventRate:
		ch.Rating = framework.Ratings[p.rng.IntN(len(framework.Ratings))]
		ch.Reason = p.pick([]string{"", "no policy yet", "audit done"})
	case framework.EventSnooze:
		ch.Until, ch.Reason = p.date(), p.pick([]string{"", "leave"})
	case framework.EventEdit:
		ch.Title = p.pick([]string{"Renamed", "Staff network meets monthly", "Títle ✓"})
	}
	_, _, err := p.s.ChangeTarget(ctx, p.ws, ref, ch)
	p.must("ChangeTarget "+string(kind), err)
}

// startCycle closes the current cycle and opens the next financial year.
func (p *populator) startCycle() {
	ctx := context.Background()
	w, err := p.s.Workspace(ctx, p.ws)
	p.must("Workspace", err)
	at := p.tick()
	cur := w.CurrentCycle(at)
	y, _ := strconv.Atoi(cur[:4])
	_, _, err = p.s.StartCycle(ctx, p.ws, fmt.Sprintf("%04d/%02d", y+1, (y+2)%100), at)
	p.must("StartCycle", err)
}

// entries writes admins, a person and an opaque entry, with their
// workspace events, at times past the clock that take no dice.
func (p *populator) entries(users []string) {
	ctx, s, ws := context.Background(), p.s, p.ws
	when := p.now.Add(time.Nanosecond).In(zones[0])
	admin := func(user string, installed bool) string {
		b, _ := json.Marshal(framework.Admin{User: user, By: users[0], At: when, Installed: installed})
		return string(b)
	}
	writes := []store.EntryWrite{
		{Put: []store.Entry{{Kind: store.EntryAdmin, Key: users[0], Value: admin(users[0], true)}},
			Events: []framework.Event{{Kind: framework.EventAdminAdd, Author: users[0], User: users[0], Reason: "installed", Time: when}}},
		{Expect: []store.Entry{{Kind: store.EntryAdmin, Key: users[1]}}, Put: []store.Entry{{Kind: store.EntryAdmin, Key: users[1], Value: admin(users[1], false)}},
			Events: []framework.Event{{Kind: framework.EventAdminAdd, Author: users[0], User: users[1], Time: when}}},
		{Expect: []store.Entry{{Kind: store.EntryAdmin, Key: users[1], Value: admin(users[1], false)}}, Put: []store.Entry{{Kind: store.EntryAdmin, Key: users[1]}},
			Events: []framework.Event{{Kind: framework.EventAdminRemove, Author: users[0], User: users[1], Time: when.Add(time.Second)}}},
		{Put: []store.Entry{{Kind: store.EntryPerson, Key: users[2], Value: `{"user":"` + users[2] + `","name":"Amy “A” Khan","role":"EDI lead","manual":true}`},
			{Kind: "org-profile", Key: "profile", Value: `{"name":"` + ws + `"}`}},
			Events: []framework.Event{{Kind: framework.EventPerson, Author: users[0], User: users[2], To: "Amy “A” Khan", Reason: "EDI lead", Time: when.Add(2 * time.Second)}}},
	}
	for _, w := range writes {
		_, err := s.WriteEntries(ctx, ws, w)
		p.must("WriteEntries", err)
	}
}
