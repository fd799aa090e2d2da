// Package commands is targetbot's command language, the same on every
// platform: it parses `/target <verb> <args>`, checks who may do what,
// runs the command against the store roles it names (Store) and builds
// the bot.Reply. Platform adapters hand it a bot.Request and render what
// comes back; it never imports a platform SDK.
//
// One table (verbs.go) declares every verb: its usage, summary, access,
// examples and typed arguments with their limits, in bot's declaration
// types (bot.Command, bot.Arg). Dispatch and help read it; adapters,
// which never import this package, read it from their Handler through
// bot.Language (language.go), as Discord's options, the update form
// (declared once, as a bot.Form) and their limits. A request is text to
// parse, or a verb with named arguments (Discord options, form answers
// on every platform), which run without being turned back into text.
//
// Choices the design leaves open, made here:
//
//   - Progress is written with a % sign (`40%`). A bare whole number is
//     also taken as progress, but only when nothing but options follows
//     it (`update eds/1.1 40`, `update eds/1.1 40 on-track`), so a note
//     that starts with a number (`3 sessions held`) stays a note. A `--`
//     word ends the options: everything after it is the note, verbatim.
//   - `done` with no progress sets 100%; `done` with a lower progress is
//     an error, and so is lowering a done target's progress without
//     saying its new status.
//   - Queries (help, frameworks, list, show, history, and timezone,
//     reminders and cycle without arguments) and every error are
//     ephemeral. Logged updates, undo, evidence and `digest now` are
//     posted in the channel, and so are admin changes (import, add, edit,
//     archive, restore, assign, due, rate, snooze, cycle start, digest
//     here/off, timezone, reminders): owners, dates and grades matter to
//     the whole team, so the team sees them change. An import that adds
//     nothing is ephemeral, and so is a change refused because it changes
//     nothing.
//   - `history` shows 10 entries (updates and other changes,
//     interleaved) by default, n up to 1000, or `all`; when it leaves
//     some out it says how many. Entries at the same instant list
//     updates before other changes.
//   - `show` takes a target or, when no target has that reference, an
//     objective. Its latest changes are 5 entries of the history.
//   - A change to an archived target, an update included, is refused
//     until it is restored; `add` refuses an archived target's code.
//   - `snooze <target> off` on a target whose snooze has already run out
//     clears it, and that is recorded as a change.
//   - Evidence links are http or https with a host, at most 2000
//     characters; bytes no platform keeps inside a link are
//     percent-encoded. The same link twice on one target is no change.
//   - Cycle names are financial years, YYYY/YY with consecutive years,
//     never reused and never before the current cycle. A workspace that
//     imported before cycles existed has its first cycle recorded at its
//     next import, grade or cycle start, as the financial year then.
//   - `undo` takes back only your newest update, within 15 minutes, and
//     only while nobody has updated that target since.
//   - `show` offers "Log update" always and "Mark done" only for targets
//     that are not done.
//   - `assign` takes `me` for yourself and `none` to unassign; `rate`
//     takes `none` to clear a grade; `snooze <target> off` and
//     `due <target> none` clear those settings.
//   - `list <framework-id>` lists one framework's targets, beside the
//     documented objective, mine, overdue, at-risk and @user filters.
//   - Cron specs for digests and reminders are five fields in the
//     workspace's time zone; `@every` and an explicit TZ are refused.
//   - Time zone names are matched ignoring case (`europe/london`).
//   - Named arguments are taken as given: a named note is never read
//     for a progress or a status, so it needs no `--`. A named user is
//     a platform user id or a mention; `assign` clears the owner with
//     its unassign flag rather than the word none. Unknown or missing
//     arguments are refused with the verb's usage.
package commands
