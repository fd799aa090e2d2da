package discord

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/targetbot/targetbot/bot"
)

// buttonRows lays a block's buttons out in rows of five. A button whose
// command is too long for a custom id cannot be a button, since a cut
// command would do something else: it becomes a note, in markup, saying
// what to type instead. Repeats of one command in a block are dropped.
func buttonRows(bs []bot.Button, dmGuild string) (rows [][]discordgo.Button, notes []string) {
	seen := map[string]bool{}
	var row []discordgo.Button
	for _, bt := range bs {
		cmd := strings.TrimSpace(bt.Command)
		if cmd == "" {
			continue // nothing to run
		}
		label := strings.TrimSpace(bt.Label)
		if label == "" {
			label = cmd
		}
		id := customID(bt, dmGuild)
		if id == "" {
			notes = append(notes, "“"+bot.Escape(label)+"” does not fit in a Discord button: type "+bot.Code("/target "+cmd))
			continue
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		row = append(row, discordgo.Button{Label: truncate(label, maxButtonLabel), Style: buttonStyle(bt.Style), CustomID: id})
		if len(row) == maxButtonsInRow {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows, notes
}

func buttonStyle(s string) discordgo.ButtonStyle {
	switch s {
	case "primary":
		return discordgo.PrimaryButton
	case "danger":
		return discordgo.DangerButton
	default:
		return discordgo.SecondaryButton
	}
}

// customID encodes a button as "cmd:<command>" or "form:<command>"; in a
// DM, as "cmd@<guild>:<command>". It returns "" when the command does not
// fit in Discord's 100 characters.
func customID(b bot.Button, dmGuild string) string {
	kind := "cmd"
	if b.Form {
		kind = "form"
	}
	if dmGuild != "" {
		kind += "@" + dmGuild
	}
	cmd := strings.TrimSpace(b.Command)
	if cmd == "" {
		return ""
	}
	id := kind + ":" + cmd
	if width(id) > maxCustomID {
		return ""
	}
	return id
}

// parseCustomID splits a custom id made by customID. guild is "" unless
// the id was made for a DM.
func parseCustomID(id string) (kind, guild, command string, ok bool) {
	head, command, ok := strings.Cut(id, ":")
	if !ok || strings.TrimSpace(command) == "" {
		return "", "", "", false
	}
	kind, guild, _ = strings.Cut(head, "@")
	if kind != "cmd" && kind != "form" {
		return "", "", "", false
	}
	for _, c := range guild {
		if c < '0' || c > '9' {
			return "", "", "", false
		}
	}
	return kind, guild, strings.TrimSpace(command), true
}

// truncate shortens a label (a button's, an autocomplete choice's, a
// form's title) to at most n characters, marking the cut with "…". Labels
// only: content is split, never cut. A cut label still does what it did,
// and the text beside it says it in full.
func truncate(s string, n int) string {
	if width(s) <= n {
		return s
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		rw := 1
		if r > 0xffff {
			rw = 2
		}
		if w+rw > n-1 {
			break
		}
		b.WriteRune(r)
		w += rw
	}
	cut := strings.TrimRight(b.String(), " \n")
	if i := strings.LastIndexAny(cut, " \n"); i >= utf8.RuneCountInString(cut)*4/5 && i > 0 {
		cut = strings.TrimRight(cut[:i], " \n")
	}
	return cut + "…"
}
