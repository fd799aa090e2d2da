package dump

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Counts is what one workspace holds, counted by record type, with the
// parts people ask about (withdrawn updates, evidence, grades, closed
// cycles), and a checksum of each record type's records: what a dump,
// a restore or a migrate reports, and what a migrate compares.
type Counts struct {
	Workspace     string
	Targets       int
	Archived      int // of Targets
	Updates       int
	Withdrawn     int // of Updates
	Events        int
	Evidence      int // of Events
	Grades        int // current grades and grades of closed cycles
	Cycles        int // closed cycles
	Subscriptions int
	AdapterState  int // entries, which the table leaves out
	// Entries and WorkspaceEvents (admins, people and the like, and
	// their record), which the table leaves out too.
	Entries         int
	WorkspaceEvents int

	// sums are, per record type, the XOR of the SHA-256 of each record's
	// line: two stores agree on them when they hold the same records,
	// whatever order they list them in.
	sums map[store.RecordType][sha256.Size]byte
}

// Add counts one record of the workspace.
func (c *Counts) Add(r *store.Record) {
	switch r.Type {
	case store.RecordWorkspace:
		c.Cycles = len(r.Workspace.PastCycles)
	case store.RecordTarget:
		c.Targets++
		if r.Target.Archived {
			c.Archived++
		}
		c.Grades += len(r.Target.Grades)
		if r.Target.Rating != framework.Unrated {
			c.Grades++
		}
	case store.RecordUpdate:
		c.Updates++
		if r.Update.Withdrawn {
			c.Withdrawn++
		}
	case store.RecordEvent:
		c.Events++
		if r.Event.Kind == framework.EventEvidence {
			c.Evidence++
		}
	case store.RecordSubscription:
		c.Subscriptions++
	case store.RecordAdapterState:
		c.AdapterState++
	case store.RecordEntry:
		c.Entries++
	case store.RecordWorkspaceEvent:
		c.WorkspaceEvents++
	}
	b, err := json.Marshal(toLine(c.Workspace, r))
	if err != nil {
		b = []byte(err.Error())
	}
	if c.sums == nil {
		c.sums = map[store.RecordType][sha256.Size]byte{}
	}
	sum, h := c.sums[r.Type], sha256.Sum256(b)
	for i := range sum {
		sum[i] ^= h[i]
	}
	c.sums[r.Type] = sum
}

// CountSnapshot counts every record of snap.
func CountSnapshot(snap *store.Snapshot) Counts {
	c := Counts{Workspace: snap.Workspace.ID}
	_ = snap.Each(func(r store.Record) error {
		c.Add(&r)
		return nil
	})
	return c
}

// Diff describes how got differs from want, record type by record
// type, or returns "" when they hold the same records.
func (c *Counts) Diff(got *Counts) string {
	want := c
	var out []string
	for _, d := range []struct {
		what      string
		want, got int
	}{
		{"targets", want.Targets, got.Targets}, {"archived targets", want.Archived, got.Archived},
		{"updates", want.Updates, got.Updates}, {"withdrawn updates", want.Withdrawn, got.Withdrawn},
		{"events", want.Events, got.Events}, {"evidence", want.Evidence, got.Evidence},
		{"grades", want.Grades, got.Grades}, {"closed cycles", want.Cycles, got.Cycles},
		{"subscriptions", want.Subscriptions, got.Subscriptions}, {"adapter state entries", want.AdapterState, got.AdapterState},
		{"entries", want.Entries, got.Entries}, {"workspace events", want.WorkspaceEvents, got.WorkspaceEvents},
	} {
		if d.want != d.got {
			out = append(out, fmt.Sprintf("%s: %d, read back %d", d.what, d.want, d.got))
		}
	}
	for _, typ := range store.RecordTypes {
		if want.sums[typ] != got.sums[typ] {
			out = append(out, fmt.Sprintf("the %s records differ", typ))
		}
	}
	return strings.Join(out, "; ")
}

// WriteTable writes counts as a table, one workspace a row.
func WriteTable(w io.Writer, counts []Counts) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workspace\ttargets\tarchived\tupdates\twithdrawn\tevents\tevidence\tgrades\tclosed cycles\tsubscriptions")
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", c.Workspace, c.Targets, c.Archived, c.Updates, c.Withdrawn,
			c.Events, c.Evidence, c.Grades, c.Cycles, c.Subscriptions)
	}
	return tw.Flush()
}
