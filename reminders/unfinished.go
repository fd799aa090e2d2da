package reminders

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// A deploy must not lose a post. Run stops claiming when its context
// ends, but a post it has claimed goes on until Drain's context ends;
// only then is it cut. A run cut part way (a shutdown, or run-schedules
// stopped by a signal) leaves an unfinished record in the workspace's
// state, under the claim's key, saying what it was posting and how far
// it got. The next process that finds the period claimed reads that
// record, takes it with a claim of its own (so one replica resumes it),
// rebuilds the same post as of the same instant, and posts only what the
// cut run had not: the Poster skips the parts its progress names, and
// reminders skip the owners already sent theirs. The record is removed
// when the post completes.
//
// A process killed outright (SIGKILL, a crash) writes no record: its
// period stays claimed and is lost, as before.

// unfinishedPrefix namespaces the records in the workspace's state.
const unfinishedPrefix = "reminders:unfinished:"

// recordTimeout bounds writing a record once the run's own context is
// cut: the process is stopping, and one write is all it still needs.
const recordTimeout = 2 * time.Second

// unfinished is what a cut run leaves for the next one.
type unfinished struct {
	// At is the instant the cut run ran as; Since and UpTo are a
	// digest's window. The resumed run rebuilds its post from them, so
	// the parts line up with the ones already posted.
	At    time.Time `json:"at"`
	Since time.Time `json:"since,omitzero"`
	UpTo  time.Time `json:"upTo,omitzero"`
	// After is the last owner whose reminder was posted whole; owners
	// sort, and those up to After are skipped.
	After string `json:"after,omitempty"`
	// Progress is the Poster's progress on the message being posted
	// when the run was cut (bot.Message.Resume).
	Progress string `json:"progress,omitempty"`
	// Attempt counts the resumptions, so each has its own claim.
	Attempt int `json:"attempt"`
}

// unfinishedKey is where the record for a claim key is kept.
func unfinishedKey(claimKey string) string { return unfinishedPrefix + claimKey }

// resumeKey is the claim that lets one process resume attempt n.
func resumeKey(claimKey string, n int) string {
	return claimKey + ":resume:" + strconv.Itoa(n)
}

// readUnfinished returns the record a cut run left for j's period, or
// nil.
func (s *Scheduler) readUnfinished(ctx context.Context, j *job) (*unfinished, error) {
	v, err := s.opts.Store.AdapterState(ctx, j.sc.ws.ID, unfinishedKey(j.key))
	if err != nil || v == "" {
		return nil, err
	}
	var u unfinished
	if err := json.NewDecoder(strings.NewReader(v)).Decode(&u); err != nil || u.At.IsZero() {
		// Not ours to read (a dump may be edited): leave it, post nothing.
		s.log.Warn("ignoring an unreadable unfinished record", "workspace", j.sc.ws.ID, "key", j.key, "err", err)
		return nil, nil
	}
	return &u, nil
}

// leaveUnfinished records how far j got, for the next run, and keeps
// j's workspace due so that the next run reads it.
func (s *Scheduler) leaveUnfinished(ctx context.Context, j *job) {
	if j.ws != nil {
		j.ws.held = true
	}
	u := unfinished{At: j.at, Since: j.since, UpTo: j.upTo, After: j.after, Progress: j.progress}
	if j.resumed != nil {
		u.Attempt = j.resumed.Attempt + 1
	}
	data, err := json.Marshal(u)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		err = s.opts.Store.PutAdapterState(ctx, j.sc.ws.ID, unfinishedKey(j.key), string(data))
		if err == nil {
			// A peer that ticked while this post was going found its
			// period claimed, and may have moved the workspace's next
			// fire on: mark it due, so that the next tick, here or
			// anywhere, finds the record and completes the post.
			if err := s.opts.Store.MarkDue(ctx, j.sc.ws.ID); err != nil {
				s.log.Warn("a cut post was left for the next run, but its workspace could not be marked due: a peer may complete it only at its next fire time", "workspace", j.sc.ws.ID, "key", j.key, "err", err)
			}
		}
	}
	if err != nil {
		s.log.Error("a post was cut and could not be left for the next run: it is lost", "workspace", j.sc.ws.ID, "key", j.key, "err", err)
		return
	}
	s.log.Warn("a claimed post was cut, by a shutdown or a failed read; the next run completes it", "workspace", j.sc.ws.ID, "key", j.key, "progress", j.progress, "after", j.after)
}

// finishUnfinished removes the record of a resumed post that completed.
func (s *Scheduler) finishUnfinished(ctx context.Context, j *job) {
	if j.resumed == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := s.opts.Store.PutAdapterState(ctx, j.sc.ws.ID, unfinishedKey(j.key), ""); err != nil {
		// The next process to read it finds the resume claimed.
		s.log.Warn("removing an unfinished record failed", "workspace", j.sc.ws.ID, "key", j.key, "err", err)
	}
}

// takeUnfinished, for a job whose period another run claimed, looks for
// that run's unfinished record and, when this run wins its resume claim,
// rebuilds the post as of the cut run's instant. The claim comes first,
// so a post is built only by the run that will post it; when the
// rebuild's reads fail, the job is claimed with an error, and RunDue
// leaves it unfinished again, as the next attempt.
func (s *Scheduler) takeUnfinished(ctx context.Context, j *job) error {
	u, err := s.readUnfinished(ctx, j)
	if err != nil || u == nil {
		return err
	}
	won, err := s.opts.Store.Claim(ctx, j.sc.ws.ID, resumeKey(j.key, u.Attempt), claimTTL(j.sc.spec, j.fire))
	if err != nil || !won {
		return err
	}
	j.claimed = true
	j.at, j.progress, j.after, j.resumed = u.At, u.Progress, u.After, u
	if j.sc.sub != nil {
		j.since, j.upTo = u.Since, u.UpTo
		j.reply, j.err = s.buildDigest(ctx, j.sc.ws, j.sc.loc, u.Since, u.At, u.UpTo)
		return nil
	}
	dms, err := s.collectReminders(ctx, j.sc.ws.ID, j.sc.loc, u.At, j.fire)
	if err != nil {
		j.err = err
		return nil
	}
	j.dms = dms[:0]
	for _, dm := range dms {
		if u.After == "" || dm.owner > u.After {
			j.dms = append(j.dms, dm)
		}
	}
	return nil
}
