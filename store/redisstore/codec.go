package redisstore

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/targetbot/targetbot/framework"
)

// Records are Redis hashes, one field per attribute, so scripts can read
// and change single fields (progress, status, reminders) without decoding
// a blob. Times are RFC 3339 with nanoseconds, so they round-trip
// exactly; sorted indexes carry unix milliseconds beside them.

// Hidden target field: unix ms of the target's latest activity (its
// newest update, or its creation), the score it has in the stale index.
const fieldActivity = "activity_ms"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func fmtBool(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// targetFields lists a whole target as field/value pairs for HSET.
func targetFields(t framework.Target) []any {
	activity := t.UpdatedAt
	if activity.IsZero() {
		activity = t.CreatedAt
	}
	fields := []any{
		"framework", t.Framework,
		"objective", t.Objective,
		"code", t.Code,
		"title", t.Title,
		"custom", fmtBool(t.Custom),
		"owner", t.Owner,
		"due", string(t.Due),
		"status", string(t.Status),
		"progress", strconv.Itoa(t.Progress),
		"rating", string(t.Rating),
		"snoozed_until", string(t.SnoozedUntil),
		"snooze_reason", t.SnoozeReason,
		"reminders", strconv.Itoa(t.Reminders),
		"last_update", t.LastUpdate,
		"updated_at", fmtTime(t.UpdatedAt),
		"created_at", fmtTime(t.CreatedAt),
		"archived", fmtBool(t.Archived),
		fieldActivity, strconv.FormatInt(activity.UnixMilli(), 10),
	}
	for cycle, r := range t.Grades {
		fields = append(fields, gradePrefix+cycle, string(r))
	}
	return fields
}

// gradePrefix starts the target fields that hold the grades of closed
// cycles: "grade:2026/27" -> "developing".
const gradePrefix = "grade:"

// decodeGrades reads the grades of closed cycles from a target's fields.
func decodeGrades(m map[string]string) map[string]framework.Rating {
	var g map[string]framework.Rating
	for k, v := range m {
		if cycle, ok := strings.CutPrefix(k, gradePrefix); ok && v != "" {
			if g == nil {
				g = map[string]framework.Rating{}
			}
			g[cycle] = framework.Rating(v)
		}
	}
	return g
}

func decodeTarget(m map[string]string) framework.Target {
	return framework.Target{
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
		Grades:       decodeGrades(m),
		Archived:     m["archived"] == "1",
		SnoozedUntil: framework.Date(m["snoozed_until"]),
		SnoozeReason: m["snooze_reason"],
		Reminders:    atoi(m["reminders"]),
		LastUpdate:   m["last_update"],
		UpdatedAt:    parseTime(m["updated_at"]),
		CreatedAt:    parseTime(m["created_at"]),
	}
}

// activity is when the target last saw activity, as the stale index has it.
func activity(t *framework.Target) time.Time {
	if !t.UpdatedAt.IsZero() {
		return t.UpdatedAt
	}
	return t.CreatedAt
}

func decodeUpdate(m map[string]string) framework.Update {
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

// updateFields lists a whole update as field/value pairs for HSET, as
// appendScript and withdrawScript write them. author is always set: a
// restore's commit script reads it to tell the update exists.
func updateFields(u *framework.Update) []any {
	f := []any{
		"id", u.ID,
		"target", u.Target,
		"author", u.Author,
		"time", fmtTime(u.Time),
		"progress", strconv.Itoa(u.Progress),
		"status", string(u.Status),
		"note", u.Note,
		"prev_progress", strconv.Itoa(u.PrevProgress),
		"prev_status", string(u.PrevStatus),
	}
	if u.Withdrawn {
		f = append(f, "withdrawn", "1", "withdrawn_at", fmtTime(u.WithdrawnAt))
	}
	return f
}

// eventFields lists a whole event as field/value pairs for HSET; empty
// values are left out, which decodeEvent reads as "".
func eventFields(e *framework.Event) []any {
	f := []any{"id", e.ID, "target", e.Target, "kind", string(e.Kind), "author", e.Author, "time", fmtTime(e.Time)}
	for _, kv := range [][2]string{{"from", e.From}, {"to", e.To}, {"reason", e.Reason}, {"cycle", e.Cycle}, {"url", e.URL}, {"title", e.Title}} {
		if kv[1] != "" {
			f = append(f, kv[0], kv[1])
		}
	}
	return f
}

func decodeEvent(m map[string]string) framework.Event {
	return framework.Event{
		ID:     m["id"],
		Target: m["target"],
		Kind:   framework.EventKind(m["kind"]),
		Author: m["author"],
		Time:   parseTime(m["time"]),
		From:   m["from"],
		To:     m["to"],
		Reason: m["reason"],
		Cycle:  m["cycle"],
		URL:    m["url"],
		Title:  m["title"],
	}
}

func subFields(s framework.Subscription) []any {
	return []any{
		"workspace", s.Workspace,
		"channel", s.Channel,
		"spec", s.Spec,
		"created_by", s.CreatedBy,
		"created_at", fmtTime(s.CreatedAt),
		"last_digest", fmtTime(s.LastDigest),
	}
}

func decodeSub(m map[string]string) framework.Subscription {
	return framework.Subscription{
		Workspace:  m["workspace"],
		Channel:    m["channel"],
		Spec:       m["spec"],
		CreatedBy:  m["created_by"],
		CreatedAt:  parseTime(m["created_at"]),
		LastDigest: parseTime(m["last_digest"]),
	}
}

// flatMap turns a script's HGETALL reply, a flat array of field and
// value, into a map.
func flatMap(v any) (map[string]string, error) {
	a, ok := v.([]any)
	if !ok || len(a)%2 != 0 {
		return nil, fmt.Errorf("unexpected script reply %T", v)
	}
	m := make(map[string]string, len(a)/2)
	for i := 0; i < len(a); i += 2 {
		k, _ := a[i].(string)
		val, _ := a[i+1].(string)
		m[k] = val
	}
	return m, nil
}

// idGen makes update ids that sort by time: 12 hex digits of the
// update's unix ms, 4 of a per-Store counter (so one process's updates
// in the same millisecond keep their order), then 8 random ones (so
// replicas never collide). The id is made before the write, so the
// script can declare the update's key in KEYS.
type idGen struct{ n atomic.Uint32 }

func (g *idGen) next(t time.Time) string {
	var b [12]byte // 6 bytes of ms, 2 of counter, 4 random: 24 hex digits
	binary.BigEndian.PutUint64(b[:8], uint64(t.UnixMilli())<<16|uint64(g.n.Add(1)&0xffff))
	_, _ = rand.Read(b[8:])
	return hex.EncodeToString(b[:])
}
