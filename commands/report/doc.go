// Package report builds publishable reports of a workspace's frameworks
// (Markdown, self-contained accessible HTML, CSV and JSON), signs the
// expiring links that hand them out, and serves those links: Handler,
// with its own policy of private, uncached responses, is what serve
// mounts at Pattern.
//
// Build reads the store in a fixed number of round trips (the workspace,
// then its targets, the updates of the cycle's span and all its
// evidence, side by side, then the newest events of every graded target
// at once, for the rate that gave its grade: its reason, author and
// time), plus one read, in turn, of each history the span leaves
// something out of (history.older: for a past cycle, every target with
// no update in the cycle but one since), and puts together a Report: the
// one value every format renders, and that the JSON format is. Its
// reads and its memory follow
// what it shows: the updates of the span are folded in as they are read
// (replay.go), never held. Choices the design leaves open, made here:
//
//   - A past cycle is reported as it stood when it closed: its grades,
//     the cycle before it as previous, statuses and progress replayed
//     from the updates to the close, the latest update and the evidence
//     up to the close, and only the targets that existed then (and, when
//     no framework is named, only the frameworks that had any). Owners,
//     due dates and titles are today's: their history is per target, and
//     a report's reads must not grow with the number of targets.
//   - The latest update is the newest of the cycle; a target with none
//     says so. The current cycle's evidence is all of it, each link with
//     the day it was attached.
//   - Progress over time is each objective's mean progress at midnight
//     at the end of each month of the cycle (the last month at the
//     report's moment), over the live targets that existed then. The
//     first cycle starts at its first update if that is earlier than its
//     recorded start. At most 60 months are shown, and only their
//     updates are read: a cycle's span starts at its start or at the
//     first of those months, whichever is later, and ends at the moment
//     reported (a past cycle's close, not now).
//   - An objective of a graded framework shows its subtotal (an EDS
//     domain's score) without a band: bands rate a framework's total.
//   - Archived targets are listed apart and counted in nothing.
//   - People are named as the workspace knows them (`people`), with
//     their role where set; those it knows no name for, by chat user id.
//     CSV and JSON keep the id (owner, author) beside the name
//     (owner_name, author_name). Names are today's, as owners are.
//   - A grade's reason, grader and time are those of the newest rate of
//     the cycle to that grade; one given after a past cycle closed was
//     entered later (backfilled).
package report
