package console

import (
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/targetbot/targetbot/bot"
)

type refs []string

func (r refs) Complete(_ context.Context, ws, prefix string, limit int) []bot.Choice {
	var out []bot.Choice
	for _, ref := range r {
		if ws == Workspace && strings.HasPrefix(ref, prefix) && len(out) < limit {
			out = append(out, bot.Choice{Value: ref})
		}
	}
	return out
}

func TestComplete(t *testing.T) {
	verbs := []string{"help", "history", "list", "update"}
	c := refs{"eds/1.1", "eds/1.2", "eds-2022/1A"}
	tests := []struct {
		line      string
		pos       int
		head      string
		want      []string
		tail      string
		completer bot.Completer
	}{
		{"h", 1, "", []string{"help ", "history "}, "", c},
		{"/target up", 10, "/target ", []string{"update "}, "", c},
		{"update eds/1", 12, "update ", []string{"eds/1.1 ", "eds/1.2 "}, "", c},
		{"update eds- 40%", 11, "update ", []string{"eds-2022/1A "}, " 40%", c},
		{"update e", 8, "update ", nil, "", nil},
		{"x", 99, "", nil, "", c},
	}
	for _, tt := range tests {
		head, got, tail := complete(tt.line, tt.pos, verbs, tt.completer)
		if head != tt.head || !reflect.DeepEqual(got, tt.want) || tail != tt.tail {
			t.Errorf("complete(%q, %d) = %q %q %q, want %q %q %q", tt.line, tt.pos, head, got, tail, tt.head, tt.want, tt.tail)
		}
	}
}

func TestHistoryFile(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/state")
	if got := HistoryFile(); got != "/state/targetbot/history" {
		t.Errorf("HistoryFile = %q", got)
	}
}

// A line editor reads the lines, one at a time, after each reply.
type scripted struct {
	lines   []string
	prompts int
}

func (s *scripted) ReadLine(prompt string) (string, error) {
	s.prompts++
	if len(s.lines) == 0 {
		return "", io.EOF
	}
	l := s.lines[0]
	s.lines = s.lines[1:]
	return l, nil
}

func TestRunWithEditor(t *testing.T) {
	var got []string
	h := bot.HandlerFunc(func(_ context.Context, r bot.Request) bot.Reply {
		got = append(got, r.Text)
		return bot.Say("ok", true)
	})
	ed := &scripted{lines: []string{"help", "list", "exit", "never"}}
	var out strings.Builder
	if err := New(Options{Out: &out, User: "sam", Handler: h, Prompt: "/target ", Editor: ed}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []string{"help", "list"}) || ed.prompts != 3 || strings.Contains(out.String(), "/target ") {
		t.Errorf("ran %q with %d prompts; output %q (the editor shows the prompt)", got, ed.prompts, out.String())
	}
}
