package commands

import (
	"fmt"
	"strconv"
	"strings"
)

// dayNames are the day-of-week words of a cron spec, Sunday first as
// cron numbers them, with the name a sentence uses.
var dayNames = [...]struct{ short, name string }{
	{"SUN", "Sunday"}, {"MON", "Monday"}, {"TUE", "Tuesday"}, {"WED", "Wednesday"},
	{"THU", "Thursday"}, {"FRI", "Friday"}, {"SAT", "Saturday"},
}

// specWords says when a five-field cron spec runs, the way people say
// it: "on Mondays at 09:00", "on weekdays at 08:30", "every day at
// 07:00". A spec too intricate to say simply is shown as it is, in code,
// so nothing is hidden from the admin who wrote it.
func specWords(spec string) string {
	if s := sayTimes(spec); s != "" {
		return s
	}
	return "on " + code(spec)
}

// sayTimes is specWords' plain sentence, or "" when the spec has more
// than one time a day, or names days of the month or months.
func sayTimes(spec string) string {
	f := strings.Fields(spec)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return ""
	}
	minute, err1 := strconv.Atoi(f[0])
	hour, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || minute < 0 || minute > 59 || hour < 0 || hour > 23 {
		return ""
	}
	at := fmt.Sprintf(" at %02d:%02d", hour, minute)
	if f[4] == "*" {
		return "every day" + at
	}
	var days []string
	for _, part := range strings.Split(f[4], ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, b := dayIndex(lo), dayIndex(hi)
		switch {
		case a < 0 || (isRange && b < 0):
			return ""
		case isRange && a == 1 && b == 5:
			days = append(days, "weekdays")
		case isRange && a < b:
			days = append(days, dayNames[a].name+" to "+dayNames[b].name)
		case isRange:
			return ""
		default:
			days = append(days, dayNames[a].name+"s")
		}
	}
	return "on " + andList(days) + at
}

// dayIndex is the cron number of a day word or number, 7 as Sunday
// too; -1 for anything else.
func dayIndex(s string) int {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 7 {
		return n % 7
	}
	for i, d := range dayNames {
		if strings.EqualFold(s, d.short) {
			return i
		}
	}
	return -1
}

// andList joins words as "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
