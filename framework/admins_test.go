package framework

import (
	"errors"
	"testing"
	"time"
)

func TestAdminRules(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	amy := Admin{User: "amy", By: "bob", At: at}
	bob := Admin{User: "bob", Installed: true}
	for _, tt := range []struct {
		name    string
		op      func() (Admin, Event, error)
		want    Admin
		event   Event
		wantErr error
		subject string
	}{
		{"grant a new admin", func() (Admin, Event, error) { return Grant([]Admin{bob}, "amy", "bob", at) },
			amy, Event{Kind: EventAdminAdd, Author: "bob", Time: at, User: "amy"}, nil, ""},
		{"grant to the first admin by hand", func() (Admin, Event, error) { return Grant(nil, "amy", "bob", at) },
			amy, Event{Kind: EventAdminAdd, Author: "bob", Time: at, User: "amy"}, nil, ""},
		{"grant again, in another case", func() (Admin, Event, error) { return Grant([]Admin{amy, bob}, "AMY", "bob", at) },
			amy, Event{}, ErrNoChange, "amy"},
		{"remove one of two", func() (Admin, Event, error) { return Revoke([]Admin{amy, bob}, "Amy", "bob", at) },
			amy, Event{Kind: EventAdminRemove, Author: "bob", Time: at, User: "amy"}, nil, ""},
		{"remove yourself, one of two", func() (Admin, Event, error) { return Revoke([]Admin{amy, bob}, "bob", "bob", at) },
			bob, Event{Kind: EventAdminRemove, Author: "bob", Time: at, User: "bob"}, nil, ""},
		{"remove the last", func() (Admin, Event, error) { return Revoke([]Admin{amy}, "amy", "bob", at) },
			amy, Event{}, ErrLastAdmin, "amy"},
		{"remove one never granted", func() (Admin, Event, error) { return Revoke([]Admin{amy, bob}, "cat", "bob", at) },
			Admin{}, Event{}, ErrNotGranted, "cat"},
		{"remove from none", func() (Admin, Event, error) { return Revoke(nil, "cat", "bob", at) },
			Admin{}, Event{}, ErrNotGranted, "cat"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, e, err := tt.op()
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) || ErrorSubject(err) != tt.subject {
				t.Fatalf("err = %v (subject %q), want %v about %q", err, ErrorSubject(err), tt.wantErr, tt.subject)
			}
			if a != tt.want || e != tt.event {
				t.Errorf("= %+v, %+v; want %+v, %+v", a, e, tt.want, tt.event)
			}
		})
	}
}

func TestInstalled(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a, e, ok := Installed(nil, "amy", at)
	if !ok || a != (Admin{User: "amy", By: "amy", At: at, Installed: true}) || e.Kind != EventAdminAdd || e.User != "amy" || e.Reason != ReasonInstalled {
		t.Errorf("Installed(none) = %+v %+v %v", a, e, ok)
	}
	if _, _, ok := Installed([]Admin{{User: "bob"}}, "amy", at); ok {
		t.Error("Installed granted a second installer")
	}
}

func TestPeopleRules(t *testing.T) {
	auto := Person{User: "U1", Name: "Amy"}
	manual := Person{User: "U1", Name: "Amy Khan", Role: "EDI lead", Manual: true}
	for _, tt := range []struct {
		name    string
		cur     Person
		known   bool
		seen    string
		want    Person
		changed bool
	}{
		{"first sight", Person{}, false, "Amy", auto, true},
		{"same name again", auto, true, "Amy", auto, false},
		{"renamed on the platform", auto, true, "Amy K", Person{User: "U1", Name: "Amy K"}, true},
		{"a name set by hand stays", manual, true, "Amy K", manual, false},
		{"blank says nothing", auto, true, "  ", auto, false},
		{"a line break is not a name", Person{}, false, "Amy\nKhan", Person{}, false},
		{"the id is not a name", Person{}, false, "u1", Person{}, false},
	} {
		got, changed := Seen(tt.cur, tt.known, "U1", tt.seen)
		if got != tt.want || changed != tt.changed {
			t.Errorf("%s: Seen = %+v %v, want %+v %v", tt.name, got, changed, tt.want, tt.changed)
		}
	}
	for _, tt := range []struct {
		name, setName, role string
		cur                 Person
		want                Person
		changed, fails      bool
	}{
		{"name and role", "Amy Khan", "EDI lead", auto, manual, true, false},
		{"the same again", "Amy Khan", "EDI lead", manual, manual, false, false},
		{"the role cleared", "Amy Khan", "", manual, Person{User: "U1", Name: "Amy Khan", Manual: true}, true, false},
		{"empty name", " ", "EDI lead", auto, auto, false, true},
		{"over-long role", "Amy", string(make([]byte, MaxPersonName+1)), auto, auto, false, true},
	} {
		got, changed, err := Named(tt.cur, "U1", tt.setName, tt.role)
		if (err != nil) != tt.fails || got != tt.want || changed != tt.changed {
			t.Errorf("%s: Named = %+v %v %v, want %+v %v (fails %v)", tt.name, got, changed, err, tt.want, tt.changed, tt.fails)
		}
	}
	p := PeopleOf(map[string]string{"UAMY": manual.Encode(), "bob": "not json", "cat": `{"name":"Cat"}`})
	if got := p.Label("uamy"); got != "Amy Khan, EDI lead" {
		t.Errorf("Label(uamy) = %q", got)
	}
	if _, ok := p.Of("bob"); ok {
		t.Error("an undecodable entry was kept")
	}
	if c, ok := p.Of("CAT"); !ok || c.User != "cat" {
		t.Errorf("Of(CAT) = %+v %v", c, ok)
	}
}
