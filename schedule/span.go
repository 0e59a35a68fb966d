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
	if len(s.Rules) > 0 {
		// The ordinary dates of a year (see markSpecial) take the plain
		// week without a call; the loop keeps the day number and the month
		// length itself, as it runs for every date.
		n := dayNum(from)
		e.placeYear(d.Year)
		rs := &e.rules
		for i := range out {
			if k := n - rs.jan1; k < 0 || k >= 366 || rs.special[k/64]&(1<<(k%64)) != 0 {
				out[i] = e.ruleHours(d, wd, n)
			} else {
				out[i] = e.plainHours(wd)
			}
			wd, n = (wd+1)%7, n+1
			if d.Day++; d.Day > monthLen(d.Year, d.Month) {
				d.Day, d.Month = 1, d.Month+1
				if d.Month > 12 {
					d.Year, d.Month = d.Year+1, 1
					e.placeYear(d.Year)
				}
			}
		}
		return out
	}
	for i := range out {
		out[i] = e.eval(d, wd).hours
		d, wd = d.next(), (wd+1)%7
	}
	return out
}
