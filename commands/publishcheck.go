package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/targetbot/targetbot/bot"
	"github.com/targetbot/targetbot/commands/report"
	"github.com/targetbot/targetbot/framework"
)

// blocker is one thing that stands between a cycle and a publishable
// EDS summary, and the command that clears it.
type blocker struct {
	what, fix string
}

// publishCheckVerb is `publish-check [<framework>] [<cycle>]`: it builds
// the EDS summary the way `report … summary` would and lists what it
// still lacks, each with the command that clears it, or says nothing
// blocks.
func (h *Handler) publishCheckVerb(ctx context.Context, c *call) (bot.Reply, error) {
	fw, cycle := c.arg("framework"), c.arg("cycle")
	if c.text() {
		switch n := c.args.len(); {
		case n > 2:
			return bot.Reply{}, usageError("publish-check", "", "name at most a framework and a grading cycle")
		case n == 1 && strings.Contains(fw, "/"):
			fw, cycle = "", fw
		}
	}
	req := report.Request{Workspace: c.req.Workspace, Cycle: cycle, Template: report.SummaryTemplate}
	if fw != "" {
		req.Frameworks = []string{fw}
	}
	r, err := report.Build(ctx, h.store, req, report.Options{Frameworks: h.frameworks, Location: h.loc, Now: c.now, Generator: "targetbot " + h.version})
	if err != nil {
		return bot.Reply{}, reportErr(err)
	}
	bs := publishBlockers(r)
	names := make([]string, len(r.Frameworks))
	for i, s := range r.Frameworks {
		names[i] = code(s.ID)
	}
	subject := fmt.Sprintf("the %s summary of %s", r.Cycle, strings.Join(names, " and "))
	if len(bs) == 0 {
		return ephemeral(fmt.Sprintf("Nothing blocks publishing %s: every %s is graded with a reason and public evidence, the profile is complete, owners have names, and the results are signed off. %s writes it.",
			subject, r.Frameworks[0].TargetLabel, code("targetbot report --template summary --format html --out summary.html"))), nil
	}
	verb := "block"
	if len(bs) == 1 {
		verb = "blocks"
	}
	lines := []string{fmt.Sprintf("%s %s publishing %s:", capital(plural(len(bs), "thing")), verb, subject)}
	for _, b := range bs {
		lines = append(lines, "• "+b.what+": "+b.fix)
	}
	return ephemeral(strings.Join(lines, "\n")), nil
}

// publishBlockers lists what the summary r lacks, in the template's
// order: the profile, the outcomes (ungraded, no reason, no evidence,
// evidence on a private host, owners without names), then the sign-off.
func publishBlockers(r *report.Report) []blocker {
	var out []blocker
	p := r.Publication
	for _, f := range p.Organisation.Missing() {
		out = append(out, blocker{"the organisation's " + profileLabel(f) + " is not set", code("/target org " + string(f) + " …")})
	}
	named := map[string]bool{}
	for user, per := range p.People {
		if per.Name != "" {
			named[strings.ToLower(user)] = true
		}
	}
	unnamed := map[string]bool{}
	for _, s := range r.Frameworks {
		for _, o := range s.Objectives {
			for _, t := range o.Targets {
				if t.Local {
					continue
				}
				ref := t.Ref
				switch {
				case t.Grade == string(framework.Unrated) || t.Grade == "unrated":
					out = append(out, blocker{ref + " is ungraded", code("/target rate " + ref + " <grade> <reason…>")})
				case strings.TrimSpace(t.GradeReason) == "":
					out = append(out, blocker{ref + "'s grade has no reason", code("/target rate " + ref + " " + t.Grade + " <reason…>")})
				}
				if len(t.Evidence) == 0 {
					out = append(out, blocker{ref + " has no evidence", code("/target evidence " + ref + " <https://…> [title…]")})
				}
				for _, ev := range t.Evidence {
					if !framework.PublicURL(ev.URL) {
						out = append(out, blocker{ref + "'s evidence " + code(short(ev.URL, 80)) + " is not on a public host (readers cannot open it)",
							"attach a public copy with " + code("/target evidence "+ref+" <https://…>")})
					}
				}
				if t.Owner != "" && !named[strings.ToLower(t.Owner)] && !unnamed[strings.ToLower(t.Owner)] {
					unnamed[strings.ToLower(t.Owner)] = true
					out = append(out, blocker{"owner " + bot.User(t.Owner) + " has no name on record", code("/target people set @" + t.Owner + " <name…> | <role…>")})
				}
			}
		}
		for _, t := range s.Archived {
			if !t.Local {
				out = append(out, blocker{t.Ref + " is archived, so the band stays provisional", code("/target restore " + t.Ref)})
			}
		}
	}
	if p.Record.SignOff == nil {
		out = append(out, blocker{r.Cycle + "'s results are not signed off", code("/target cycle sign-off <YYYY-MM-DD> <by…>")})
	}
	return out
}
