// Package framework is targetbot's domain: frameworks of objectives and
// targets, the updates members log against targets, coded errors, and the
// pure rules (overdue, roll-ups, rating bands) every other package shares.
//
// It depends on the standard library only. Everything else in targetbot
// points inward to it.
package framework
