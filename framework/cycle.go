package framework

import (
	"fmt"
	"strconv"
	"time"
)

// Cycle is a closed grading cycle of a workspace: the grades of its
// targets in that cycle are kept in Target.Grades under Name.
type Cycle struct {
	Name    string    `json:"name"`
	Started time.Time `json:"started,omitzero"` // zero when the workspace predates cycles
	Closed  time.Time `json:"closed"`
}

// FinancialYear is the name of the NHS financial year (April to March)
// that t falls in, in t's own location: 2026/27 from 1 April 2026 to 31
// March 2027. A workspace's first grading cycle is named after the year
// it began in.
func FinancialYear(t time.Time) string {
	y := t.Year()
	if t.Month() < time.April {
		y--
	}
	return fmt.Sprintf("%04d/%02d", y, (y+1)%100)
}

// ValidCycle reports whether name is a cycle name: a financial year
// written YYYY/YY, the second year the one after the first, from
// 2000/01 to 2098/99.
func ValidCycle(name string) bool {
	if len(name) != len("2026/27") || name[4] != '/' {
		return false
	}
	y, err1 := strconv.Atoi(name[:4])
	n, err2 := strconv.Atoi(name[5:])
	if err1 != nil || err2 != nil || name[0] == '+' || name[5] == '+' || name[5] == '-' {
		return false
	}
	return y >= 2000 && y <= 2098 && n == (y+1)%100
}

// CheckCycle refuses, with ErrBadCycle, a name ValidCycle does not accept.
func CheckCycle(name string) error {
	if !ValidCycle(name) {
		return ErrBadCycle.About(name)
	}
	return nil
}

// CurrentCycle is the name of the workspace's current grading cycle. A
// workspace records its first cycle when it first imports or grades;
// until then it is the financial year of now.
func (w *Workspace) CurrentCycle(now time.Time) string {
	if w.Cycle != "" {
		return w.Cycle
	}
	return FinancialYear(now)
}

// PreviousCycle is the cycle closed most recently; ok is false when no
// cycle has closed.
func (w *Workspace) PreviousCycle() (c Cycle, ok bool) {
	if len(w.PastCycles) == 0 {
		return Cycle{}, false
	}
	return w.PastCycles[len(w.PastCycles)-1], true
}

// CycleUsed reports whether name is the current cycle or a closed one.
func (w *Workspace) CycleUsed(name string) bool {
	if name == w.Cycle {
		return true
	}
	for _, c := range w.PastCycles {
		if c.Name == name {
			return true
		}
	}
	return false
}

// StartCycle closes the workspace's current cycle at at and opens name,
// moving each target's grade into its Grades under the closing cycle,
// as a store's StartCycle does in one atomic write. defaultCycle names
// the current cycle when the workspace has none recorded. It refuses a
// bad name (ErrBadCycle), one already used (ErrCycleUsed) and one
// before the current cycle (ErrCycleOrder, about the current cycle), and
// returns how many grades it moved.
func (w *Workspace) StartCycle(ts []Target, name, defaultCycle string, at time.Time) (moved int, err error) {
	if err := CheckCycle(name); err != nil {
		return 0, err
	}
	if w.Cycle == "" {
		w.Cycle = defaultCycle
	}
	if w.CycleUsed(name) {
		return 0, ErrCycleUsed.About(name)
	}
	if name < w.Cycle {
		return 0, ErrCycleOrder.About(w.Cycle)
	}
	for i := range ts {
		if ts[i].Rating == Unrated {
			continue
		}
		if ts[i].Grades == nil {
			ts[i].Grades = map[string]Rating{}
		}
		ts[i].Grades[w.Cycle] = ts[i].Rating
		ts[i].Rating = Unrated
		moved++
	}
	w.PastCycles = append(w.PastCycles, Cycle{Name: w.Cycle, Started: w.CycleStarted, Closed: at})
	w.Cycle, w.CycleStarted = name, at
	return moved, nil
}
