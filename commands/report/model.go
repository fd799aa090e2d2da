package report

import (
	"time"

	"github.com/targetbot/targetbot/framework"
)

// FormatVersion is the version of the JSON report's shape, written in its
// "targetbot_report" field. It changes only when a field is renamed,
// removed or changes meaning; new fields may appear without it.
const FormatVersion = 1

// The report's data. Every format renders this one value, and the JSON
// format is it, field for field: the json tags are a published contract
// (README, "Reports"), pinned by a golden file. Lists are never null and
// every field is always present, so consumers need no special cases.

// Report is one workspace's report on some of its frameworks for one
// grading cycle.
type Report struct {
	Version   int    `json:"targetbot_report"`
	Workspace string `json:"workspace"`
	// Cycle is the grading cycle reported, and Previous the cycle closed
	// before it ("" when there is none).
	Cycle    string `json:"cycle"`
	Previous string `json:"previous_cycle"`
	// prevSpan is the previous cycle's first and last day, zero when
	// there is none: "completed in the previous cycle" means done then.
	prevSpan [2]framework.Date
	// Current is true when Cycle is the workspace's current cycle. A past
	// cycle is reported as it stood when it closed.
	Current bool `json:"current_cycle"`
	// From is when the cycle began (zero when unknown: a workspace from
	// before grading cycles), and AsOf the moment the report describes:
	// now for the current cycle, the close of a past one.
	From time.Time `json:"cycle_started"`
	AsOf time.Time `json:"as_of"`
	// Generated is when, and Generator by what, the report was made.
	Generated time.Time `json:"generated_at"`
	Generator string    `json:"generator"`
	// TimeZone is the IANA name dates are given in.
	TimeZone   string    `json:"time_zone"`
	Frameworks []Section `json:"frameworks"`
	// Template is the layout asked for: "" or "summary".
	Template Template `json:"template"`
	// Publication is what the summary template adds, nil otherwise.
	Publication *Publication `json:"publication"`
}

// Publication is what the EDS summary adds to a report: the
// organisation's profile, the cycle's own record, and the names and
// roles of the people the workspace knows, by user id.
type Publication struct {
	Organisation framework.Organisation      `json:"organisation"`
	Record       framework.CycleRecord       `json:"cycle_record"`
	People       map[string]framework.Person `json:"people"`
}

// Section is the report on one framework.
type Section struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// ObjectiveLabel and TargetLabel are what the framework calls its
	// levels, such as "domain" and "outcome".
	ObjectiveLabel string      `json:"objective_label"`
	TargetLabel    string      `json:"target_label"`
	Objectives     []Objective `json:"objectives"`
	Totals         Totals      `json:"totals"`
	// Archived are the framework's archived targets, listed apart and
	// counted in nothing.
	Archived []Target `json:"archived"`
	// Metrics are the framework's live targets measured by a number,
	// each with every period recorded (commands/report/metrics.go).
	Metrics []Metric `json:"metrics"`
	// ScoreCard is the framework's grading, grade by grade: each grade's
	// score per target and the overall sums its band covers. It is
	// empty when the framework has no grading.
	ScoreCard []CardRow `json:"score_card"`
	// Actions is the framework's action plan (actions.go).
	Actions []Action `json:"action_plan"`
}

// CardRow is one grade of a score card: its score per target, and the
// overall sums (From to To, inclusive) rated with it; From and To are
// nil when no band rates a sum with this grade.
type CardRow struct {
	Rating string `json:"rating"`
	Score  int    `json:"score"`
	From   *int   `json:"from"`
	To     *int   `json:"to"`
}

// Objective is one objective: its narrative, its roll-up, its live
// targets, and its progress over the cycle.
type Objective struct {
	Ref       string `json:"ref"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Narrative string `json:"narrative"`
	// Rollup is the objective's live targets taken together.
	Rollup Rollup `json:"rollup"`
	// Score is the sum of the objective's grades, for a framework with
	// grading (an EDS domain's subtotal); nil otherwise. It has no band:
	// bands rate a framework's total.
	Score *Score `json:"score"`
	// PreviousScore is the same subtotal in the previous cycle, nil when
	// there is none or the framework has no grading.
	PreviousScore *Score   `json:"previous_score"`
	Targets       []Target `json:"targets"`
	// Progress is the objective's mean progress at the end of each month
	// of the cycle, replayed from the update history.
	Progress []Point `json:"progress_over_time"`
}

// Rollup is how a set of targets stands: how many, their mean progress,
// the RAG status they add up to, and how many are at each status.
type Rollup struct {
	Targets  int     `json:"targets"`
	Progress int     `json:"progress"`
	Status   string  `json:"status"`
	ByStatus []Count `json:"by_status"`
	Overdue  int     `json:"overdue"`
}

// Target is one target as the report describes it.
type Target struct {
	Ref       string `json:"ref"`
	Framework string `json:"framework"`
	Objective string `json:"objective"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Custom    bool   `json:"custom"`
	// Local is true for a target the framework's definition does not
	// declare (added with `add`): it keeps its grade, but has no Score
	// and counts in no score.
	Local bool `json:"local"`
	// Owner is the owner's platform user id, "" when unassigned, and
	// OwnerName their name and role as the workspace knows them ("Amy
	// Khan, EDI lead"), "" when it knows none.
	Owner     string `json:"owner"`
	OwnerName string `json:"owner_name"`
	Status    string `json:"status"`
	Progress  int    `json:"progress"`
	// Due is YYYY-MM-DD, "" for none.
	Due     string `json:"due"`
	Overdue bool   `json:"overdue"`
	// Grade is the grade in the cycle reported ("unrated" for none), and
	// Score its score under the framework's grading (nil when the
	// framework has none or the target is unrated).
	Grade string `json:"grade"`
	Score *int   `json:"score"`
	// GradeReason, GradedBy and GradedAt are the reason, author and time
	// of the rate event that gave Grade in this cycle: the newest rate of
	// the cycle to that grade. They are "", "" and nil when the target is
	// unrated or its grade has no event (a report's summary reads none).
	GradeReason string     `json:"grade_reason"`
	GradedBy    string     `json:"graded_by"`
	GradedAt    *time.Time `json:"graded_at"`
	// EnteredLater is true when the grade was entered after its cycle
	// closed: a past cycle's grade backfilled from its published report.
	EnteredLater bool `json:"entered_later"`
	// PreviousGrade is the grade in the previous cycle, "" when there is
	// no previous cycle, and PreviousScore its score (nil when unscored).
	PreviousGrade string `json:"previous_grade"`
	PreviousScore *int   `json:"previous_score"`
	// Services are the target's grades per service in the cycle, for an
	// objective the framework grades per service (services.go); empty
	// otherwise.
	Services []ServiceGrade `json:"services"`
	// LatestUpdate is the newest update of the cycle still in force, nil
	// when the cycle has none.
	LatestUpdate *Update    `json:"latest_update"`
	Evidence     []Evidence `json:"evidence"`
	Archived     bool       `json:"archived"`
}

// Update is an update as a report quotes it.
type Update struct {
	Time   time.Time `json:"time"`
	Author string    `json:"author"`
	// AuthorName is the author's name and role, "" when unknown.
	AuthorName string `json:"author_name"`
	Progress   int    `json:"progress"`
	Status     string `json:"status"`
	Note       string `json:"note"`
}

// Evidence is a piece of evidence: a link, its title, who attached it, when.
type Evidence struct {
	URL    string `json:"url"`
	Title  string `json:"title"`
	Author string `json:"author"`
	// AuthorName is the name and role of who attached it, "" when unknown.
	AuthorName string    `json:"author_name"`
	Time       time.Time `json:"time"`
}

// Totals are a framework's live targets taken together.
type Totals struct {
	Rollup
	// ByGrade counts the targets at each grade, lowest first, then
	// "unrated".
	ByGrade []Count `json:"by_grade"`
	// Score is the framework's score, maximum and band, nil when the
	// framework has no grading.
	Score *Score `json:"score"`
	// PreviousScore is the framework's score and band in the previous
	// cycle, nil when there is none or the framework has no grading.
	PreviousScore *Score `json:"previous_score"`
}

// Count is how many targets have one status or grade.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Score is a sum of grades' scores over the framework's own targets, as
// framework.Score counts it: Sum of Max; Graded, Ungraded and Archived
// own targets; Local targets, never scored; Provisional while an own
// target is ungraded or archived; and the Band the framework's grading
// rates the sum ("" for an objective's subtotal, when nothing is graded,
// or when no band covers it).
type Score struct {
	Sum         int    `json:"sum"`
	Max         int    `json:"max"`
	Graded      int    `json:"graded"`
	Ungraded    int    `json:"ungraded"`
	Archived    int    `json:"archived"`
	Local       int    `json:"local"`
	Provisional bool   `json:"provisional"`
	Band        string `json:"band"`
}

// Framework is the score as framework.Score gives it, for the words
// that commands/view keeps for every score.
func (s *Score) Framework() framework.Score {
	return framework.Score{Sum: s.Sum, Max: s.Max, Graded: s.Graded, Ungraded: s.Ungraded, Archived: s.Archived, Local: s.Local,
		Provisional: s.Provisional, Band: framework.Rating(s.Band)}
}

// Point is an objective's mean progress at one moment of the cycle: the
// end of a month, or AsOf for the month it falls in.
type Point struct {
	Month string    `json:"month"` // YYYY-MM
	At    time.Time `json:"at"`
	// Targets is how many live targets existed then; Progress is their
	// mean progress (0 when there were none).
	Targets  int `json:"targets"`
	Progress int `json:"progress"`
}
