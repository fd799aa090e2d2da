package reminders

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/targetbot/targetbot/reminders/cronspec"
)

// wallLayout is the local wall-clock form of a fire time in claim keys.
// It deliberately drops the UTC offset: at the autumn change robfig/cron
// fires 01:30 twice (once in BST, once in GMT), and both must map to the
// same key so that the second one finds the period already claimed.
const wallLayout = "2006-01-02T15:04"

// maxLookback bounds the search for the latest fire time. robfig/cron
// gives up after five years looking forward; a schedule that has not fired
// in that long (30 February) never fires.
const maxLookback = 5 * 366 * 24 * time.Hour

// parseSpec reads a stored cron spec in loc with cronspec, the reader
// `/target digest here` and `/target reminders` checked it with.
func parseSpec(spec string, loc *time.Location) (*cron.SpecSchedule, error) {
	return cronspec.Parse(spec, loc)
}

// latestFire returns the latest fire time of s at or before at, and
// ok=false when s has not fired in the last five years. It searches
// backwards by doubling a window, so it calls Next a few dozen times at
// most whatever the period.
func latestFire(s cron.Schedule, at time.Time) (time.Time, bool) {
	for w := time.Minute; w <= maxLookback; w *= 2 {
		f := s.Next(at.Add(-w))
		if f.IsZero() || f.After(at) {
			continue
		}
		for {
			n := s.Next(f)
			if n.IsZero() || n.After(at) {
				return f, true
			}
			f = n
		}
	}
	return time.Time{}, false
}

// claimTTL is how long a claim on fire time f must live: past the next
// fire time, so the period can never be claimed twice, with room for the
// autumn repeat and clock skew between replicas. It is twice the gap to
// the next fire time, and at least 25 hours.
func claimTTL(s cron.Schedule, f time.Time) time.Duration {
	ttl := 25 * time.Hour
	if n := s.Next(f); !n.IsZero() {
		ttl = max(ttl, 2*n.Sub(f))
	}
	return ttl
}

// wallKey is f as local wall-clock time in loc, the period part of a
// claim key.
func wallKey(f time.Time, loc *time.Location) string {
	return f.In(loc).Format(wallLayout)
}

// digestKey is the claim key of one channel's digest for fire time f.
func digestKey(channel string, f time.Time, loc *time.Location) string {
	return fmt.Sprintf("digest:%s:%s", channel, wallKey(f, loc))
}

// reminderKey is the claim key of a workspace's overdue reminders for
// fire time f.
func reminderKey(f time.Time, loc *time.Location) string {
	return "remind:" + wallKey(f, loc)
}
