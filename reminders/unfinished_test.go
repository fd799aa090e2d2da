package reminders

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/store"
)

// partPoster is a platform that posts each Block and each Details
// block of a message as a separate part, as the real ones split long
// messages, and honours Message.Resume and Reached. It remembers nothing
// between processes except what the platform shows: the parts posted.
// At part cutAt it stops the process: it calls cut and waits for the
// post's context to end.
type partPoster struct {
	mu     sync.Mutex
	posted map[string]int // message key#part -> times posted
	n      int
	cutAt  int
	cut    func()
}

func newPartPoster() *partPoster { return &partPoster{posted: map[string]int{}, cutAt: -1} }

func (p *partPoster) Post(ctx context.Context, m bot.Message) error {
	parts := max(1, len(m.Reply.Blocks)+len(m.Reply.Details))
	from := 0
	if m.Resume != "" {
		from, _ = strconv.Atoi(m.Resume)
	}
	for i := from; i < parts; i++ {
		p.mu.Lock()
		cut := p.n == p.cutAt && p.cut != nil
		p.mu.Unlock()
		if cut {
			p.cut()
			<-ctx.Done()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		p.mu.Lock()
		p.posted[fmt.Sprintf("%s#%d", m.Key, i)]++
		p.n++
		p.mu.Unlock()
		if m.Reached != nil {
			m.Reached(strconv.Itoa(i + 1))
		}
	}
	return nil
}

// seedDeployWorkspace is a digest subscription and five owners with an
// overdue target each, all due Monday 2026-06-15 at 09:00 in London.
func seedDeployWorkspace(t testing.TB, st store.Store, now time.Time) {
	seedWorkspace(t, st, ws, now.AddDate(0, -2, 0))
	for i, ref := range []string{"eqs/1.1", "eqs/1.2", "eqs/1.3", "eqs/2.1", "eqs/2.2"} {
		patch(t, st, ws, ref, targetPatch{Owner: ptr(fmt.Sprintf("U%d", i+1)), Due: dateP("2026-06-01")})
		update(t, st, ws, ref, "U1", now.Add(-time.Duration(i+1)*time.Hour), 10*i, "on-track", "note")
	}
	subscribe(t, st, ws, "C1", "0 9 * * MON", now.AddDate(0, -1, 0))
}

// A deploy cuts the scheduler at every point of a digest and five
// reminder DMs: the process stops claiming, its grace runs out and the
// post in flight is cut. The next process completes the run, and every
// part of every message is posted exactly once.
func TestDeployCutPostIsCompletedByTheNextRun(t *testing.T) {
	now := london(t, 2026, 6, 15, 9, 0).Add(5 * time.Second)
	run := func(t *testing.T, cutAt int) (*partPoster, store.Store) {
		c := newClock(now)
		st := openBolt(t, c)
		seedDeployWorkspace(t, st, now)
		p := newPartPoster()
		first := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": p}, Now: c.now, Logger: quietLogger(), Tick: time.Hour})
		ctx, stop := context.WithCancel(background())
		defer stop()
		if cutAt >= 0 {
			p.cutAt = cutAt
			p.cut = func() {
				stop() // SIGTERM: claim nothing more
				expired, cancel := context.WithCancel(background())
				cancel() // and the grace is over
				go func() { _ = first.Drain(expired) }()
			}
		} else {
			p.cut = stop // the run finished: stop after it
			p.cutAt = 1 << 30
		}
		done := make(chan error, 1)
		go func() { done <- first.Run(ctx) }()
		if cutAt < 0 {
			time.Sleep(50 * time.Millisecond)
			stop()
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its posts were cut")
		}
		return p, st
	}
	whole, _ := run(t, -1)
	want := slices.Sorted(maps.Keys(whole.posted))
	if len(want) < 12 {
		t.Fatalf("an uncut run posted %d parts, want a digest of several parts and five DMs: %v", len(want), want)
	}
	for cutAt := range len(want) {
		t.Run(fmt.Sprintf("cut at part %d", cutAt), func(t *testing.T) {
			p, st := run(t, cutAt)
			if p.n != cutAt {
				t.Fatalf("posted %d parts before the cut, want %d", p.n, cutAt)
			}
			p.cut = nil // the next process runs to the end
			c := newClock(now.Add(time.Minute))
			next := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": p}, Now: c.now, Logger: quietLogger()})
			if _, err := next.RunDue(background(), c.now()); err != nil {
				t.Fatalf("next run: %v", err)
			}
			// And a third run finds nothing left to do.
			if _, err := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": p}, Now: c.now, Logger: quietLogger()}).RunDue(background(), c.now()); err != nil {
				t.Fatalf("third run: %v", err)
			}
			got := slices.Sorted(maps.Keys(p.posted))
			if !slices.Equal(got, want) {
				t.Errorf("parts posted:\n%v\nwant:\n%v", got, want)
			}
			for part, n := range p.posted {
				if n != 1 {
					t.Errorf("%s posted %d times", part, n)
				}
			}
			for _, key := range []string{"digest:C1:2026-06-15T09:00", "remind:2026-06-15T09:00"} {
				if v, err := st.AdapterState(background(), ws, unfinishedKey(key)); err != nil || v != "" {
					t.Errorf("unfinished record for %s left behind: %q, %v", key, v, err)
				}
			}
		})
	}
}

// A peer replica that ticks while a post is still going on another,
// and finds its period claimed with nothing left unfinished yet, keeps
// the workspace due for a while: when the other is then cut by a
// deploy, the peer completes the post at a later tick, rather than
// having moved the workspace's next fire on to next week.
func TestPeerCompletesAPostCutAfterItsTick(t *testing.T) {
	now := london(t, 2026, 6, 15, 9, 0).Add(5 * time.Second)
	c := newClock(now)
	st := openBolt(t, c)
	seedDeployWorkspace(t, st, now)
	p := newPartPoster()
	first := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": p}, Now: c.now, Logger: quietLogger(), Tick: time.Hour})
	peer := New(Options{Store: st, Posters: map[string]bot.Poster{"slack": p}, Now: c.now, Logger: quietLogger()})
	ctx, stop := context.WithCancel(background())
	defer stop()
	p.cutAt = 3
	p.cut = func() {
		// The peer ticks while the first is posting: its period is
		// claimed, and nothing is unfinished yet.
		if res, err := peer.RunDue(background(), now.Add(10*time.Second)); err != nil || res.Claimed != 0 {
			t.Errorf("the peer's tick during the post: %+v, %v; want nothing claimed", res, err)
		}
		stop() // then SIGTERM reaches the first
		expired, cancel := context.WithCancel(background())
		cancel()
		go func() { _ = first.Drain(expired) }()
	}
	done := make(chan error, 1)
	go func() { done <- first.Run(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its post was cut")
	}
	if p.n != 3 {
		t.Fatalf("posted %d parts before the cut, want 3", p.n)
	}
	p.cut = nil
	// The peer's next tick, 30 seconds later, completes the post.
	c.set(now.Add(40 * time.Second))
	if _, err := peer.RunDue(background(), c.now()); err != nil {
		t.Fatalf("the peer's next tick: %v", err)
	}
	for _, key := range []string{"digest:C1:2026-06-15T09:00", "remind:2026-06-15T09:00"} {
		if v, err := st.AdapterState(background(), ws, unfinishedKey(key)); err != nil || v != "" {
			t.Errorf("the post %s was not completed by the peer: unfinished %q, %v", key, v, err)
		}
	}
	for part, n := range p.posted {
		if n != 1 {
			t.Errorf("%s posted %d times", part, n)
		}
	}
}
