package framework

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The publication's record: the organisation's profile and each grading
// cycle's own record (engagement, stakeholders, sign-off, publication),
// which NHS England's EDS 2022 summary report asks for. Stores keep them
// as opaque entries; the rules for changing them are here.

// Level is the level an EDS review was completed at.
type Level string

// The levels.
const (
	LevelOrganisation Level = "organisation"
	LevelPartnership  Level = "partnership"
	LevelSystem       Level = "system"
)

// Levels lists every level, in the template's order.
var Levels = []Level{LevelOrganisation, LevelPartnership, LevelSystem}

// ProfileField names a field of the organisation's profile.
type ProfileField string

// The profile's fields, in the template's order.
const (
	ProfileName    ProfileField = "name"    // the organisation's name
	ProfileICS     ProfileField = "ics"     // its integrated care system
	ProfileLead    ProfileField = "lead"    // its EDS lead
	ProfileSponsor ProfileField = "sponsor" // its board sponsor
	ProfileLevel   ProfileField = "level"   // the level the review was completed at
)

// ProfileFields lists every field of the profile, in the template's order.
var ProfileFields = []ProfileField{ProfileName, ProfileICS, ProfileLead, ProfileSponsor, ProfileLevel}

// Organisation is a workspace's organisation profile.
type Organisation struct {
	Name    string `json:"name,omitempty"`
	ICS     string `json:"ics,omitempty"`
	Lead    string `json:"lead,omitempty"`
	Sponsor string `json:"sponsor,omitempty"`
	Level   Level  `json:"level,omitempty"`
}

// MaxRecordText is the longest name or note in the publication's
// record, in characters.
const MaxRecordText = 300

// CheckRecordText refuses empty, over-long or multi-line text
// (ErrTooLong): each is shown on one line of the published summary.
func CheckRecordText(s string) error {
	if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxRecordText || strings.ContainsFunc(s, isControl) {
		return ErrTooLong.About(s)
	}
	return nil
}

// Get is the value of one field, "" when unset.
func (o *Organisation) Get(f ProfileField) string {
	switch f {
	case ProfileName:
		return o.Name
	case ProfileICS:
		return o.ICS
	case ProfileLead:
		return o.Lead
	case ProfileSponsor:
		return o.Sponsor
	case ProfileLevel:
		return string(o.Level)
	}
	return ""
}

// Set sets one field and returns its value before. It refuses an
// unknown field or level (EINVALID, field "org"), text CheckRecordText
// refuses, and a value the field has already (ErrNoChange about it).
func (o *Organisation) Set(f ProfileField, value string) (string, error) {
	value = strings.Join(strings.Fields(value), " ")
	old := o.Get(f)
	if err := CheckRecordText(value); err != nil {
		return old, err
	}
	if f == ProfileLevel {
		l, ok := ParseLevel(value)
		if !ok {
			return old, FieldErrorf("org", "unknown level %q", value)
		}
		value = string(l)
	}
	if value == old {
		return old, ErrNoChange.About(old)
	}
	switch f {
	case ProfileName:
		o.Name = value
	case ProfileICS:
		o.ICS = value
	case ProfileLead:
		o.Lead = value
	case ProfileSponsor:
		o.Sponsor = value
	case ProfileLevel:
		o.Level = Level(value)
	default:
		return old, FieldErrorf("org", "unknown profile field %q", f)
	}
	return old, nil
}

// Missing lists the profile's fields with no value, in order.
func (o *Organisation) Missing() []ProfileField {
	var out []ProfileField
	for _, f := range ProfileFields {
		if o.Get(f) == "" {
			out = append(out, f)
		}
	}
	return out
}

// ParseLevel reads a level, ignoring case; "ics" and "ics-wide" are
// system, "individual" is organisation.
func ParseLevel(s string) (Level, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "ics", "ics-wide", "system-wide":
		return LevelSystem, true
	case "individual", "org":
		return LevelOrganisation, true
	}
	for _, l := range Levels {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

// StakeholderCategory is who a stakeholder of a review is.
type StakeholderCategory string

// The categories of stakeholder.
const (
	StaffNetwork         StakeholderCategory = "staff-network"
	Patients             StakeholderCategory = "patients"
	VoluntarySector      StakeholderCategory = "voluntary-sector"
	TradeUnion           StakeholderCategory = "trade-union"
	IndependentEvaluator StakeholderCategory = "independent-evaluator"
	PeerReviewer         StakeholderCategory = "peer-reviewer"
	OtherStakeholder     StakeholderCategory = "other"
)

// StakeholderCategories lists every category.
var StakeholderCategories = []StakeholderCategory{StaffNetwork, Patients, VoluntarySector, TradeUnion, IndependentEvaluator, PeerReviewer, OtherStakeholder}

// ParseStakeholderCategory reads a category, ignoring case.
func ParseStakeholderCategory(s string) (StakeholderCategory, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, c := range StakeholderCategories {
		if string(c) == s {
			return c, true
		}
	}
	return "", false
}

// ThirdParty reports whether the category is third-party involvement
// in domain 3 as the summary lists it: trade unions, independent
// evaluators and peer reviewers.
func (c StakeholderCategory) ThirdParty() bool {
	return c == TradeUnion || c == IndependentEvaluator || c == PeerReviewer
}

// Engagement is an engagement event of a cycle (a panel, a listening
// event) for some objectives.
type Engagement struct {
	Date    Date      `json:"date"`
	Domains []string  `json:"domains"`
	Note    string    `json:"note"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// Stakeholder is who took part in a cycle's review, for some objectives.
type Stakeholder struct {
	Category StakeholderCategory `json:"category"`
	Domains  []string            `json:"domains"`
	Name     string              `json:"name"`
	By       string              `json:"by"`
	At       time.Time           `json:"at"`
}

// SignOff is who authorised a cycle's results, and when; By is recorded
// as typed (a name, a board), Recorder is the user who entered it.
type SignOff struct {
	Date     Date      `json:"date"`
	By       string    `json:"by"`
	Recorder string    `json:"recorder"`
	At       time.Time `json:"at"`
}

// CycleRecord is a grading cycle's own record.
type CycleRecord struct {
	Cycle        string        `json:"cycle"`
	Engagements  []Engagement  `json:"engagements"`
	Stakeholders []Stakeholder `json:"stakeholders"`
	// SignOff is nil until the results are signed off; Published is
	// when the summary was published, "" until then.
	SignOff   *SignOff `json:"sign_off"`
	Published Date     `json:"published"`
}

// Involves reports whether s took part in objective code: a stakeholder
// named for no objective took part in all.
func (s *Stakeholder) Involves(code string) bool {
	return len(s.Domains) == 0 || slices.ContainsFunc(s.Domains, func(d string) bool { return strings.EqualFold(d, code) })
}

// CheckSignOffDate refuses a date that is not YYYY-MM-DD (ErrBadDue) or
// is after today in loc (EINVALID, field "date").
func CheckSignOffDate(d Date, now time.Time, loc *time.Location) error {
	if err := CheckDue(d); err != nil {
		return err
	}
	if d > DateOf(now, loc) {
		return FieldErrorf("date", "%s is in the future", d)
	}
	return nil
}

// Workspace event kinds of the publication's record.
const (
	EventOrg         EventKind = "org"          // a profile field changed: Reason is the field, From and To its values
	EventCycleRecord EventKind = "cycle-record" // Cycle's record changed: Reason says what (engagement, stakeholder, sign-off, published), To its value
	EventCycleAdd    EventKind = "cycle-add"    // a past cycle, To, was added before the first (backfill)
	EventCycleUndo   EventKind = "cycle-undo"   // cycle From was undone, reopening To
)

// PublicURL reports whether a link's host is a public name that readers
// of a published report can reach: not an IP address, not a single
// label (intranet), and not under .local, .internal, .localhost, .lan
// or .home.arpa.
func PublicURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if h == "" || net.ParseIP(h) != nil || !strings.Contains(h, ".") {
		return false
	}
	for _, private := range []string{".local", ".internal", ".localhost", ".lan", ".home.arpa", ".intranet", ".corp"} {
		if strings.HasSuffix(h, private) {
			return false
		}
	}
	return true
}
