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

// A target's hash stays a listpack, Redis's compact encoding, only while
// every value fits hash-max-listpack-value (64 bytes by default); one
// longer value, such as a title, turns the whole hash into a hashtable
// of about twice the size. So a longer value is kept in 64-byte pieces:
// the field holds the first, and "<field>:2", "<field>:3"… the rest
// (luaText writes them so too, and readText joins them). Empty values
// are not stored: a missing field reads as "".
const textPiece = 64

// appendText appends field's value to pairs, in pieces.
func appendText(pairs []any, field, v string) []any {
	if v == "" {
		return pairs
	}
	pairs = append(pairs, field, v[:min(len(v), textPiece)])
	for i, n := textPiece, 2; i < len(v); i, n = i+textPiece, n+1 {
		pairs = append(pairs, field+":"+strconv.Itoa(n), v[i:min(len(v), i+textPiece)])
	}
	return pairs
}

// readText joins field's pieces.
func readText(m map[string]string, field string) string {
	v, ok := m[field]
	if !ok {
		return ""
	}
	for n := 2; ; n++ {
		piece, ok := m[field+":"+strconv.Itoa(n)]
		if !ok {
			return v
		}
		v += piece
	}
}

// targetFields lists a whole target as field/value pairs for HSET,
// leaving out empty values and putting long ones in pieces.
func targetFields(t framework.Target) []any {
	activity := t.UpdatedAt
	if activity.IsZero() {
		activity = t.CreatedAt
	}
	var fields []any
	for _, f := range [...][2]string{
		{"framework", t.Framework},
		{"objective", t.Objective},
		{"code", t.Code},
		{"title", t.Title},
		{"custom", fmtBool(t.Custom)},
		{"owner", t.Owner},
		{"due", string(t.Due)},
		{"status", string(t.Status)},
		{"progress", strconv.Itoa(t.Progress)},
		{"rating", string(t.Rating)},
		{"snoozed_until", string(t.SnoozedUntil)},
		{"snooze_reason", t.SnoozeReason},
		{"reminders", strconv.Itoa(t.Reminders)},
		{"last_update", t.LastUpdate},
		{"updated_at", fmtTime(t.UpdatedAt)},
		{"created_at", fmtTime(t.CreatedAt)},
		{"archived", fmtBool(t.Archived)},
		{fieldActivity, strconv.FormatInt(activity.UnixMilli(), 10)},
	} {
		fields = appendText(fields, f[0], f[1])
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
		Title:        readText(m, "title"),
		Custom:       m["custom"] == "1",
		Owner:        m["owner"],
		Due:          framework.Date(m["due"]),
		Status:       framework.Status(m["status"]),
		Progress:     atoi(m["progress"]),
		Rating:       framework.Rating(m["rating"]),
		Grades:       decodeGrades(m),
		Archived:     m["archived"] == "1",
		SnoozedUntil: framework.Date(m["snoozed_until"]),
		SnoozeReason: readText(m, "snooze_reason"),
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

// An update is one string in its target's history list,
// "<prefix>:{ws}:t:<ref>:ups", which is kept newest first, in the order
// the updates were made (each update's previous values are the one
// before it's). Its fields are split by the unit separator, 0x1f, in
// this order:
//
//	time, latest, withdrawn at, time's offset, withdrawn at's offset, id,
//	author, progress, status, previous progress, previous status, note
//
// Times are unix nanoseconds written in 19 digits, so that a script
// compares them as strings, with the zone's offset in seconds beside
// them ("" for UTC), so that a time reads back as it was written, offset
// and all; "withdrawn at" is "" for an update that stands. "latest" is
// the latest time of this update and every one made before it, when
// that is not its own time ("" when it is, as it is unless updates were
// made out of time order): a scan from the head that wants updates
// after some time can stop at the first record whose latest is not
// after it, exactly. Statuses are one letter (statusCodes). The note is
// last, so it may hold anything. Ids never hold the separator
// (store.Snapshot.Check and idGen allow no control characters), and
// neither may an author.
//
// One string per update, in a list, is what keeps an update small: a
// hash per update, with its key and its entries in two indexes, cost
// about 515 bytes; this costs the record itself (docs/PERFORMANCE.md).
const (
	recSep    = "\x1f"
	recFields = 12
	// Field positions, from 0.
	recTime, recLatest, recWithdrawnAt, recOffset, recWithdrawnOffset, recID   = 0, 1, 2, 3, 4, 5
	recAuthor, recProgress, recStatus, recPrevProgress, recPrevStatus, recNote = 6, 7, 8, 9, 10, 11
)

// statusCodes are the letters records keep statuses as; luaRecords has
// the same table.
var statusCodes = map[framework.Status]string{
	framework.NotStarted: "n", framework.OnTrack: "o", framework.AtRisk: "a", framework.OffTrack: "f", framework.Done: "d",
}

func statusCode(s framework.Status) string {
	if c, ok := statusCodes[s]; ok {
		return c
	}
	return string(s)
}

func statusOf(code string) framework.Status {
	for s, c := range statusCodes {
		if c == code {
			return s
		}
	}
	return framework.Status(code)
}

// minRecTime and maxRecTime bound the times a record can hold: unix
// nanoseconds from 1970 to 2262 fit in 19 digits.
var (
	minRecTime = time.Unix(0, 0)
	maxRecTime = time.Unix(0, 1<<63-1)
)

// errRecTime refuses a time a record cannot hold.
func errRecTime(t time.Time) error {
	return framework.Errorf(framework.EINVALID, "redisstore: update time %s is outside 1970 to 2262, which the store can keep", t.Format(time.RFC3339))
}

func recTimeOK(t time.Time) bool { return !t.Before(minRecTime) && !t.After(maxRecTime) }

// fmtNanos writes t as 19 digits of unix nanoseconds; recTimeOK(t) must hold.
func fmtNanos(t time.Time) string {
	var b [19]byte
	n := t.UnixNano()
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// fmtOffset is t's zone offset in seconds, "" for UTC.
func fmtOffset(t time.Time) string {
	if _, off := t.Zone(); off != 0 {
		return strconv.Itoa(off)
	}
	return ""
}

// parseRecTime reads a record's time and offset; "" is the zero time.
func parseRecTime(ns, off string) time.Time {
	if ns == "" {
		return time.Time{}
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil {
		return time.Time{}
	}
	t := time.Unix(0, n)
	if off == "" {
		return t.UTC()
	}
	o, _ := strconv.Atoi(off)
	return t.In(time.FixedZone("", o))
}

// encodeUpdate writes u as a record. latest is the latest time of the
// updates made before it, "" if none.
func encodeUpdate(u *framework.Update, latest string) string {
	var wd, wdOff string
	if u.Withdrawn {
		wd, wdOff = fmtNanos(u.WithdrawnAt), fmtOffset(u.WithdrawnAt)
	}
	ts := fmtNanos(u.Time)
	if len(latest) != len(ts) || latest <= ts || strings.Trim(latest, "0123456789") != "" {
		latest = "" // the record's own time is the latest
	}
	return strings.Join([]string{
		ts, latest, wd, fmtOffset(u.Time), wdOff, u.ID, u.Author,
		strconv.Itoa(u.Progress), statusCode(u.Status), strconv.Itoa(u.PrevProgress), statusCode(u.PrevStatus), u.Note,
	}, recSep)
}

// decodeUpdate reads a record of ref's history.
func decodeUpdate(ref, rec string) (framework.Update, error) {
	f := strings.SplitN(rec, recSep, recFields)
	if len(f) != recFields || len(f[recTime]) != 19 {
		return framework.Update{}, fmt.Errorf("redisstore: malformed update record %.60q", rec)
	}
	return framework.Update{
		ID:           f[recID],
		Target:       ref,
		Author:       f[recAuthor],
		Time:         parseRecTime(f[recTime], f[recOffset]),
		Progress:     atoi(f[recProgress]),
		Status:       statusOf(f[recStatus]),
		Note:         f[recNote],
		PrevProgress: atoi(f[recPrevProgress]),
		PrevStatus:   statusOf(f[recPrevStatus]),
		Withdrawn:    f[recWithdrawnAt] != "",
		WithdrawnAt:  parseRecTime(f[recWithdrawnAt], f[recWithdrawnOffset]),
	}, nil
}

// decodeUpdates reads records of ref's history.
func decodeUpdates(ref string, recs []string) ([]framework.Update, error) {
	out := make([]framework.Update, 0, len(recs))
	for _, r := range recs {
		u, err := decodeUpdate(ref, r)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
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
