package redisstore

import (
	"strings"

	"github.com/targetbot/targetbot/framework"
)

// The first layout kept each target as a hash of its own, "<prefix>:{ws}:t:<ref>",
// its ref in the set "<prefix>:{ws}:targets", and each update as a hash of its own, named in two
// indexes: "<prefix>:{ws}:u:<id>", in "<prefix>:{ws}:t:<ref>:log" (the
// target's ids, newest first) and "<prefix>:{ws}:log" (every id that
// stands, scored by its time in ms), and the last-update pointer held a
// bare id. That cost about 515 bytes an update where a record costs
// about 130 (docs/PERFORMANCE.md).
//
// Export still reads updates kept that way, beside records, so that a
// workspace written by an earlier release exports whole; Open upgrades
// such workspaces by exporting and restoring them (see upgrade), and the
// restore's commit removes the old keys (luaKeysOf).

func (k keys) legacyUpdate(id string) string     { return string(k) + "u:" + id }
func (k keys) legacyTargetLog(ref string) string { return string(k) + "t:" + ref + ":log" }
func (k keys) legacyLog() string                 { return string(k) + "log" }

// decodeLegacyUpdate reads an update hash of the first layout.
func decodeLegacyUpdate(m map[string]string) framework.Update {
	return framework.Update{
		ID:           m["id"],
		Target:       m["target"],
		Author:       m["author"],
		Time:         parseTime(m["time"]),
		Progress:     atoi(m["progress"]),
		Status:       framework.Status(m["status"]),
		Note:         m["note"],
		PrevProgress: atoi(m["prev_progress"]),
		PrevStatus:   framework.Status(m["prev_status"]),
		Withdrawn:    m["withdrawn"] == "1",
		WithdrawnAt:  parseTime(m["withdrawn_at"]),
	}
}

func (k keys) legacyTargets() string          { return string(k) + "targets" }
func (k keys) legacyTarget(ref string) string { return string(k) + "t:" + ref }

// decodeLegacyTarget reads a target hash of the first layout: a field
// per attribute, and "grade:<cycle>" fields for closed cycles' grades.
func decodeLegacyTarget(m map[string]string) framework.Target {
	t := framework.Target{
		Framework:    m["framework"],
		Objective:    m["objective"],
		Code:         m["code"],
		Title:        m["title"],
		Custom:       m["custom"] == "1",
		Owner:        m["owner"],
		Due:          framework.Date(m["due"]),
		Status:       framework.Status(m["status"]),
		Progress:     atoi(m["progress"]),
		Rating:       framework.Rating(m["rating"]),
		Archived:     m["archived"] == "1",
		SnoozedUntil: framework.Date(m["snoozed_until"]),
		SnoozeReason: m["snooze_reason"],
		Reminders:    atoi(m["reminders"]),
		LastUpdate:   m["last_update"],
		UpdatedAt:    parseTime(m["updated_at"]),
		CreatedAt:    parseTime(m["created_at"]),
	}
	for k, v := range m {
		if cycle, ok := strings.CutPrefix(k, "grade:"); ok && v != "" {
			if t.Grades == nil {
				t.Grades = map[string]framework.Rating{}
			}
			t.Grades[cycle] = framework.Rating(v)
		}
	}
	return t
}
