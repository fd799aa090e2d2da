package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/targetbot/targetbot/framework"
)

// AdapterState keeps the small strings a chat adapter must remember
// about a workspace between processes: Teams' service URL and
// conversation references, and later display names and memberships.
// Keys are namespaced by the adapter ("teams:serviceurl",
// "teams:conv:<user>"); the store gives them no meaning. The values are
// part of the workspace: they live under its keys (its hash tag on
// Redis, its bucket in bbolt), no other workspace reads them, and
// Export, Restore, dump and migrate carry them (Snapshot.AdapterState).
//
// Adapters take this through bot.StateStore, which a Store satisfies
// without either package importing the other.
type AdapterState interface {
	// AdapterState returns the value kept under key in the workspace ws,
	// or "" and no error when there is none.
	AdapterState(ctx context.Context, ws, key string) (string, error)
	// PutAdapterState keeps value under key in the workspace ws, in one
	// atomic write, replacing what was there; value "" removes the key
	// (and creates no workspace). A workspace that keeps a value has
	// stored something: Workspaces lists it, and Restore refuses to
	// write over it without Replace. ErrTooLong (EINVALID) for a key
	// that is empty, too long or not printable, or a value too long
	// (CheckAdapterState).
	PutAdapterState(ctx context.Context, ws, key, value string) error
}

// The most an adapter-state key and value may hold, in bytes: far
// above a service URL, a conversation id or a display name, and small
// enough that a workspace's state reads in one go.
const (
	MaxAdapterStateKey   = 256
	MaxAdapterStateValue = 4096
)

// StateEntry is one adapter-state value of a workspace, as a Snapshot
// holds it.
type StateEntry struct {
	Key   string
	Value string
}

// TeamsServiceURLKey is the key the Teams adapter keeps a workspace's
// Bot Connector service URL under (bot/teams.ServiceURLKey, which a test
// in cmd/targetbot holds equal). The drivers name it only to upgrade
// what earlier releases kept outside the store: a Redis hash outside
// every workspace's hash tag, and a JSON file beside the bbolt file.
const TeamsServiceURLKey = "teams:serviceurl"

// CheckAdapterState reports why key and value cannot be kept, as
// ErrTooLong wrapping the reason, or nil. Both drivers call it before
// they write, and Snapshot.Check calls it for every entry.
func CheckAdapterState(key, value string) error {
	if err := checkStateEntry(key, value); err != nil {
		e := framework.ErrTooLong.About("")
		e.Err = err
		return e
	}
	return nil
}

func checkStateEntry(key, value string) error {
	switch {
	case key == "" || len(key) > MaxAdapterStateKey:
		return fmt.Errorf("key %q is not 1 to %d bytes", key, MaxAdapterStateKey)
	case !utf8.ValidString(key) || strings.ContainsFunc(key, notPrintable):
		return fmt.Errorf("key %q has a space or a control character", key)
	case len(value) > MaxAdapterStateValue:
		return fmt.Errorf("the value of %s is over %d bytes", key, MaxAdapterStateValue)
	case !utf8.ValidString(value):
		return fmt.Errorf("the value of %s is not UTF-8", key)
	}
	return nil
}
