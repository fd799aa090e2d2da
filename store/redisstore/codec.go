package redisstore

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

// Targets and updates are packed records (encodeTarget, encodeUpdate);
// events, settings and subscriptions are Redis hashes, one field per
// attribute. Times are RFC 3339 with nanoseconds (or, in update records,
// nanoseconds and an offset), so they round-trip exactly; sorted indexes
// carry unix milliseconds beside them.

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

// A workspace's targets are one hash, "<prefix>:{ws}:tg": each target is
// one field, its ref, whose value is the target packed in one string,
// its fields split by the unit separator (recSep) in the order of
// targetFields (the framework and code are the ref's). A key per target,
// even a compact hash, cost about 400 bytes with its entry in a set of
// refs; an entry in one hash costs its strings and about 50 bytes more
// (docs/PERFORMANCE.md). The scripts read and write the same packing
// (luaTarget). Times are stamps (fmtStamp), so they read back exactly; statuses are one letter (statusCodes);
// grades of closed cycles are "<cycle>=<grade>" joined by ";". Text
// values never hold the separator (storeText refuses it).
var targetFields = []string{
	"objective", "title", "custom", "owner", "due", "status", "progress", "rating", "snoozed_until",
	"snooze_reason", "reminders", "last_update", "updated_at", "created_at", "archived", fieldActivity, "grades",
}

// maxTargetFields bounds targetFields, for decodeTarget's array.
const maxTargetFields = 24

// encodeTarget packs t.
func encodeTarget(t *framework.Target) string {
	var grades []string
	for cycle, r := range t.Grades {
		if r != framework.Unrated {
			grades = append(grades, cycle+"="+string(r))
		}
	}
	slices.Sort(grades)
	return strings.Join([]string{
		t.Objective, t.Title, fmtBool(t.Custom), t.Owner, string(t.Due), statusCode(t.Status), strconv.Itoa(t.Progress),
		string(t.Rating), string(t.SnoozedUntil), t.SnoozeReason, strconv.Itoa(t.Reminders), t.LastUpdate,
		fmtStamp(t.UpdatedAt), fmtStamp(t.CreatedAt), fmtBool(t.Archived), strconv.FormatInt(activity(t).UnixMilli(), 10),
		strings.Join(grades, ";"),
	}, recSep)
}

// decodeTarget unpacks the target ref.
func decodeTarget(ref, packed string) (framework.Target, error) {
	// Split into an array, not a new slice: every command decodes the
	// target its write returns.
	var fields [maxTargetFields]string
	f := fields[:0]
	for rest := packed; ; {
		v, after, found := strings.Cut(rest, recSep)
		if !found || len(f) == len(targetFields)-1 {
			f = append(f, rest)
			break
		}
		f = append(f, v)
		rest = after
	}
	if len(f) != len(targetFields) {
		return framework.Target{}, fmt.Errorf("redisstore: malformed target %s: %d fields", ref, len(f))
	}
	fw, code := framework.SplitRef(ref)
	t := framework.Target{
		Framework:    fw,
		Objective:    f[0],
		Code:         code,
		Title:        f[1],
		Custom:       f[2] == "1",
		Owner:        f[3],
		Due:          framework.Date(f[4]),
		Status:       statusOf(f[5]),
		Progress:     atoi(f[6]),
		Rating:       framework.Rating(f[7]),
		SnoozedUntil: framework.Date(f[8]),
		SnoozeReason: f[9],
		Reminders:    atoi(f[10]),
		LastUpdate:   f[11],
		UpdatedAt:    parseStamp(f[12]),
		CreatedAt:    parseStamp(f[13]),
		Archived:     f[14] == "1",
	}
	if f[16] != "" {
		t.Grades = map[string]framework.Rating{}
		for _, g := range strings.Split(f[16], ";") {
			if cycle, r, ok := strings.Cut(g, "="); ok && r != "" {
				t.Grades[cycle] = framework.Rating(r)
			}
		}
	}
	return t, nil
}

// storeText refuses a text value a packed target cannot hold: one with
// the separator in it. Commands take control characters out of what
// users type, so only a hand-made snapshot or caller can meet it.
func storeText(ts ...string) error {
	for _, t := range ts {
		if strings.Contains(t, recSep) {
			return framework.Errorf(framework.EINVALID, "redisstore: %.40q holds a control character, which the store cannot keep", t)
		}
	}
	return nil
}

// activity is when the target last saw activity, as the stale index has it.
func activity(t *framework.Target) time.Time {
	if !t.UpdatedAt.IsZero() {
		return t.UpdatedAt
	}
	return t.CreatedAt
}

// An update is one string in its target's history, the newest inline
// and the rest in its list, "<prefix>:{ws}:t:<ref>:ups" (history.go),
// kept newest first, in the order the updates were made (each update's previous values are the one
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
// (store.Snapshot.Check, which store.Checked and the upgrade run before
// a restore, and idGen allow no control characters), and
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

// statusCodes are the letters records keep statuses as; luaRecords is
// made from the same table, and statusByCode is its inverse.
var (
	statusCodes = map[framework.Status]string{
		framework.NotStarted: "n", framework.OnTrack: "o", framework.AtRisk: "a", framework.OffTrack: "f", framework.Done: "d",
	}
	statusByCode = func() map[string]framework.Status {
		m := make(map[string]framework.Status, len(statusCodes))
		for s, c := range statusCodes {
			m[c] = s
		}
		return m
	}()
)

// statusCode is s's letter; a status with none is kept as it is.
func statusCode(s framework.Status) string {
	if c, ok := statusCodes[s]; ok {
		return c
	}
	return string(s)
}

// statusOf reads statusCode's letter back.
func statusOf(code string) framework.Status {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return framework.Status(code)
}

// minRecTime and maxRecTime bound the times a record can hold: unix
// nanoseconds from 1970 to 2262 fit in 19 digits. They are the limits
// store.Snapshot.Check holds every snapshot to.
var (
	minRecTime = store.EarliestTime
	maxRecTime = store.LatestTime
)

// errRecTime refuses a time a record cannot hold.
func errRecTime(t time.Time) error {
	return framework.Errorf(framework.EINVALID, "redisstore: update time %s is outside 1970 to 2262, which the store can keep", t.Format(time.RFC3339))
}

func recTimeOK(t time.Time) bool { return !t.Before(minRecTime) && !t.After(maxRecTime) }

// fmtStamp writes a target's time as 19 digits of unix nanoseconds and,
// unless it is UTC, its zone's offset in seconds with its sign: 11 to 16
// bytes fewer than RFC 3339, twice a target, and the form an update
// record's time has, which the newest inline record leaves to its
// target's updated_at (history.go). A time a record cannot hold is
// written in RFC 3339, as every target's times were before; parseStamp
// reads both.
func fmtStamp(t time.Time) string {
	if t.IsZero() || !recTimeOK(t) {
		return fmtTime(t)
	}
	_, off := t.Zone()
	switch {
	case off > 0:
		return fmtNanos(t) + "+" + strconv.Itoa(off)
	case off < 0:
		return fmtNanos(t) + strconv.Itoa(off)
	}
	return fmtNanos(t)
}

// appendStamp appends fmtStamp(t) to dst, for a t that recTimeOK takes.
func appendStamp(dst []byte, t time.Time) []byte {
	dst = appendNanos(dst, t)
	if _, off := t.Zone(); off > 0 {
		dst = append(dst, '+')
	}
	return appendOffset(dst, t)
}

// parseStamp reads fmtStamp's time; "" is the zero time. An RFC 3339
// time has '-' where a stamp has its fifth digit.
func parseStamp(s string) time.Time {
	if len(s) < 19 || s[4] == '-' {
		return parseTime(s)
	}
	return parseRecTime(s[:19], strings.TrimPrefix(s[19:], "+"))
}

// fmtNanos writes t as 19 digits of unix nanoseconds; recTimeOK(t) must hold.
func fmtNanos(t time.Time) string {
	var b [19]byte
	return string(appendNanos(b[:0], t))
}

// appendNanos appends fmtNanos(t) to dst.
func appendNanos(dst []byte, t time.Time) []byte {
	var b [19]byte
	n := t.UnixNano()
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, b[:]...)
}

// fmtOffset is t's zone offset in seconds, "" for UTC.
func fmtOffset(t time.Time) string {
	if _, off := t.Zone(); off != 0 {
		return strconv.Itoa(off)
	}
	return ""
}

// appendOffset appends fmtOffset(t) to dst.
func appendOffset(dst []byte, t time.Time) []byte {
	if _, off := t.Zone(); off != 0 {
		return strconv.AppendInt(dst, int64(off), 10)
	}
	return dst
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

// withdrawnUntimed is the withdrawn field of an update withdrawn at no
// time this store wrote (a restored one can be).
const withdrawnUntimed = "0"

// encodeUpdate writes u as a record. latest is the latest time of the
// updates made before it, "" if none.
func encodeUpdate(u *framework.Update, latest string) string {
	var wd, wdOff string
	switch {
	case u.Withdrawn && u.WithdrawnAt.IsZero():
		wd = withdrawnUntimed
	case u.Withdrawn:
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
		WithdrawnAt:  parseRecTime(strings.TrimPrefix(f[recWithdrawnAt], withdrawnUntimed), f[recWithdrawnOffset]),
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
	for _, kv := range [][2]string{{"from", e.From}, {"to", e.To}, {"reason", e.Reason}, {"cycle", e.Cycle}, {"url", e.URL}, {"title", e.Title}, {"user", e.User}} {
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
		User:   m["user"],
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
// replicas never collide). The id is made before the write, so that a
// resent script call can tell its own update (and claim) is there.
type idGen struct{ n atomic.Uint32 }

func (g *idGen) next(t time.Time) string {
	var b [24]byte
	return string(g.appendNext(b[:0], t))
}

// appendNext appends the next id to dst.
func (g *idGen) appendNext(dst []byte, t time.Time) []byte {
	var b [12]byte // 6 bytes of ms, 2 of counter, 4 random: 24 hex digits
	binary.BigEndian.PutUint64(b[:8], uint64(t.UnixMilli())<<16|uint64(g.n.Add(1)&0xffff))
	_, _ = rand.Read(b[8:])
	return hex.AppendEncode(dst, b[:])
}
