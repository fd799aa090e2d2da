package bot

// The command language as adapters see it: what each command is called,
// what it takes and how a form asks for it. The command layer declares
// it once and offers it through Language; an adapter builds its
// platform's command registration, menus and forms from it, and so never
// needs the command layer's package.

// ArgKind says what an argument holds, so a platform can offer the right
// input for it: a menu for a choice, a user picker, a number box, target
// autocompletion.
type ArgKind string

// The kinds of argument.
const (
	ArgTarget    ArgKind = "target"    // a target reference such as eds/1.1
	ArgObjective ArgKind = "objective" // an objective reference such as eds/2
	ArgFramework ArgKind = "framework" // a framework id such as eds
	ArgText      ArgKind = "text"      // a word, or with Rest the rest of the line
	ArgInteger   ArgKind = "integer"   // a whole number from Min to Max
	ArgChoice    ArgKind = "choice"    // one of Choices
	ArgUser      ArgKind = "user"      // a platform user id; in text, a mention
	ArgFlag      ArgKind = "flag"      // "true" or "false"; text says it with a word instead
	ArgDate      ArgKind = "date"      // YYYY-MM-DD
	ArgCron      ArgKind = "cron"      // a five-field cron spec in the workspace's time zone
	ArgZone      ArgKind = "zone"      // an IANA time zone name
)

// Arg declares one named argument of a command. In text the arguments
// other than flags come in the order the command lists them; structured
// input, such as Discord options or form answers, names them.
type Arg struct {
	Name     string
	Kind     ArgKind
	Required bool
	// Rest means that in text the argument runs to the end of the line,
	// verbatim: notes, titles, reasons, cron specs.
	Rest bool
	// Min and Max bound an ArgInteger.
	Min, Max int
	// MaxLen is the most characters the command accepts, 0 when it
	// declares no limit. Forms and platform options use it so they allow
	// exactly what the command takes.
	MaxLen int
	// Choices are the values an ArgChoice offers, in menu order. Value is
	// what the command takes; Label is how a menu shows it, in plain text.
	Choices []Choice
	// Description is one line for platform UIs, in plain text.
	Description string
}

// ChoiceValues lists the values of a's choices, in order.
func (a Arg) ChoiceValues() []string {
	out := make([]string, len(a.Choices))
	for i, c := range a.Choices {
		out[i] = c.Value
	}
	return out
}

// Command declares one command (a verb of /target): what help says about
// it, who may run it and its typed arguments.
type Command struct {
	Name    string
	Usage   string // the verb and its arguments, for example "update <target> [<n>%] [status] [note…]"
	Summary string // one line saying what it does, in the declared markup (PlainText for plain text)
	Access  string // who may run it: "anyone", "admin", or "admin or owner"
	// Examples are whole command lines without the leading /target. A
	// date in one may be a placeholder that help fills in, such as {due}.
	Examples []string
	// Query commands only read, and answer only the asker: a platform
	// that must acknowledge before the answer is ready can do so
	// privately.
	Query bool
	Args  []Arg
	// Group, when set, names the family the command belongs to, for
	// platforms that cap how many commands one menu lists (Discord
	// takes 25 subcommands): they nest the group's commands under it,
	// as /target <group> <name>. The command's name is unchanged, and
	// no group is named like a command.
	Group string
}

// Arg returns the command's argument with the given name.
func (c Command) Arg(name string) (Arg, bool) {
	for _, a := range c.Args {
		if a.Name == name {
			return a, true
		}
	}
	return Arg{}, false
}

// Form declares a form: the fields a Button with Form set asks for, each
// answering one named argument of Verb. Every platform builds its own
// form from it (a Slack modal, a Discord modal, a Teams input card), so
// the fields, their order, wording and limits are said once.
type Form struct {
	Verb   string // the command the answers are arguments of
	Title  string // the form's heading, in plain text: "Log an update"
	Submit string // the label of its submit button: "Save"
	Fields []FormField
}

// FormField is one input of a Form. Every field is optional: a blank
// answer leaves its argument out, and the command says what is missing
// or wrong. Its Arg is the command's own declaration, so the field takes
// exactly what the command takes: a number box from Min to Max for an
// ArgInteger, a menu of Choices for an ArgChoice, a text box of at most
// MaxLen characters, over several lines when Rest, for text.
type FormField struct {
	Arg
	Label       string // plain text: "Progress (0 to 100%)"
	Placeholder string // plain text shown in the empty input: "40"
}

// Language is implemented by Handlers that declare their command
// language. Adapters check for it at run time, as for Completer, and
// derive from it their command registration, their forms and how they
// acknowledge a command.
type Language interface {
	// Commands declares every command, in help order. The slices are the
	// caller's own.
	Commands() []Command
	// Command declares the named command; ok is false when there is
	// none.
	Command(name string) (c Command, ok bool)
	// Form declares the form a Button with Form set opens for its
	// Command, such as "update eds/1.1"; ok is false when the command
	// has none.
	Form(command string) (f Form, ok bool)
	// FormArgs turns a submitted form into the Verb and Args of a
	// structured Request: command, the button's Command, names the verb
	// and its first arguments, and answers, keyed by field name, add the
	// rest. ok is false when the command names no verb or has more words
	// than the verb takes.
	FormArgs(command string, answers map[string]string) (verb string, args map[string]string, ok bool)
}

// Reply codes an adapter acts on. They are the codes the command layer
// sets in Reply.Code, and an adapter may set them in a reply of its own.
const (
	CodeInvalid     = "invalid"     // the input is wrong; the reply says how to fix it
	CodeForbidden   = "forbidden"   // the user may not do this
	CodeUnavailable = "unavailable" // a dependency (the store, the platform) is down
	CodeInternal    = "internal"    // a bug or an unexpected failure
)
