package reminders

import (
	"github.com/robfig/cron/v3"
	"testing"
	"time"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// A spec that never fires is refused when it is read; latestFire still
// answers "none" for one, however it was made.
func TestLatestFireNever(t *testing.T) {
	if _, err := parseSpec("0 0 30 2 *", time.UTC); err == nil {
		t.Error("parseSpec accepted 30 February")
	}
	s, err := cron.ParseStandard("0 0 30 2 *")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := latestFire(s, utc("2026-10-27T00:00:00Z")); ok {
		t.Errorf("latestFire = %v, want none", f)
	}
}

func TestLatestFire(t *testing.T) {
	cases := []struct {
		name     string
		spec     string
		zone     string
		at       string // RFC3339
		wantFire string // RFC3339, "" for none
		wantKey  string // local wall clock
	}{
		// Autumn, Europe/London, 2026-10-25: 01:00-01:59 happens twice.
		{"autumn daily before change", "30 1 * * *", "Europe/London", "2026-10-25T00:10:00Z", "2026-10-24T00:30:00Z", "2026-10-24T01:30"},
		{"autumn daily first 01:30 (BST)", "30 1 * * *", "Europe/London", "2026-10-25T00:45:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30"},
		{"autumn daily repeat 01:30 (GMT) same key", "30 1 * * *", "Europe/London", "2026-10-25T01:45:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:30"},
		{"autumn daily next day", "30 1 * * *", "Europe/London", "2026-10-26T02:00:00Z", "2026-10-26T01:30:00Z", "2026-10-26T01:30"},
		{"autumn weekly Sunday looks back to last Monday BST", "0 9 * * MON", "Europe/London", "2026-10-25T12:00:00Z", "2026-10-19T08:00:00Z", "2026-10-19T09:00"},
		{"autumn weekly Monday 09:00 GMT exactly", "0 9 * * MON", "Europe/London", "2026-10-26T09:00:00Z", "2026-10-26T09:00:00Z", "2026-10-26T09:00"},
		{"autumn weekly a nanosecond early", "0 9 * * MON", "Europe/London", "2026-10-26T08:59:59.999999999Z", "2026-10-19T08:00:00Z", "2026-10-19T09:00"},
		// Spring, Europe/London, 2026-03-29: 01:00-01:59 does not exist.
		{"spring daily skipped day looks back", "30 1 * * *", "Europe/London", "2026-03-29T01:45:00Z", "2026-03-28T01:30:00Z", "2026-03-28T01:30"},
		{"spring daily late on skipped day", "30 1 * * *", "Europe/London", "2026-03-29T22:00:00Z", "2026-03-28T01:30:00Z", "2026-03-28T01:30"},
		{"spring daily day after (BST)", "30 1 * * *", "Europe/London", "2026-03-30T00:45:00Z", "2026-03-30T00:30:00Z", "2026-03-30T01:30"},
		{"spring weekly Monday before change (GMT)", "0 9 * * MON", "Europe/London", "2026-03-29T12:00:00Z", "2026-03-23T09:00:00Z", "2026-03-23T09:00"},
		{"spring weekly Monday after change (BST)", "0 9 * * MON", "Europe/London", "2026-03-30T08:00:00Z", "2026-03-30T08:00:00Z", "2026-03-30T09:00"},
		{"weekday reminders Monday morning looks back to Friday", "0 9 * * MON-FRI", "Europe/London", "2026-03-30T07:00:00Z", "2026-03-27T09:00:00Z", "2026-03-27T09:00"},
		// Other zones and forms.
		{"new york autumn repeat", "30 1 * * *", "America/New_York", "2026-11-01T06:45:00Z", "2026-11-01T06:30:00Z", "2026-11-01T01:30"},
		{"new york spring skip", "30 2 * * *", "America/New_York", "2026-03-08T12:00:00Z", "2026-03-07T07:30:00Z", "2026-03-07T02:30"},
		{"sydney weekly", "0 9 * * MON", "Australia/Sydney", "2026-04-06T00:00:00Z", "2026-04-05T23:00:00Z", "2026-04-06T09:00"},
		{"descriptor @weekly is Sunday midnight", "@weekly", "Europe/London", "2026-10-27T00:00:00Z", "2026-10-24T23:00:00Z", "2026-10-25T00:00"},
		{"monthly looks back weeks", "0 9 1 * *", "UTC", "2026-02-27T00:00:00Z", "2026-02-01T09:00:00Z", "2026-02-01T09:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := parseSpec(c.spec, mustLoad(t, c.zone))
			if err != nil {
				t.Fatalf("parseSpec(%q): %v", c.spec, err)
			}
			f, ok := latestFire(s, utc(c.at))
			if c.wantFire == "" {
				if ok {
					t.Fatalf("latestFire = %v, want none", f)
				}
				return
			}
			if !ok || !f.Equal(utc(c.wantFire)) {
				t.Fatalf("latestFire(%s) = %v %v, want %s", c.at, f.UTC(), ok, c.wantFire)
			}
			if got := wallKey(f, s.Location); got != c.wantKey {
				t.Errorf("wallKey = %s, want %s", got, c.wantKey)
			}
		})
	}
}

// TestDSTDistinctPeriods steps a clock minute by minute across both
// changes and counts the distinct claim keys a replica would see: one per
// local day, never two for the repeated autumn hour.
func TestDSTDistinctPeriods(t *testing.T) {
	london := mustLoad(t, "Europe/London")
	cases := []struct {
		name      string
		spec      string
		from, to  string
		wantKeys  []string
		wantFires int // distinct instants robfig fires at
	}{
		{"autumn daily 01:30", "30 1 * * *", "2026-10-24T00:00:00Z", "2026-10-26T23:00:00Z",
			[]string{"2026-10-23T01:30", "2026-10-24T01:30", "2026-10-25T01:30", "2026-10-26T01:30"}, 5},
		{"spring daily 01:30", "30 1 * * *", "2026-03-28T00:00:00Z", "2026-03-30T23:00:00Z",
			[]string{"2026-03-27T01:30", "2026-03-28T01:30", "2026-03-30T01:30"}, 3},
		{"autumn weekly", "0 9 * * MON", "2026-10-18T00:00:00Z", "2026-11-03T00:00:00Z",
			[]string{"2026-10-12T09:00", "2026-10-19T09:00", "2026-10-26T09:00", "2026-11-02T09:00"}, 4},
		{"spring weekly", "0 9 * * MON", "2026-03-22T00:00:00Z", "2026-04-07T00:00:00Z",
			[]string{"2026-03-16T09:00", "2026-03-23T09:00", "2026-03-30T09:00", "2026-04-06T09:00"}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := parseSpec(c.spec, london)
			if err != nil {
				t.Fatal(err)
			}
			step := time.Minute
			sc := &schedule{spec: s} // the cached path RunDue takes
			var keys []string
			fires := map[time.Time]bool{}
			for at := utc(c.from); !at.After(utc(c.to)); at = at.Add(step) {
				f, ok := sc.latest(at)
				if !ok {
					t.Fatalf("no fire at %v", at)
				}
				if at.Minute()%17 == 0 { // spot-check the cache against the search
					if g, _ := latestFire(s, at); !g.Equal(f) {
						t.Fatalf("at %v: cached %v, searched %v", at, f, g)
					}
				}
				fires[f.UTC()] = true
				k := wallKey(f, london)
				if len(keys) == 0 || keys[len(keys)-1] != k {
					keys = append(keys, k)
				}
			}
			if len(fires) != c.wantFires {
				t.Errorf("robfig fired at %d instants, want %d: %v", len(fires), c.wantFires, fires)
			}
			if len(keys) != len(c.wantKeys) {
				t.Fatalf("keys = %v, want %v", keys, c.wantKeys)
			}
			for i := range keys {
				if keys[i] != c.wantKeys[i] {
					t.Fatalf("keys = %v, want %v", keys, c.wantKeys)
				}
			}
		})
	}
}

func TestClaimTTL(t *testing.T) {
	cases := []struct {
		spec string
		fire string
		want time.Duration
	}{
		{"0 9 * * MON", "2026-10-19T08:00:00Z", 2*7*24*time.Hour + 2*time.Hour}, // the week spans the autumn change
		{"0 9 * * MON", "2026-06-01T08:00:00Z", 2 * 7 * 24 * time.Hour},
		{"30 1 * * *", "2026-06-01T00:30:00Z", 48 * time.Hour},
		{"30 1 * * *", "2026-10-25T00:30:00Z", 25 * time.Hour}, // the repeat is an hour later
		{"0 * * * *", "2026-06-01T00:00:00Z", 25 * time.Hour},
		{"0 9 * * MON-FRI", "2026-06-05T08:00:00Z", 2 * 3 * 24 * time.Hour}, // Friday to Monday
	}
	london := mustLoad(t, "Europe/London")
	for _, c := range cases {
		s, err := parseSpec(c.spec, london)
		if err != nil {
			t.Fatal(err)
		}
		if got := claimTTL(s, utc(c.fire)); got != c.want {
			t.Errorf("claimTTL(%q, %s) = %v, want %v", c.spec, c.fire, got, c.want)
		}
	}
}

func TestParseSpecRejects(t *testing.T) {
	for _, spec := range []string{"", "every monday", "@every 1h", "0 9 * *", "61 9 * * MON"} {
		if _, err := parseSpec(spec, time.UTC); err == nil {
			t.Errorf("parseSpec(%q) accepted it", spec)
		}
	}
}

func TestKeys(t *testing.T) {
	london := mustLoad(t, "Europe/London")
	f := utc("2026-10-25T01:30:00Z")
	if got, want := digestKey("C1", f, london), "digest:C1:2026-10-25T01:30"; got != want {
		t.Errorf("digestKey = %s, want %s", got, want)
	}
	if got, want := reminderKey(utc("2026-10-25T00:30:00Z"), london), "remind:2026-10-25T01:30"; got != want {
		t.Errorf("reminderKey = %s, want %s", got, want)
	}
}
