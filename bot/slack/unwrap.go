package slack

import "strings"

// unwrap turns slash-command text as Slack sends it with should_escape
// (the manifest sets it) into the text the user typed, as the command
// layer reads it:
//
//   - a link, <https://…> or <https://…|label>, becomes its URL, so
//     evidence takes it and a note stores the address, not the markup;
//     <mailto:a@b|a@b> becomes the address;
//   - a user, <@U…> or <@U…|name>, becomes <@U…>, the form the command
//     layer reads as a user;
//   - a channel, <#C…|name> or <#C…>, becomes #name, or #C… without one;
//   - a special mention becomes the inert words the user saw: <!here>
//     is @here, <!subteam^S…|@team> is @team, <!date^…|fallback> is the
//     fallback;
//   - &amp;, &lt; and &gt;, the user's own &, < and >, become those
//     characters, last, so that what the user typed is never read as
//     Slack's markup.
//
// The wrappers are gone before any limit is counted.
func unwrap(s string) string {
	if strings.IndexByte(s, '<') < 0 {
		return unescapeCommand(s)
	}
	// An unwrapped label can join what surrounds it into new markup
	// ("<<!subteam^S1|!channel>>"), so repeat until nothing changes.
	// Every pass that changes s makes it shorter, so this ends.
	for {
		t := unwrapOnce(s)
		if t == s {
			return unescapeCommand(s)
		}
		s = t
	}
}

// unwrapOnce replaces each <…> in s, one without a < inside it, by what
// it stands for.
func unwrapOnce(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '>')
		if j < 0 {
			break
		}
		inner := s[i+1 : i+1+j]
		if k := strings.LastIndexByte(inner, '<'); k >= 0 {
			// "<a <b>": only the innermost is markup.
			b.WriteString(s[:i+1+k])
			s = s[i+1+k:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(unwrapToken(inner))
		s = s[i+2+j:]
	}
	b.WriteString(s)
	return b.String()
}

// unwrapToken is what the markup <inner> stands for.
func unwrapToken(inner string) string {
	target, label, hasLabel := strings.Cut(inner, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		id := target[1:]
		if !slackID(id) {
			if hasLabel && label != "" {
				return label
			}
			return target
		}
		return "<@" + id + ">"
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!"):
		name, _, _ := strings.Cut(target[1:], "^")
		switch strings.ToLower(name) {
		case "channel", "here", "everyone":
			return "@" + name
		}
		if hasLabel && label != "" {
			return label
		}
		return "@" + name
	case strings.HasPrefix(strings.ToLower(target), "mailto:"):
		return target[len("mailto:"):]
	}
	return target
}

// slackID reports whether s looks like a Slack user id (U…, W…, B…):
// letters and digits only.
func slackID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
