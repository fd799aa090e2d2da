package store

import (
	"encoding/json"
	"fmt"

	"github.com/targetbot/targetbot/framework"
)

// The publication's record is kept as entries of two kinds: the
// organisation's profile (one entry, key OrgKey) and each grading
// cycle's own record (keyed by the cycle's name). Values are JSON of
// framework.Organisation and framework.CycleRecord.
const (
	EntryOrg   EntryKind = "org"
	EntryCycle EntryKind = "cycle"
	// OrgKey is the key of the organisation's one profile entry.
	OrgKey = "profile"
)

// DecodeOrganisation reads a profile entry's value; "" is an empty
// profile.
func DecodeOrganisation(v string) (framework.Organisation, error) {
	var o framework.Organisation
	if v == "" {
		return o, nil
	}
	if err := json.Unmarshal([]byte(v), &o); err != nil {
		return o, fmt.Errorf("store: decode organisation profile: %w", err)
	}
	return o, nil
}

// DecodeCycleRecord reads a cycle record entry's value; "" is an empty
// record of the cycle named.
func DecodeCycleRecord(cycle, v string) (framework.CycleRecord, error) {
	r := framework.CycleRecord{Cycle: cycle}
	if v != "" {
		if err := json.Unmarshal([]byte(v), &r); err != nil {
			return r, fmt.Errorf("store: decode record of cycle %s: %w", cycle, err)
		}
	}
	if r.Engagements == nil {
		r.Engagements = []framework.Engagement{}
	}
	if r.Stakeholders == nil {
		r.Stakeholders = []framework.Stakeholder{}
	}
	return r, nil
}

// DecodePeople reads the person entries, by user id.
func DecodePeople(entries map[string]string) (map[string]framework.Person, error) {
	out := make(map[string]framework.Person, len(entries))
	for k, v := range entries {
		var p framework.Person
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return nil, fmt.Errorf("store: decode person %s: %w", k, err)
		}
		out[k] = p
	}
	return out, nil
}

// Encode is v as an entry's value.
func Encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("store: encode entry: %w", err)
	}
	return string(b), nil
}
