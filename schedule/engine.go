package schedule

import "errors"

var errUnimplemented = errors.New("schedule: engine not implemented yet")

// Validate checks a schedule built in Go and prepares it for evaluation.
func (s *Schedule) Validate() error { return errUnimplemented }

// Day evaluates one date.
func (s *Schedule) Day(d Date) Day { return Day{Date: d} }

// Changes lists the changes of the dates from..from+days-1, in date order.
func (s *Schedule) Changes(from Date, days int) []Change { return nil }
