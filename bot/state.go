package bot

import "context"

// StateStore keeps the small strings an adapter must remember about a
// workspace across restarts and replicas (Teams' service URL, later
// display names and memberships), under keys the adapter namespaces
// with its name ("teams:serviceurl"). store.Store satisfies it, through
// its AdapterState role, so cmd passes the store and adapters import
// neither store nor framework.
//
// What it returns may have come from a dump, which anyone may edit: an
// adapter trusts a value no further than it would trust anyone.
type StateStore interface {
	// AdapterState returns the value kept under key in the workspace
	// ws, or "" and no error when there is none.
	AdapterState(ctx context.Context, ws, key string) (string, error)
	// PutAdapterState keeps value under key in the workspace ws; value
	// "" removes it.
	PutAdapterState(ctx context.Context, ws, key, value string) error
}
