package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// The summary template lays a graded framework out as NHS England's EDS
// 2022 summary report, section by section: the organisation's profile,
// the cycle's dates and record, completed actions from the previous
// cycle, the rating and score card, a table per domain (outcome,
// evidence, rating, owner) with the domain's rating, third-party
// involvement in domain 3, the organisation's rating beside last
// cycle's, and the action plan. summaryDoc puts those sections together
// once, as headings, paragraphs and tables; Markdown, HTML and xlsx each
// draw the same document.

// doc is the summary as sections of paragraphs and tables.
type doc struct {
	Title    string
	Intro    []string
	Sections []docSection
}

type docSection struct {
	ID      string
	Heading string
	Paras   []string
	Tables  []docTable
}

// docTable is a table whose first column heads its rows.
type docTable struct {
	Caption string
	// Sheet is the short name of the table's xlsx sheet.
	Sheet  string
	Header []string
	Rows   [][]cell
}

// cell is one table cell: text, or a number, a date, or text followed
// by links.
type cell struct {
	Text  string
	Num   *int
	Date  day
	Links []Evidence
}

func text(s string) cell { return cell{Text: s} }
func num(n int) cell     { return cell{Num: &n, Text: fmt.Sprint(n)} }

// dateCell is a date as the summary shows it, or what stands in for none.
func dateCell(d framework.Date, none string) cell {
	if d == "" {
		return text(none)
	}
	return cell{Text: string(d), Date: day(d)}
}

// thirdPartyDomain is the objective whose third-party involvement the
// summary lists: EDS 2022's domain 3, inclusive leadership.
const thirdPartyDomain = "3"

// summaryDoc is the report as the summary template lays it out.
func (r *Report) summaryDoc() doc {
	p := r.Publication
	if p == nil {
		p = &Publication{People: map[string]framework.Person{}}
	}
	org := p.Organisation
	name := org.Name
	if name == "" {
		name = "workspace " + r.Workspace
	}
	d := doc{Title: "EDS 2022 summary report " + r.Cycle + ": " + name}
	d.Intro = append(d.Intro, fmt.Sprintf("Generated %s by %s. %s.", stamp(r.Generated), r.Generator, r.asAt()))
	notRecorded := func(s string, f framework.ProfileField) string {
		if s == "" {
			return "not recorded (set it with org " + string(f) + ")"
		}
		return s
	}
	d.Sections = append(d.Sections, docSection{ID: "profile", Heading: "NHS Equality Delivery System (EDS)", Tables: []docTable{{
		Caption: "Organisation profile", Sheet: "Profile", Header: []string{"Field", "Value"},
		Rows: [][]cell{
			{text("Organisation name"), text(notRecorded(org.Name, framework.ProfileName))},
			{text("Organisation Board sponsor"), text(notRecorded(org.Sponsor, framework.ProfileSponsor))},
			{text("EDS lead"), text(notRecorded(org.Lead, framework.ProfileLead))},
			{text("Name of Integrated Care System"), text(notRecorded(org.ICS, framework.ProfileICS))},
			{text("Level completed at"), text(notRecorded(string(org.Level), framework.ProfileLevel))},
		},
	}}})

	rec := p.Record
	dates := docTable{Caption: "Dates of the " + r.Cycle + " review", Sheet: "Dates", Header: []string{"Date", "Value"}}
	started := cell{Text: "not recorded"}
	if !r.From.IsZero() {
		started = dateCell(framework.Date(r.From.Format("2006-01-02")), "")
	}
	dates.Rows = append(dates.Rows, []cell{text("Grading cycle"), text(r.Cycle)}, []cell{text("Review started"), started})
	dates.Rows = append(dates.Rows, []cell{text("Date completed"), completed(r)})
	if so := rec.SignOff; so != nil {
		c := dateCell(so.Date, "")
		c.Text += ", by " + so.By
		dates.Rows = append(dates.Rows, []cell{text("Date authorised"), c})
	} else {
		dates.Rows = append(dates.Rows, []cell{text("Date authorised"), text("not signed off yet (cycle sign-off)")})
	}
	pub := text("not published yet (cycle published)")
	if rec.Published != "" {
		pub = dateCell(rec.Published, "")
		pub.Text = rec.Published.Time(time.UTC).Format("January 2006") + " (" + string(rec.Published) + ")"
	}
	dates.Rows = append(dates.Rows, []cell{text("Month and year published"), pub})
	cyc := docSection{ID: "dates", Heading: "The " + r.Cycle + " review", Tables: []docTable{dates}}
	if len(rec.Engagements) == 0 {
		cyc.Paras = append(cyc.Paras, "No engagement events recorded (cycle engagement).")
	} else {
		t := docTable{Caption: "Engagement events", Sheet: "Engagement", Header: []string{"Date", "Domains", "Event"}}
		for _, e := range rec.Engagements {
			t.Rows = append(t.Rows, []cell{dateCell(e.Date, ""), text(strings.Join(e.Domains, ", ")), text(oneLine(e.Note))})
		}
		cyc.Tables = append(cyc.Tables, t)
	}
	if len(rec.Stakeholders) == 0 {
		cyc.Paras = append(cyc.Paras, "No stakeholders recorded (cycle stakeholder).")
	} else {
		t := docTable{Caption: "Stakeholders who took part", Sheet: "Stakeholders", Header: []string{"Name", "Category", "Domains"}}
		for _, s := range rec.Stakeholders {
			domains := strings.Join(s.Domains, ", ")
			if domains == "" {
				domains = "all"
			}
			t.Rows = append(t.Rows, []cell{text(oneLine(s.Name)), text(string(s.Category)), text(domains)})
		}
		cyc.Tables = append(cyc.Tables, t)
	}
	d.Sections = append(d.Sections, cyc)

	prev := "the previous cycle"
	if r.Previous != "" {
		prev = r.Previous
	}
	done := docSection{ID: "completed-actions", Heading: "Completed actions from " + prev}
	if r.prevSpan[1] != "" {
		done.Tables = actionTables("Actions completed in "+prev, r.CompletedIn(r.prevSpan[0], r.prevSpan[1]))
	}
	if len(done.Tables) == 0 {
		done.Paras = []string{"None recorded."}
	}
	d.Sections = append(d.Sections, done)

	for i := range r.Frameworks {
		d.Sections = append(d.Sections, r.frameworkSections(&r.Frameworks[i], p, len(r.Frameworks) > 1)...)
	}
	plan := docSection{ID: "action-plan", Heading: "Action plan"}
	var open []Action
	for _, s := range r.Frameworks {
		for _, a := range s.Actions {
			if a.Closed == "" {
				open = append(open, a)
			}
		}
	}
	if plan.Tables = actionTables("Open actions", open); len(plan.Tables) == 0 {
		plan.Paras = []string{"None recorded."}
	}
	d.Sections = append(d.Sections, plan)
	return d
}

// actionTables is a table of actions (domain, outcome, linked objective,
// action, owner, due, status), or none when there are none.
func actionTables(caption string, as []Action) []docTable {
	if len(as) == 0 {
		return nil
	}
	t := docTable{Caption: caption, Sheet: "Actions", Header: []string{"Action", "Domain", "Outcome", "Linked objective", "Owner", "Due", "Status"}}
	for _, a := range as {
		t.Rows = append(t.Rows, []cell{text(a.Ref + " " + oneLine(a.Title)), text(a.Objective), text(a.Target + " " + oneLine(a.TargetTitle)),
			text(a.LinkedObjective), text(person(a.Owner, a.OwnerName)), dateCell(framework.Date(a.Due), ""), text(statusWord(a.Status))})
	}
	return []docTable{t}
}

// completed is the day the cycle's last outcome was graded, once every
// own outcome of every framework is.
func completed(r *Report) cell {
	var last time.Time
	ungraded := 0
	for _, s := range r.Frameworks {
		if sc := s.Totals.Score; sc != nil {
			ungraded += sc.Ungraded + sc.Archived
		}
		for _, o := range s.Objectives {
			for _, t := range o.Targets {
				if t.GradedAt != nil && t.GradedAt.After(last) && !t.EnteredLater {
					last = *t.GradedAt
				}
			}
		}
	}
	switch {
	case ungraded > 0:
		return text(fmt.Sprintf("not yet: %d still ungraded", ungraded))
	case last.IsZero():
		return text("not recorded")
	}
	return dateCell(framework.Date(last.Format("2006-01-02")), "")
}

// frameworkSections are one graded framework's score card, domain
// tables, third-party involvement and overall rating.
func (r *Report) frameworkSections(s *Section, p *Publication, named bool) []docSection {
	suffix, idp := "", ""
	if named {
		suffix, idp = " ("+s.Name+")", s.ID+"-"
	}
	var out []docSection
	card := docTable{Caption: "EDS Rating and Score Card", Sheet: "Score card", Header: []string{"Rating", "Score for each " + s.TargetLabel, "Overall score"}}
	for _, c := range s.ScoreCard {
		overall := "no band"
		if c.From != nil {
			overall = fmt.Sprintf("%d to %d", *c.From, *c.To)
			if *c.From == *c.To {
				overall = fmt.Sprint(*c.From)
			}
		}
		card.Rows = append(card.Rows, []cell{text(gradeWord(c.Rating)), num(c.Score), text(overall)})
	}
	out = append(out, docSection{ID: idp + "score-card", Heading: "EDS Rating and Score Card" + suffix,
		Paras:  []string{fmt.Sprintf("Each %s is rated and scored; the organisation's rating comes from the sum of the scores.", s.TargetLabel)},
		Tables: []docTable{card}})

	for i := range s.Objectives {
		o := &s.Objectives[i]
		if len(o.Targets) == 0 {
			continue
		}
		header := []string{capital(s.TargetLabel), "Evidence", "Rating", "Owner (name and role)"}
		if r.Previous != "" {
			header = append(header, "Rating in "+r.Previous)
		}
		services := perService(o.Targets)
		if services {
			header = append(header, "Rating per service")
		}
		t := docTable{Caption: objectiveName(s, o), Sheet: capital(s.ObjectiveLabel) + " " + o.Code, Header: header}
		for _, tg := range o.Targets {
			ev := cell{Text: oneLine(tg.GradeReason), Links: tg.Evidence}
			if ev.Text == "" && len(tg.Evidence) == 0 {
				ev.Text = "none recorded"
			}
			row := []cell{text(tg.Code + ": " + oneLine(tg.Title)), ev, text(ratingText(tg.Grade, tg.Score, tg.Local)), text(ownerLabel(tg.Owner, p.People))}
			if r.Previous != "" {
				row = append(row, text(ratingText(tg.PreviousGrade, tg.PreviousScore, tg.Local)))
			}
			if services {
				row = append(row, text(serviceRatingsText(&tg)))
			}
			t.Rows = append(t.Rows, row)
		}
		sec := docSection{ID: idp + "domain-" + o.Code, Heading: objectiveName(s, o) + suffix, Tables: []docTable{t}}
		if o.Score != nil {
			line := capital(s.ObjectiveLabel) + " " + o.Code + " rating: " + subtotalText(o.Score, s.TargetLabel)
			if o.PreviousScore != nil {
				line += "; in " + r.Previous + ": " + subtotalText(o.PreviousScore, s.TargetLabel)
			}
			sec.Paras = append(sec.Paras, line+".")
		}
		out = append(out, sec)
		if o.Code == thirdPartyDomain {
			out = append(out, thirdParty(s, o, p, idp, suffix))
		}
	}

	rating := docTable{Caption: "EDS organisation rating", Sheet: "Organisation rating", Header: []string{"Cycle", "Score", "Maximum", "Rating"}}
	row := func(cycle string, sc *Score) []cell {
		band := sc.Band
		switch {
		case band == "":
			band = "none yet"
		case sc.Provisional:
			band += " (provisional)"
		}
		return []cell{text(cycle), num(sc.Sum), num(sc.Max), text(capital(band))}
	}
	if sc := s.Totals.Score; sc != nil {
		rating.Rows = append(rating.Rows, row(r.Cycle, sc))
	}
	if sc := s.Totals.PreviousScore; sc != nil {
		rating.Rows = append(rating.Rows, row(r.Previous, sc))
	}
	sec := docSection{ID: idp + "organisation-rating", Heading: "EDS organisation rating" + suffix, Tables: []docTable{rating}}
	if sc := s.Totals.Score; sc != nil {
		sec.Paras = append(sec.Paras, "Score: "+scoreText(sc, s.TargetLabel)+".")
	}
	return append(out, sec)
}

// thirdParty is the third-party involvement in domain 3: the trade
// union, independent evaluator and peer reviewer stakeholders.
func thirdParty(s *Section, o *Objective, p *Publication, idp, suffix string) docSection {
	names := func(cats ...framework.StakeholderCategory) string {
		var n []string
		for _, st := range p.Record.Stakeholders {
			if slices.Contains(cats, st.Category) && st.Involves(o.Code) {
				n = append(n, oneLine(st.Name))
			}
		}
		if len(n) == 0 {
			return "none recorded"
		}
		return strings.Join(n, "; ")
	}
	return docSection{ID: idp + "third-party", Heading: "Third-party involvement in " + capital(s.ObjectiveLabel) + " " + o.Code + suffix,
		Tables: []docTable{{Caption: "Third-party involvement in " + capital(s.ObjectiveLabel) + " " + o.Code, Sheet: "Third parties",
			Header: []string{"Involvement", "Names"},
			Rows: [][]cell{
				{text("Trade union representatives"), text(names(framework.TradeUnion))},
				{text("Independent evaluators and peer reviewers"), text(names(framework.IndependentEvaluator, framework.PeerReviewer))},
			}}}}
}

// ratingText is "2 / Achieving", "Unrated", or a local target's grade.
func ratingText(grade string, score *int, local bool) string {
	switch {
	case grade == "" || grade == string(framework.Unrated) || grade == "unrated":
		return "Unrated"
	case local:
		return gradeWord(grade) + " (local, not scored)"
	case score != nil:
		return fmt.Sprintf("%d / %s", *score, gradeWord(grade))
	}
	return gradeWord(grade)
}

// ownerLabel names an owner by name and role where the workspace knows
// them, by user id otherwise.
func ownerLabel(id string, people map[string]framework.Person) string {
	if id == "" {
		return "unassigned"
	}
	for k, per := range people {
		if framework.SameUser(k, id) {
			if l := per.Label(); l != "" {
				return l
			}
		}
	}
	return person(id, "")
}
