package slack

import (
	"encoding/json"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Every slash command is answered with a message: a few sections and a
// row of buttons. encoding/json spends most of its time on reflection
// and on slack-go's interface-typed blocks, so the answer is encoded
// here by hand, into exactly the bytes json.Marshal would write
// (TestAppendMessageMatchesMarshal and FuzzAppendMessage hold it to
// that). A block or element of a kind it does not know is handed to
// json.Marshal, which keeps the output identical whatever the reply.

// writeMessage writes m as the JSON answer, with its length, so the
// server sends it in one write rather than chunked.
func writeMessage(w http.ResponseWriter, m message) {
	body, err := appendMessage(make([]byte, 0, 1024), m)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	_, _ = w.Write(body)
}

// jsonContentType is shared by every answer: net/http only reads it.
var jsonContentType = []string{"application/json"}

// appendMessage appends json.Marshal(m) to dst.
func appendMessage(dst []byte, m message) ([]byte, error) {
	dst = append(dst, '{')
	if m.ResponseType != "" {
		dst = append(dst, `"response_type":`...)
		dst = appendJSONString(dst, m.ResponseType)
		dst = append(dst, ',')
	}
	if m.ReplaceOriginal != nil {
		dst = append(dst, `"replace_original":`...)
		dst = strconv.AppendBool(dst, *m.ReplaceOriginal)
		dst = append(dst, ',')
	}
	dst = append(dst, `"text":`...)
	dst = appendJSONString(dst, m.Text)
	if len(m.Blocks) > 0 {
		dst = append(dst, `,"blocks":[`...)
		for i, b := range m.Blocks {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendBlock(dst, b); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

func appendBlock(dst []byte, b slack.Block) ([]byte, error) {
	switch b := b.(type) {
	case *slack.SectionBlock:
		if b != nil && b.Accessory == nil {
			return appendSection(dst, b), nil
		}
	case *slack.ActionBlock:
		if b != nil {
			return appendActions(dst, b)
		}
	}
	return appendMarshal(dst, b)
}

// appendMarshal appends json.Marshal(v): the fallback for kinds not
// encoded by hand.
func appendMarshal(dst []byte, v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(dst, raw...), nil
}

func appendSection(dst []byte, s *slack.SectionBlock) []byte {
	dst = append(dst, `{"type":`...)
	dst = appendJSONString(dst, string(s.Type))
	if s.Text != nil {
		dst = append(dst, `,"text":`...)
		dst = appendTextObject(dst, s.Text)
	}
	if s.BlockID != "" {
		dst = append(dst, `,"block_id":`...)
		dst = appendJSONString(dst, s.BlockID)
	}
	if len(s.Fields) > 0 {
		dst = append(dst, `,"fields":[`...)
		for i, f := range s.Fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendTextObject(dst, f)
		}
		dst = append(dst, ']')
	}
	if s.Expand {
		dst = append(dst, `,"expand":true`...)
	}
	return append(dst, '}')
}

func appendActions(dst []byte, a *slack.ActionBlock) ([]byte, error) {
	dst = append(dst, `{"type":`...)
	dst = appendJSONString(dst, string(a.Type))
	if a.BlockID != "" {
		dst = append(dst, `,"block_id":`...)
		dst = appendJSONString(dst, a.BlockID)
	}
	dst = append(dst, `,"elements":`...)
	// BlockElements marshals as its bare slice; a nil one as null.
	if a.Elements == nil || a.Elements.ElementSet == nil {
		dst = append(dst, "null"...)
		return append(dst, '}'), nil
	}
	dst = append(dst, '[')
	for i, e := range a.Elements.ElementSet {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if b, ok := e.(*slack.ButtonBlockElement); ok && b != nil && b.Confirm == nil {
			dst = appendButton(dst, b)
		} else if dst, err = appendMarshal(dst, e); err != nil {
			return nil, err
		}
	}
	dst = append(dst, ']')
	return append(dst, '}'), nil
}

func appendButton(dst []byte, b *slack.ButtonBlockElement) []byte {
	dst = append(dst, '{')
	comma := false
	field := func(name string) {
		if comma {
			dst = append(dst, ',')
		}
		comma = true
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, '"', ':')
	}
	str := func(name, v string) {
		if v != "" {
			field(name)
			dst = appendJSONString(dst, v)
		}
	}
	str("type", string(b.Type))
	field("text")
	if b.Text == nil {
		dst = append(dst, "null"...)
	} else {
		dst = appendTextObject(dst, b.Text)
	}
	str("action_id", b.ActionID)
	str("url", b.URL)
	str("value", b.Value)
	str("style", string(b.Style))
	str("accessibility_label", b.AccessibilityLabel)
	str("agent_prompt", b.AgentPrompt)
	str("agent_prompt_display", b.AgentPromptDisplay)
	if len(b.VisibleToUserIDs) > 0 {
		field("visible_to_user_ids")
		dst = append(dst, '[')
		for i, id := range b.VisibleToUserIDs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, id)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

func appendTextObject(dst []byte, t *slack.TextBlockObject) []byte {
	if t == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, `{"type":`...)
	dst = appendJSONString(dst, t.Type)
	dst = append(dst, `,"text":`...)
	dst = appendJSONString(dst, t.Text)
	if t.Emoji != nil {
		dst = append(dst, `,"emoji":`...)
		dst = strconv.AppendBool(dst, *t.Emoji)
	}
	if t.Verbatim {
		dst = append(dst, `,"verbatim":true`...)
	}
	return append(dst, '}')
}

// appendJSONString appends s as encoding/json writes a string: quoted,
// with <, > and & escaped for HTML, control characters as \uXXXX or
// their short escapes, invalid UTF-8 as \ufffd, and U+2028 and U+2029
// escaped for JavaScript.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
