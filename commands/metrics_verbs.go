package commands

import "github.com/targetbot/targetbot/bot"

// metricVerbs declares measure, record and trend for the verb table.
func metricVerbs() []VerbInfo {
	return []VerbInfo{
		{Command: bot.Command{Name: "measure", Group: "metric", Usage: "measure <target> <unit> [higher-better|lower-better|parity] baseline <value> [<period>] goal <value> [<period>] | measure <target> band <low> <high>",
			Summary: "measure a target by a number, from a baseline to a goal; or set its parity band", Access: "admin or owner",
			Examples: []string{"measure nhse-2024-26/5.2 percent lower-better baseline 30 2025 goal 20 2028", "measure wres/2 ratio parity baseline 1.59 2025 goal 1.25 2028", "measure wres/2 band 0.8 1.2"}, Args: []bot.Arg{
				targetArg,
				{Name: "settings", Kind: bot.ArgText, Required: true, Rest: true, Description: "The unit, direction, baseline and goal, or band <low> <high>"},
			}},
			run: (*Handler).measure},
		{Command: bot.Command{Name: "record", Group: "metric", Usage: "record <target> <period> <value>|<input>=<n>…|yes|no [note…]",
			Summary: "record a metric's value or inputs for a year; recording it again replaces it", Access: "admin or owner",
			Examples: []string{"record wres/2 2026 white_shortlisted=1200 white_appointed=300 bme_shortlisted=900 bme_appointed=120", "record wres/1 2026/27 12.5 from the March ESR snapshot", "record wdes/9b 2026 yes Disabled staff network reports to the board"}, Args: []bot.Arg{
				targetArg,
				// No MaxLen on period and value: a period is refused by
				// name unless it is one, and the note in value keeps maxNote.
				{Name: "period", Kind: bot.ArgText, Required: true, Description: "A year like 2026, or a financial year like 2026/27"},
				{Name: "value", Kind: bot.ArgText, Required: true, Rest: true, Description: "The value, or the inputs as name=n, or yes or no with text; then a note"},
			}},
			run: (*Handler).record},
		{Command: bot.Command{Name: "trend", Group: "metric", Usage: "trend <target>", Summary: "every period's value of a metric, its change, its flags and the goal", Access: "anyone",
			Examples: []string{"trend wres/2"}, Query: true, Args: []bot.Arg{targetArg}},
			run: (*Handler).trend},
	}
}
