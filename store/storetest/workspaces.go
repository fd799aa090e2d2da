package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/targetbot/targetbot/framework"
	"github.com/targetbot/targetbot/store"
)

func testWorkspaces(t *testing.T, s store.Store) {
	ctx := context.Background()

	t.Run("a workspace never written has only its ID", func(t *testing.T) {
		w, err := s.Workspace(ctx, "slack:T1")
		if err != nil {
			t.Fatalf("Workspace: %v", err)
		}
		if w.ID != "slack:T1" || w.Timezone != "" || w.ReminderSpec != "" || len(w.Frameworks) != 0 {
			t.Fatalf("Workspace of a new workspace = %+v, want ID only", w)
		}
		ws, err := s.Workspaces(ctx)
		if err != nil {
			t.Fatalf("Workspaces: %v", err)
		}
		if len(ws) != 0 {
			t.Fatalf("Workspaces on an empty store = %+v, want none (reading must not create)", ws)
		}
	})

	t.Run("settings are stored", func(t *testing.T) {
		if err := s.SetTimezone(ctx, "slack:T1", "Europe/London"); err != nil {
			t.Fatalf("SetTimezone: %v", err)
		}
		if err := s.SetReminderSpec(ctx, "slack:T1", "0 8 * * MON-FRI"); err != nil {
			t.Fatalf("SetReminderSpec: %v", err)
		}
		w, err := s.Workspace(ctx, "slack:T1")
		if err != nil {
			t.Fatalf("Workspace: %v", err)
		}
		if w.ID != "slack:T1" || w.Timezone != "Europe/London" || w.ReminderSpec != "0 8 * * MON-FRI" {
			t.Fatalf("Workspace = %+v, want the stored time zone and reminder spec", w)
		}
		if err := s.SetTimezone(ctx, "slack:T1", "America/New_York"); err != nil {
			t.Fatalf("SetTimezone again: %v", err)
		}
		w, _ = s.Workspace(ctx, "slack:T1")
		if w.Timezone != "America/New_York" || w.ReminderSpec != "0 8 * * MON-FRI" {
			t.Fatalf("after changing the time zone, Workspace = %+v; want the new zone and the reminder spec kept", w)
		}
	})

	t.Run("a reminder pause is stored and cleared", func(t *testing.T) {
		if err := s.SetRemindersPaused(ctx, "slack:T1", "2027-01-05"); err != nil {
			t.Fatalf("SetRemindersPaused: %v", err)
		}
		if w, _ := s.Workspace(ctx, "slack:T1"); w.RemindersPaused != "2027-01-05" || w.ReminderSpec != "0 8 * * MON-FRI" {
			t.Fatalf("Workspace = %+v, want the pause and the spec kept", w)
		}
		if err := s.SetRemindersPaused(ctx, "slack:T1", ""); err != nil {
			t.Fatalf("SetRemindersPaused: %v", err)
		}
		if w, _ := s.Workspace(ctx, "slack:T1"); w.RemindersPaused != "" {
			t.Fatalf("Workspace = %+v, want no pause", w)
		}
	})

	t.Run("an empty reminder spec restores the default", func(t *testing.T) {
		if err := s.SetReminderSpec(ctx, "slack:T1", ""); err != nil {
			t.Fatalf("SetReminderSpec: %v", err)
		}
		w, _ := s.Workspace(ctx, "slack:T1")
		if w.ReminderSpec != "" || w.Timezone != "America/New_York" {
			t.Fatalf("Workspace = %+v, want ReminderSpec \"\" and the time zone kept", w)
		}
	})

	t.Run("Workspaces lists every written workspace with its settings, sorted", func(t *testing.T) {
		if err := s.SetReminderSpec(ctx, "discord:2", "30 7 * * *"); err != nil {
			t.Fatalf("SetReminderSpec: %v", err)
		}
		mustImport(t, s, "local", eqs(), base)
		if err := s.PutSubscription(ctx, framework.Subscription{Workspace: "slack:T9", Channel: "C1", Spec: framework.DefaultDigestSpec}); err != nil {
			t.Fatalf("PutSubscription: %v", err)
		}
		ws, err := s.Workspaces(ctx)
		if err != nil {
			t.Fatalf("Workspaces: %v", err)
		}
		var ids []string
		byID := map[string]framework.Workspace{}
		for _, w := range ws {
			ids = append(ids, w.ID)
			byID[w.ID] = w
		}
		if want := []string{"discord:2", "local", "slack:T1", "slack:T9"}; !slices.Equal(ids, want) {
			t.Fatalf("Workspaces IDs = %q, want %q", ids, want)
		}
		if w := byID["discord:2"]; w.ReminderSpec != "30 7 * * *" {
			t.Errorf("discord:2 = %+v, want its reminder spec", w)
		}
		if w := byID["local"]; !slices.Equal(w.Frameworks, []string{"eqs"}) {
			t.Errorf("local = %+v, want Frameworks [eqs]", w)
		}
		if w := byID["slack:T1"]; w.Timezone != "America/New_York" {
			t.Errorf("slack:T1 = %+v, want its time zone", w)
		}
	})
}

func testImport(t *testing.T, s store.Store) {
	ctx := context.Background()
	const ws = "slack:T1"

	t.Run("adds every target, not started and created now", func(t *testing.T) {
		if n := mustImport(t, s, ws, eqs(), base); n != 4 {
			t.Fatalf("Import added %d, want 4", n)
		}
		ts, err := s.Targets(ctx, ws)
		if err != nil {
			t.Fatalf("Targets: %v", err)
		}
		wantRefs(t, "Targets after import", ts, eqsRefs...)
		for _, tg := range ts {
			if tg.Framework != "eqs" || tg.Title == "" || tg.Status != framework.NotStarted || tg.Progress != 0 || tg.Owner != "" || tg.Custom {
				t.Errorf("imported target %+v, want a fresh copy", tg)
			}
			wantTime(t, tg.Ref()+" CreatedAt", tg.CreatedAt, base)
		}
		tg := mustTarget(t, s, ws, "eqs/2.1")
		if tg.Objective != "2" || tg.Title != "Staff network" {
			t.Fatalf("eqs/2.1 = %+v, want objective 2 and its title", tg)
		}
		w, _ := s.Workspace(ctx, ws)
		if !slices.Equal(w.Frameworks, []string{"eqs"}) {
			t.Fatalf("Workspace.Frameworks = %q, want [eqs]", w.Frameworks)
		}
	})

	t.Run("a second import adds nothing and keeps progress", func(t *testing.T) {
		owner := "U1"
		setOwner(t, s, ws, "eqs/1.1", owner)
		mustAppend(t, s, ws, framework.Update{Target: "eqs/1.1", Author: "U1", Time: at(10), Progress: 30, Status: framework.OnTrack})
		if n := mustImport(t, s, ws, eqs(), at(60)); n != 0 {
			t.Fatalf("second Import added %d, want 0", n)
		}
		tg := mustTarget(t, s, ws, "eqs/1.1")
		if tg.Progress != 30 || tg.Status != framework.OnTrack || tg.Owner != "U1" {
			t.Fatalf("after re-import eqs/1.1 = %+v, want progress 30, on-track, owner U1 kept", tg)
		}
		wantTime(t, "CreatedAt after re-import", tg.CreatedAt, base)
		w, _ := s.Workspace(ctx, ws)
		if !slices.Equal(w.Frameworks, []string{"eqs"}) {
			t.Fatalf("Workspace.Frameworks = %q, want eqs once", w.Frameworks)
		}
	})

	t.Run("a grown framework adds only the new targets", func(t *testing.T) {
		fw := eqs()
		fw.Objectives[1].Targets = append(fw.Objectives[1].Targets, framework.TargetSpec{Code: "2.2", Title: "Pay gap"})
		if n := mustImport(t, s, ws, fw, at(90)); n != 1 {
			t.Fatalf("Import of a grown framework added %d, want 1", n)
		}
		tg := mustTarget(t, s, ws, "eqs/2.2")
		wantTime(t, "new target CreatedAt", tg.CreatedAt, at(90))
		if tg := mustTarget(t, s, ws, "eqs/1.1"); tg.Progress != 30 {
			t.Fatalf("eqs/1.1 progress %d after a grown import, want 30", tg.Progress)
		}
	})

	t.Run("frameworks are recorded sorted", func(t *testing.T) {
		if n := mustImport(t, s, ws, sized("abc", 3), at(100)); n != 3 {
			t.Fatalf("Import abc added %d, want 3", n)
		}
		w, _ := s.Workspace(ctx, ws)
		if !slices.Equal(w.Frameworks, []string{"abc", "eqs"}) {
			t.Fatalf("Workspace.Frameworks = %q, want [abc eqs]", w.Frameworks)
		}
		ts, _ := s.Targets(ctx, ws)
		wantRefs(t, "Targets over two frameworks", ts, "abc/1.1", "abc/1.2", "abc/1.3", "eqs/1.1", "eqs/1.2", "eqs/1.10", "eqs/2.1", "eqs/2.2")
	})
}
