package discord

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const memberPath = "/guilds/81234/members/555000222"

// memberAPI is a fake Discord that answers the member look-up with
// status (200 with the member, 404 Unknown Member, or a failure) and
// everything else with 200. It counts the look-ups.
type memberAPI struct {
	*fakeDiscord
	mu      sync.Mutex
	status  int
	lookups int
}

func newMemberAPI(t *testing.T, status int) *memberAPI {
	m := &memberAPI{status: status}
	m.fakeDiscord = newFakeDiscord(t, func(w http.ResponseWriter, r recorded, n int) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/guilds/") {
			_, _ = w.Write([]byte(`{"id":"1"}`))
			return
		}
		m.mu.Lock()
		m.lookups++
		status := m.status
		m.mu.Unlock()
		if r.Path != memberPath || r.Header.Get("Authorization") != "Bot test-token" {
			status = http.StatusNotFound
		}
		w.WriteHeader(status)
		switch status {
		case http.StatusOK:
			_, _ = w.Write([]byte(`{"user":{"id":"555000222","username":"sam.k"},"roles":[],"joined_at":"2024-03-01T09:00:00.000000+00:00","deaf":false,"mute":false,"flags":0}`))
		case http.StatusNotFound:
			_, _ = w.Write([]byte(`{"message":"Unknown Member","code":10007}`))
		default:
			_, _ = w.Write([]byte(`{"message":"Internal Server Error","code":0}`))
		}
	})
	return m
}

func (m *memberAPI) set(status int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.status = status
}

func (m *memberAPI) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lookups
}

// A reminder DM's buttons and form act only for someone still in the
// server they belong to; someone who has left is told why nothing
// happens.
func TestDMButtonsFromFormerMembersAreRefused(t *testing.T) {
	modal := fixture(t, "modal_submit.json")
	for name, body := range map[string][]byte{
		"button": dmButton(t, "1200000000000000020", "cmd@81234:snooze eds/1.1 7d"),
		"form":   modal,
	} {
		t.Run(name, func(t *testing.T) {
			api := newMemberAPI(t, http.StatusNotFound)
			fh := &fakeHandler{}
			a := newAdapter(t, fh, api.fakeDiscord, nil)
			resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
			if resp.Type != 4 || resp.Data.Flags != 64 || resp.Data.Content != notMemberText {
				t.Errorf("answered %+v, want an ephemeral %q", resp, notMemberText)
			}
			if n := len(fh.requests()); n != 0 || api.count() != 1 {
				t.Fatalf("handler ran %d times after %d look-ups", n, api.count())
			}
		})
	}

	t.Run("opening the form", func(t *testing.T) {
		api := newMemberAPI(t, http.StatusNotFound)
		a := newAdapter(t, &fakeHandler{}, api.fakeDiscord, nil)
		body := dmButton(t, "1200000000000000021", "form@81234:update eds/1.1")
		resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
		if resp.Type != 4 || resp.Data.Content != notMemberText {
			t.Errorf("answered %+v, want %q instead of the form", resp, notMemberText)
		}
	})
}

// A member's DM buttons work. Discord is asked once per member in
// MemberCacheTTL, and again after it, so someone who leaves is refused
// within that time.
func TestDMButtonsFromMembersRunAndTheAnswerIsCached(t *testing.T) {
	api := newMemberAPI(t, http.StatusOK)
	fh := &fakeHandler{}
	var mu sync.Mutex
	now := testNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	a := newAdapter(t, fh, api.fakeDiscord, func(o *Options) { o.Now = clock })
	press := func(id string) interactionResponse {
		body := dmButton(t, id, "cmd@81234:snooze eds/1.1 7d")
		return decodeResponse(t, post(t, a, body, signed(t, clock(), body)))
	}
	for _, id := range []string{"1200000000000000030", "1200000000000000031"} {
		if resp := press(id); resp.Data.Content != `ok: snooze eds/1.1 7d` {
			t.Fatalf("a member's press answered %+v", resp)
		}
	}
	body := dmButton(t, "1200000000000000032", "form@81234:update eds/1.1")
	if resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body))); resp.Type != 9 {
		t.Errorf("a member's form button answered %+v, want the form", resp)
	}
	modal := fixture(t, "modal_submit.json")
	decodeResponse(t, post(t, a, modal, signed(t, testNow, modal)))
	if n, looked := len(fh.requests()), api.count(); n != 3 || looked != 1 {
		t.Fatalf("handler ran %d times after %d look-ups, want 3 after 1", n, looked)
	}

	// They leave; once the cached answer is old, their buttons stop.
	api.set(http.StatusNotFound)
	mu.Lock()
	now = now.Add(5*time.Minute + time.Second)
	mu.Unlock()
	if resp := press("1200000000000000033"); resp.Data.Content != notMemberText {
		t.Errorf("after leaving: %+v", resp)
	}
	if n := len(fh.requests()); n != 3 || api.count() != 2 {
		t.Errorf("handler ran %d times after %d look-ups, want 3 after 2", n, api.count())
	}
}

// When Discord cannot say, the button is refused with "try again", and
// the failure is not remembered: the next press asks again. A form still
// opens, since its submission is checked.
func TestDMButtonWhenMembershipIsUnknown(t *testing.T) {
	api := newMemberAPI(t, http.StatusInternalServerError)
	fh := &fakeHandler{}
	a := newAdapter(t, fh, api.fakeDiscord, nil)
	body := dmButton(t, "1200000000000000040", "cmd@81234:snooze eds/1.1 7d")
	resp := decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if resp.Type != 4 || resp.Data.Flags != 64 || resp.Data.Content != memberUnknownText {
		t.Errorf("answered %+v, want an ephemeral %q", resp, memberUnknownText)
	}
	form := dmButton(t, "1200000000000000041", "form@81234:update eds/1.1")
	if resp := decodeResponse(t, post(t, a, form, signed(t, testNow, form))); resp.Type != 9 {
		t.Errorf("form button answered %+v, want the form", resp)
	}
	api.set(http.StatusOK)
	body = dmButton(t, "1200000000000000042", "cmd@81234:snooze eds/1.1 7d")
	decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if n := len(fh.requests()); n != 1 {
		t.Fatalf("handler ran %d times, want 1 (the press after Discord recovered)", n)
	}
}

// Buttons in a server channel need no look-up: Discord sends them only
// from members, with the member attached.
func TestServerButtonsAskNothing(t *testing.T) {
	api := newMemberAPI(t, http.StatusNotFound)
	fh := &fakeHandler{}
	a := newAdapter(t, fh, api.fakeDiscord, nil)
	body := fixture(t, "component.json")
	decodeResponse(t, post(t, a, body, signed(t, testNow, body)))
	if n := len(fh.requests()); n != 1 || api.count() != 0 {
		t.Fatalf("handler ran %d times after %d look-ups, want 1 after none", n, api.count())
	}
}

// Issue 27 item 7: a "yes" is trusted briefly, so a member who leaves
// has their DM buttons refused within seconds, not minutes; a "no" is
// trusted long, so a former member's clicks cost no look-ups.
func TestDMButtonsStopSoonAfterAMemberLeaves(t *testing.T) {
	api := newMemberAPI(t, http.StatusOK)
	fh := &fakeHandler{}
	var mu sync.Mutex
	now := testNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	a := newAdapter(t, fh, api.fakeDiscord, func(o *Options) { o.Now = clock })
	press := func(id string) interactionResponse {
		body := dmButton(t, id, "cmd@81234:snooze eds/1.1 7d")
		return decodeResponse(t, post(t, a, body, signed(t, clock(), body)))
	}
	if resp := press("1200000000000000050"); resp.Data.Content != `ok: snooze eds/1.1 7d` {
		t.Fatalf("a member's press answered %+v", resp)
	}
	api.set(http.StatusNotFound) // they leave
	advance(memberYesTTL + time.Second)
	if resp := press("1200000000000000051"); resp.Data.Content != notMemberText {
		t.Errorf("%v after leaving: %+v, want %q", memberYesTTL+time.Second, resp, notMemberText)
	}
	api.set(http.StatusOK) // they rejoin: the "no" holds for a while
	advance(time.Minute)
	if resp := press("1200000000000000052"); resp.Data.Content != notMemberText || api.count() != 2 {
		t.Errorf("a minute after a no: %+v after %d look-ups, want %q after 2", resp, api.count(), notMemberText)
	}
	if n := len(fh.requests()); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}
