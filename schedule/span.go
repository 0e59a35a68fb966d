package schedule

// HoursFrom is the hours of each of the dates from..from+days-1, evaluated
// with one evaluator, so that each year's holidays and named days are
// computed once: what a check of many dates (a feed, a comparison with
// another implementation, a benchmark) wants instead of calling Day for
// each date.
func (s *Schedule) HoursFrom(from Date, days int) []Hours {
	if days <= 0 {
		return nil
	}
	e := newEvaluator(s)
	out := make([]Hours, days)
	d, wd := from, from.Weekday()
	for i := range out {
		out[i] = e.eval(d, wd).hours
		d, wd = d.next(), (wd+1)%7
	}
	return out
}
