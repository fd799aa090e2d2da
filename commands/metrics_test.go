package commands

import (
	"context"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/framework/catalog"
	"github.com/targetbot/targetbot/store"
)

// metricsEnv is an env with the built-in frameworks offered and wres
// and eds imported.
func metricsEnv(t *testing.T) *env {
	t.Helper()
	fws, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fws)
	e.ok(adminUser, "import wres")
	e.ok(adminUser, "import wdes")
	e.ok(adminUser, "import eds")
	return e
}

// metricEntries is the workspace's metric entries, to check a refusal
// changed none.
func (e *env) metricEntries() map[string]string {
	e.t.Helper()
	m, err := e.st.Entries(context.Background(), testWS, store.EntryMetric)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// The done-when, in the console's words.
func TestMetricsDoneWhen(t *testing.T) {
	e := metricsEnv(t)
	r := e.ok(adminUser, "record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=120")
	for _, want := range []string{"*1.88*", "white_shortlisted=1200, white_appointed=300, bme_shortlisted=900, bme_appointed=120", "outside parity 0.80–1.25"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("record = %q, want %q", r.Text(), want)
		}
	}
	r = e.ok(adminUser, "record wres/2 2027 white_shortlisted=1000 white_appointed=250 bme_shortlisted=1000 bme_appointed=200 fairer panels")
	if !strings.Contains(r.Text(), "*1.25*") || !strings.Contains(r.Text(), "-0.63 since 2026") || strings.Contains(r.Text(), "outside parity") {
		t.Errorf("second year = %q", r.Text())
	}
	r = e.ok(bob, "trend wres/2")
	for _, want := range []string{"*2026* 1.88", "outside parity", "*2027* 1.25 (-0.63)", "fairer panels"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("trend = %q, want %q", r.Text(), want)
		}
	}

	// A custom percentage metric: baseline 30, goal 20, recorded at 25.
	e.ok(adminUser, "add eds/2 2.8 Staff reporting harassment")
	e.ok(adminUser, "measure eds/2.8 percent baseline 30 2025 goal 20 2028")
	r = e.ok(adminUser, "record eds/2.8 2026 25 staff survey")
	if !strings.Contains(r.Text(), "50% of the way") {
		t.Errorf("custom record = %q", r.Text())
	}
	r = e.ok(bob, "show eds/2.8")
	if !strings.Contains(r.Text(), "25.00% (2026)") || !strings.Contains(r.Text(), "50% of the way") {
		t.Errorf("show = %q", r.Text())
	}
	r = e.ok(bob, "list eds/2")
	if !strings.Contains(r.Text(), "25.00% (2026)") {
		t.Errorf("list = %q", r.Text())
	}
}

func TestMetricsBadInput(t *testing.T) {
	e := metricsEnv(t)
	e.ok(adminUser, "record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=120")
	e.ok(adminUser, "add eds/2 2.8 Staff reporting harassment")
	e.ok(adminUser, "measure eds/2.8 percent baseline 30 2025 goal 20 2028")
	for _, tt := range []struct{ text, code, field, want string }{
		{"record eds/1.1 2026 25", framework.EINVALID, "target", "is not a metric"},
		{"record eds/1.1 2026 x=25", framework.EINVALID, "target", "is not a metric"},
		{"record eds/2.8 2026 140", framework.EINVALID, "value", "not a percentage"},
		{"record eds/2.8 2026 -1", framework.EINVALID, "value", "not a percentage"},
		{"record eds/2.8 2026 leavers=3", framework.EINVALID, "inputs", "has no formula"},
		{"record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_hired=120", framework.EINVALID, "inputs", "unknown input bme_hired"},
		{"record wres/2 2026 white_shortlisted=1200 white_appointed=300", framework.EINVALID, "inputs", "missing input: give bme_shortlisted=… bme_appointed=…"},
		{"record wres/2 2026 white_shortlisted=1200 white_appointed=-3 bme_shortlisted=900 bme_appointed=120", framework.EINVALID, "inputs", "a count cannot be negative"},
		{"record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=920", framework.EINVALID, "inputs", "bme_appointed <= bme_shortlisted must hold"},
		{"record wres/2 2026-27 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=120", framework.EINVALID, "period", "not a period"},
		{"record wres/2 2026 1.5", framework.EINVALID, "inputs", "computed from its inputs"},
		{"record wres/1 2026 140", framework.EINVALID, "value", "not a percentage"},
		{"record wdes/9b 2026 maybe", framework.EINVALID, "answer", "give yes or no"},
		{"record wdes/9b 2026 yes", framework.EINVALID, "text", "say what was done"},
		{"measure wres/2 ratio parity baseline 1.5 2025 goal 1.5 2028 x", framework.EINVALID, "settings", "is not understood"},
		{"measure eds/1.1 percent baseline 30 goal 30", framework.EINVALID, "goal.value", "equals the baseline"},
		{"measure wres/2 percent baseline 30 goal 20", framework.EINVALID, "unit", "is a ratio by its framework"},
		{"measure wres/2 band 1.3 0.8", framework.EINVALID, "band", "must be below its high"},
		{"measure eds/1.1 kg baseline 3 goal 2", framework.EINVALID, "unit", "not a unit"},
	} {
		before := e.metricEntries()
		e.unchanged(adminUser, tt.text, tt.code, tt.field, tt.want)
		if after := e.metricEntries(); len(after) != len(before) {
			t.Errorf("%q changed the metric entries", tt.text)
		}
	}
	// Only an admin or the owner records.
	e.unchanged(bob, "record wres/1 2026 12", framework.EFORBIDDEN, "", "only an admin or the target's owner")
	e.unchanged(bob, "record eds/2.8 2026 12", framework.EFORBIDDEN, "", "only an admin or the target's owner")
	e.ok(adminUser, "archive eds/2.8")
	e.unchanged(adminUser, "record eds/2.8 2026 12", framework.ECONFLICT, "target", "is archived: an admin can bring it back")
	e.ok(adminUser, "assign wres/1 @"+bob)
	e.ok(bob, "record wres/1 2026 12")
}

func TestMetricsBandAndHistory(t *testing.T) {
	e := metricsEnv(t)
	e.ok(adminUser, "record wres/2 2026 white_shortlisted=1000 white_appointed=240 bme_shortlisted=1000 bme_appointed=200")
	if r := e.ok(bob, "trend wres/2"); strings.Contains(r.Text(), "outside parity") {
		t.Errorf("1.20 flagged under the default band: %q", r.Text())
	}
	e.ok(adminUser, "measure wres/2 band 0.8 1.15")
	if r := e.ok(bob, "trend wres/2"); !strings.Contains(r.Text(), "outside parity 0.80–1.15") {
		t.Errorf("a new band applies to every period: %q", r.Text())
	}
	r := e.ok(adminUser, "record wres/2 2026 white_shortlisted=1000 white_appointed=200 bme_shortlisted=1000 bme_appointed=200 corrected")
	if !strings.Contains(r.Text(), "replaces 1.20") {
		t.Errorf("re-record = %q", r.Text())
	}
	evs, err := e.st.WorkspaceEvents(context.Background(), testWS, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Each value stays in the history as its own event, newest first.
	var recs []string
	for _, ev := range evs {
		if ev.Kind == framework.EventRecord && ev.Title == "wres/2" && ev.Cycle == "2026" {
			recs = append(recs, ev.To)
		}
	}
	if len(recs) != 2 || !strings.HasPrefix(recs[0], "1.00 from") || !strings.HasPrefix(recs[1], "1.20 from") {
		t.Errorf("record events = %q", recs)
	}
	r = e.ok(adminUser, "record wdes/9b 2026 yes Network chair sits on the board")
	if !strings.Contains(r.Text(), "yes: Network chair sits on the board") {
		t.Errorf("narrative = %q", r.Text())
	}
}
