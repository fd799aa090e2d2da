// Package dump writes, reads and moves targetbot's data as JSON Lines:
// the format behind `targetbot dump`, `restore` and `migrate`.
//
// # The format, version 1
//
// A dump is UTF-8 text, one JSON object per line, each line ending in
// "\n". The first line is the header:
//
//	{"targetbot_dump":1,"created":"2026-11-23T08:00:00Z","by":"targetbot v1.4.0","workspaces":["local","slack:T0123"]}
//
// targetbot_dump is the format's version; created is when the dump was
// taken; by is the program that took it; workspaces lists, in order,
// every workspace the dump holds. Then, for each workspace in turn, its
// records: first its workspace record, then its targets, its updates in
// the order they were logged, its events in the order they were
// recorded, its subscriptions, its adapter state, its entries by kind
// then key, and its workspace events in the order they were recorded.
// The last line is the end line,
// which counts the records between it and the header:
//
//	{"type":"end","records":1234}
//
// A dump that lacks its end line, or whose last line does not end in
// "\n", was cut short, and is refused.
//
// Every record line has a type and the id of its workspace:
//
//	{"type":"workspace","workspace":"local","timezone":"Europe/London","reminder_spec":"0 8 * * MON-FRI",
//	  "frameworks":["eds","eds-2022"],"cycle":"2027/28","cycle_started":"…",
//	  "past_cycles":[{"name":"2026/27","started":"…","closed":"…"}]}
//	{"type":"target","workspace":"local","framework":"eds","objective":"1","code":"1.1","title":"…",
//	  "custom":true,"owner":"U1","due":"2026-12-31","status":"on-track","progress":40,
//	  "rating":"achieving","grades":{"2026/27":"developing"},"archived":true,
//	  "snoozed_until":"2026-12-01","snooze_reason":"…","reminders":2,"last_update":"17",
//	  "updated_at":"…","created_at":"…"}
//	{"type":"update","workspace":"local","id":"17","target":"eds/1.1","author":"U1","time":"…",
//	  "progress":40,"status":"on-track","note":"…","prev_progress":20,"prev_status":"not-started",
//	  "withdrawn":true,"withdrawn_at":"…"}
//	{"type":"event","workspace":"local","id":"9","target":"eds/1.1","kind":"rate","author":"U1","time":"…",
//	  "from":"developing","to":"achieving","reason":"…","cycle":"2027/28","url":"…","title":"…"}
//	{"type":"subscription","workspace":"local","channel":"C1","spec":"0 9 * * MON",
//	  "created_by":"U1","created_at":"…","last_digest":"…"}
//	{"type":"adapter_state","workspace":"teams:72f9…","key":"teams:serviceurl","value":"https://smba.trafficmanager.net/uk/"}
//	{"type":"entry","workspace":"local","kind":"admin","key":"u1","value":"{\"user\":\"u1\",\"by\":\"u0\",\"at\":\"…\"}"}
//	{"type":"workspace_event","workspace":"local","id":"10","target":"","kind":"admin-add","author":"u0","time":"…","user":"u1"}
//
// A field that is empty, false or zero may be left out, except progress
// and status. Times are RFC 3339 with nanoseconds, in the offset they
// were stored with, so a round trip keeps them exactly. Grades of closed
// cycles are a target's grades, by cycle name; its rating is the grade
// in the current cycle. Evidence is the events of kind evidence; undo's
// history is the updates, withdrawn ones included, with the progress and
// status before each (prev_progress, prev_status). Update and event ids
// are kept as the store that made them wrote them: a sequence number
// from bbolt, 24 hex digits from Redis. Claims (the scheduler's record of
// which periods have run) are not part of a dump. Adapter state (what a
// chat adapter remembers about a workspace, such as the Teams service
// URL, by key) is: a dump is a file anyone may edit, so adapters trust
// none of it further than they would trust anyone. The Teams adapter
// sends its bearer token to a service URL from the store only when its
// host is a Bot Framework host.
//
// A reader refuses what it does not know, so a dump never loses data
// silently: another version, a field or record type it does not know, a
// record of a workspace the header does not list, or out of its
// workspace's place, a line that is not one JSON object, and anything a
// store could not keep exactly (store.Snapshot.Check), such as an update
// of a target the dump does not hold. Each error names its line. A new
// field makes a new version. A new record type that older dumps simply
// lack need not (adapter_state came so): an older reader refuses it by
// name, so nothing is lost silently, and every older dump still reads.
// entry and workspace_event came the same way. An entry is one of a
// workspace's keyed records (store.Entries): its kind, its key and its
// value, which the stores keep as it is (JSON, for the kinds targetbot
// has: admin entries are framework.Admin, person entries
// framework.Person, each keyed by user id, and checked as such). A
// workspace event is an event line with no target: an admin granted or
// removed, a name set, with the user it is about.
package dump
