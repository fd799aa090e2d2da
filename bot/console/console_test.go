package console

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/targetbot/targetbot/bot"
)

func TestRunExecutesEachLineAsTheAdminUser(t *testing.T) {
	var got []bot.Request
	h := bot.HandlerFunc(func(_ context.Context, r bot.Request) bot.Reply {
		got = append(got, r)
		return bot.Say("ok "+bot.Escape(r.Text)+" <@amy>", true)
	})
	in := strings.NewReader("import eds\n\n# a comment\n/target show eds/1.1\n")
	var out bytes.Buffer
	c := New(Options{In: in, Out: &out, User: "sam", Handler: h, Admin: true})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("handled %d lines, want 2", len(got))
	}
	r := got[1]
	if r.Workspace != "local" || r.User != "sam" || !r.PlatformAdmin || r.Text != "/target show eds/1.1" || r.Channel != "console" {
		t.Errorf("request = %+v", r)
	}
	want := "ok import eds @amy\n\nok /target show eds/1.1 @amy\n\n"
	if out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
}

func TestRenderShowsDetailsAndButtons(t *testing.T) {
	r := bot.Reply{
		Blocks:  []bot.Block{{Text: "Overdue: `eds/1.1`"}, {Title: "eds/1.1", Buttons: []bot.Button{{Label: "Mark done", Command: "update eds/1.1 done"}}}},
		Details: []bot.Block{{Title: "Ratings", Text: "*achieving*: 2 ~old~ <https://nhs.uk|NHS>", Fields: []bot.Field{{Name: "Owner", Value: "<@U1>"}}}},
	}
	got := Render(r)
	for _, want := range []string{"Overdue: eds/1.1\n\neds/1.1", "Ratings\nachieving: 2 old NHS (https://nhs.uk)\nOwner: @U1", "↳ Mark done: /target update eds/1.1 done"} {
		if !strings.Contains(got, want) {
			t.Errorf("Render = %q, missing %q", got, want)
		}
	}
}

func TestPosterSkipsRepeatedKeys(t *testing.T) {
	var out bytes.Buffer
	p := NewPoster(&out)
	m := bot.Message{Workspace: "local", User: "amy", Reply: bot.Say("you have 1 overdue target", false), Key: "k1"}
	for range 2 {
		if err := p.Post(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(out.String(), "DM to @amy"); n != 1 {
		t.Errorf("posted %d times, want 1:\n%s", n, out.String())
	}
}

func TestRunSkipsOverlongLineAndCarriesOn(t *testing.T) {
	var got []string
	h := bot.HandlerFunc(func(_ context.Context, r bot.Request) bot.Reply {
		got = append(got, r.Text)
		return bot.Say("ok", true)
	})
	in := strings.NewReader("update eds/1.1 " + strings.Repeat("x", 2<<20) + "\nshow eds/1.1\nlast line without newline")
	var out bytes.Buffer
	if err := New(Options{In: in, Out: &out, User: "sam", Handler: h}).Run(context.Background()); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if len(got) != 2 || got[0] != "show eds/1.1" || got[1] != "last line without newline" {
		t.Errorf("handled %q", got)
	}
	if !strings.Contains(out.String(), "line 1 is too long") {
		t.Errorf("output = %.200q", out.String())
	}
}

// A file saved on Windows starts with a byte order mark and ends its lines
// with CRLF: neither may reach the command.
func TestRunDropsByteOrderMarkAndCRLF(t *testing.T) {
	var got []string
	h := bot.HandlerFunc(func(_ context.Context, r bot.Request) bot.Reply {
		got = append(got, r.Text)
		return bot.Say("ok", true)
	})
	in := strings.NewReader("\ufeffhelp\r\nimport eds\r\n\r\nshow eds/1.1\r\nexit\r\nlist\r\n")
	var out bytes.Buffer
	if err := New(Options{In: in, Out: &out, User: "sam", Handler: h}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"help", "import eds", "show eds/1.1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("handled %q, want %q", got, want)
	}
}

// Ctrl-C at a prompt ends the session at once, without waiting for a line.
func TestRunStopsWhileWaitingForALine(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	h := bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { return bot.Say("ok", true) })
	done := make(chan error, 1)
	go func() {
		done <- New(Options{In: pr, Out: io.Discard, User: "sam", Handler: h, Prompt: "/target "}).Run(ctx)
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run still waits for input after its context ended")
	}
}

// On a terminal, markup is styled; piped, it is plain. Either way a
// control character in the text cannot reach the terminal.
func TestRenderShowsBidiOverridesInert(t *testing.T) {
	if got := Render(bot.Say(bot.UserText("abc\u202Efed"), true)); got != "abc\uFFFDfed" {
		t.Errorf("Render = %q: a right-to-left override reached the terminal", got)
	}
}

func TestRenderStylesAndDefusesTerminals(t *testing.T) {
	r := bot.Say("*done* ~old~ `eds/1.1` <@amy> "+bot.UserText("ring\a \x1b[31mred\x1b[0m \u009b2J"), true)
	plain := Render(r)
	if want := "done old eds/1.1 @amy ring\uFFFD \uFFFD[31mred\uFFFD[0m \uFFFD2J"; plain != want {
		t.Errorf("plain = %q, want %q", plain, want)
	}
	styled := render(r, true)
	want := "\x1b[1mdone\x1b[22m \x1b[2m\x1b[9mold\x1b[29m\x1b[22m \x1b[2meds/1.1\x1b[22m @amy ring\uFFFD \uFFFD[31mred\uFFFD[0m \uFFFD2J"
	if styled != want {
		t.Errorf("styled = %q, want %q", styled, want)
	}
}
