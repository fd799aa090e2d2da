package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// The help's two columns: what to type, and what it does. A left column
// wider than maxLeft takes its own line, and its description starts the
// next line at the column, so one long synopsis does not push every
// description to the right.
const (
	helpIndent = "  "
	helpGap    = 2
	maxLeft    = 44
)

// columns writes rows as two aligned columns: the right column starts at
// the same place on every line, at least helpGap spaces after the widest
// left column that fits maxLeft.
func columns(w io.Writer, rows [][2]string) {
	width := 0
	for _, r := range rows {
		if n := len([]rune(r[0])); n <= maxLeft {
			width = max(width, n)
		}
	}
	pad := strings.Repeat(" ", len(helpIndent)+width+helpGap)
	for _, r := range rows {
		n := len([]rune(r[0]))
		if n > width {
			fmt.Fprintf(w, "%s%s\n%s%s\n", helpIndent, r[0], pad, r[1])
			continue
		}
		fmt.Fprintf(w, "%s%s%s%s\n", helpIndent, r[0], strings.Repeat(" ", width-n+helpGap), r[1])
	}
}

// printFlags writes fs's flags in two columns, as --name TYPE and its
// help with its default, in the order of their names.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	var rows [][2]string
	fs.VisitAll(func(f *flag.Flag) {
		kind, help := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if kind != "" {
			left += " " + kind
		}
		if d := flagDefault(f); d != "" {
			help += " (default " + d + ")"
		}
		rows = append(rows, [2]string{left, help})
	})
	columns(w, rows)
}

// flagDefault is f's default as the flag package shows it, "" when it is
// the zero value: strings quoted, the rest as they are.
func flagDefault(f *flag.Flag) string {
	switch f.DefValue {
	case "", "false", "0":
		return ""
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if _, isString := g.Get().(string); isString {
			return fmt.Sprintf("%q", f.DefValue)
		}
	}
	return f.DefValue
}

// usageRows are the subcommands as the usage lists them.
var usageRows = [][2]string{
	{"targetbot [console] [--user NAME]", "a local chat session on stdin/stdout (the default)"},
	{"targetbot serve [--addr :8080]", "the HTTP server, every configured platform, and the scheduler"},
	{"targetbot run-schedules [--at now|RFC3339]", "run once every digest and reminder due at that instant"},
	{"targetbot slack manifest --url BASE_URL", "print a Slack app manifest"},
	{"targetbot discord register [--guild ID]", "register the /target command with Discord"},
	{"targetbot teams manifest --app-id ID [--out FILE]", "write the Teams app package"},
	{"targetbot report [--workspace ID] [--framework ID] [--cycle NAME] [--format md|html|csv|json|xlsx] [--out FILE]", "a report to publish, of workspace --workspace (default local)"},
	{"targetbot healthcheck [--url URL]", "exit 0 if serve answers GET /healthz (for container health checks)"},
	{"targetbot dump [--workspace ID] [--out FILE]", "every record of one workspace (or all), as JSON Lines"},
	{"targetbot restore [--in FILE] [--replace]", "load a dump; refuses to overwrite a workspace unless --replace"},
	{"targetbot migrate --from STORE --to STORE", "dump and restore in one step, then compare what each holds"},
	{"targetbot workspace rename --from ID --to ID", "move every record of a workspace to a new id (refuses one in use)"},
	{"targetbot version", "print the version"},
}

// usageText is the program's usage: what it is, its subcommands in two
// columns, and the flags they share.
func usageText() string {
	var b strings.Builder
	b.WriteString("targetbot tracks objectives and targets in Slack, Discord, Microsoft Teams and a local console.\n\nUsage:\n")
	columns(&b, usageRows)
	b.WriteString(`
Every subcommand that opens the store also takes --store, --timezone and
--frameworks-dir, and console, serve and run-schedules take --admins; each
overrides its environment variable (migrate takes its two stores as --from
and --to).
Run "targetbot SUBCOMMAND --help" for its flags.
`)
	return b.String()
}
