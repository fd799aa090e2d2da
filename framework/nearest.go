package framework

import "strings"

// Nearest is the choice closest to word by edit distance, compared
// without case, when it is near enough to be a likely typo (at most two
// edits, and at most half of word's letters); "" otherwise. It words
// the "did you mean" of a mistyped name.
func Nearest(word string, choices []string) string {
	w := strings.ToLower(word)
	best, bestD := "", min(3, len(w)/2+1)
	for _, c := range choices {
		if d := EditDistance(w, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between two short words, by
// bytes; 99 for words over 32 bytes. Every "did you mean" measures with it.
func EditDistance(a, b string) int {
	if len(a) > 32 || len(b) > 32 {
		return 99
	}
	var rows [2][33]int
	prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
