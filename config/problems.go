package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a configuration, at a key path.
type Problem struct {
	Path    string // e.g. schedules[0].weekly.mon-fri[0]; "line 3" for a syntax error
	Message string
}

// String is the problem as hoursd prints it: "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in a configuration. hoursd
// reports all of them at once so that a user fixes a file in one go; main
// prints one line per problem and exits with status 2.
type ValidationError struct {
	Source   string
	Problems []Problem
}

// Error is one line, so that a log record (a refused reload, say) still says
// what is wrong; the full list is in Problems.
func (e *ValidationError) Error() string {
	switch len(e.Problems) {
	case 0:
		return fmt.Sprintf("invalid configuration %s", e.Source)
	case 1:
		return fmt.Sprintf("invalid configuration %s: %s", e.Source, e.Problems[0])
	default:
		return fmt.Sprintf("invalid configuration %s: %d problems, the first: %s", e.Source, len(e.Problems), e.Problems[0])
	}
}

// problems collects what is wrong while a configuration is decoded and
// checked, so that every check runs and the user sees everything at once.
type problems []Problem

func (ps *problems) add(path, format string, a ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
}

// sort orders the problems by key path, numbers compared as numbers
// (schedules[2] before schedules[10]), keeping the order of the problems of
// one path, so the output reads from the top of the file down and is the
// same at every run.
func (ps problems) sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int { return comparePaths(a.Path, b.Path) })
}

// comparePaths compares key paths chunk by chunk, runs of digits by value.
func comparePaths(a, b string) int {
	for a != "" && b != "" {
		ca, ra := nextChunk(a)
		cb, rb := nextChunk(b)
		na, errA := strconv.Atoi(ca)
		nb, errB := strconv.Atoi(cb)
		if errA == nil && errB == nil {
			if c := na - nb; c != 0 {
				return c
			}
		} else if c := strings.Compare(ca, cb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return len(a) - len(b)
}

// nextChunk splits s into its leading run of digits or of non-digits.
func nextChunk(s string) (chunk, rest string) {
	digit := s[0] >= '0' && s[0] <= '9'
	i := 1
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') == digit {
		i++
	}
	return s[:i], s[i:]
}

// join builds a key path: join("schedules[0]", "weekly") is
// "schedules[0].weekly"; an index is written join(p, "[3]").
func join(prefix, key string) string {
	switch {
	case prefix == "":
		return key
	case key == "":
		return prefix
	case strings.HasPrefix(key, "["):
		return prefix + key
	default:
		return prefix + "." + key
	}
}

// index is the path of element i of the list at path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
