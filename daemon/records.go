package daemon

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// The records of the state file, as schema 3 writes them: CBOR (RFC 8949,
// github.com/fxamacker/cbor) with small integer keys, zero values left
// out, dates as yyyymmdd and hours as minute pairs. Schema 2 wrote hoursd's
// Go types as encoding/json spells them (every field by its Go name, empty
// weeks as seven nulls): after one check of 100,000 subscribers its records
// took 152 MB, these 65 MB (with fuller pages, the file is 100 MB instead
// of 290: what such a check maps into memory), and they read in about half
// the time JSON with the same short keys took (0.20 s of CPU for the
// 100,000 announcements of a check with nothing new, against 0.37 s). A
// record's keys are its format: a Go field can be renamed without
// changing it, and a key once used keeps its meaning. run and
// deliveryStatus (store.go) carry theirs beside schema 2's json names.
// (PostgreSQL keeps its own columns; see pgstore.go.)

// messageRec is an outbox message. Where it stands (state, attempts, last
// error) is in the status bucket; a message without a status record is
// pending, never tried, as queued.
type messageRec struct {
	Subscriber string    `cbor:"1,keyasint"`
	Target     string    `cbor:"2,keyasint"`
	Channel    string    `cbor:"3,keyasint,omitempty"`
	CheckedAt  time.Time `cbor:"4,keyasint,omitzero"`
	Today      int32     `cbor:"5,keyasint,omitzero"` // yyyymmdd
	Due        time.Time `cbor:"6,keyasint,omitzero"`
	Subject    string    `cbor:"7,keyasint,omitempty"`
	Body       string    `cbor:"8,keyasint,omitempty"`
	Items      []itemRec `cbor:"9,keyasint,omitempty"`
	Created    time.Time `cbor:"10,keyasint,omitzero"`
}

type itemRec struct {
	Change   changeRec       `cbor:"1,keyasint"`
	Status   notifier.Status `cbor:"2,keyasint"`
	Previous *changeRec      `cbor:"3,keyasint,omitempty"`
}

// changeRec is a schedule.Change. Hours and weeks are kept as their
// openings: "closed" is no openings, as schedule.Hours has it.
type changeRec struct {
	Schedule      string        `cbor:"1,keyasint"`
	Date          int32         `cbor:"2,keyasint"` // yyyymmdd
	Kind          schedule.Kind `cbor:"3,keyasint"`
	SV            string        `cbor:"4,keyasint,omitempty"`
	EN            string        `cbor:"5,keyasint,omitempty"`
	Hours         hoursRec      `cbor:"6,keyasint,omitempty"`
	Regular       hoursRec      `cbor:"7,keyasint,omitempty"`
	Until         int32         `cbor:"8,keyasint,omitzero"` // yyyymmdd
	Weekly        *weekRec      `cbor:"9,keyasint,omitempty"`
	RegularWeekly *weekRec      `cbor:"10,keyasint,omitempty"`
}

// hoursRec is a day's openings as [open, close] in minutes after midnight.
type hoursRec [][2]schedule.Clock

// weekRec is a week's openings, Sunday first (time.Weekday's order).
type weekRec [7]hoursRec

type announcementRec struct {
	Offsets []int      `cbor:"1,keyasint,omitempty"`
	Current *changeRec `cbor:"2,keyasint,omitempty"` // none once cancelled
	Message uint64     `cbor:"3,keyasint,omitzero"`
}

// recordEnc writes instants as RFC 3339 text with their offset, as schema
// 2 did: a time read back is the time written, in the same offset.
var recordEnc = func() cbor.EncMode {
	em, err := cbor.EncOptions{Time: cbor.TimeRFC3339Nano}.EncMode()
	if err != nil {
		panic(err) // the options are constant
	}
	return em
}()

// packDate is d as yyyymmdd (0 for the zero date).
func packDate(d schedule.Date) int32 {
	if d.IsZero() {
		return 0
	}
	return int32(d.Year*10000 + int(d.Month)*100 + d.Day)
}

// unpackDate reads yyyymmdd; a number that is no date is an error.
func unpackDate(n int32) (schedule.Date, error) {
	if n == 0 {
		return schedule.Date{}, nil
	}
	d := schedule.Date{Year: int(n / 10000), Month: time.Month(n / 100 % 100), Day: int(n % 100)}
	if n < 0 || schedule.DateOf(d.Time(time.UTC)) != d {
		return schedule.Date{}, fmt.Errorf("%d is not a date", n)
	}
	return d, nil
}

func hoursToRec(h schedule.Hours) hoursRec {
	if len(h) == 0 {
		return nil
	}
	out := make(hoursRec, len(h))
	for i, iv := range h {
		out[i] = [2]schedule.Clock{iv.Open, iv.Close}
	}
	return out
}

func (h hoursRec) hours() schedule.Hours {
	if len(h) == 0 {
		return nil
	}
	out := make(schedule.Hours, len(h))
	for i, iv := range h {
		out[i] = schedule.Interval{Open: iv[0], Close: iv[1]}
	}
	return out
}

func weekToRec(w schedule.Week) *weekRec {
	var out weekRec
	empty := true
	for i, h := range w {
		out[i] = hoursToRec(h)
		empty = empty && len(h) == 0
	}
	if empty {
		return nil
	}
	return &out
}

func (w *weekRec) week() schedule.Week {
	var out schedule.Week
	if w != nil {
		for i, h := range w {
			out[i] = h.hours()
		}
	}
	return out
}

func changeToRec(c *schedule.Change) *changeRec {
	if c == nil {
		return nil
	}
	return &changeRec{
		Schedule: c.Schedule, Date: packDate(c.Date), Kind: c.Kind, SV: c.Name.SV, EN: c.Name.EN,
		Hours: hoursToRec(c.Hours), Regular: hoursToRec(c.Regular), Until: packDate(c.Until),
		Weekly: weekToRec(c.Weekly), RegularWeekly: weekToRec(c.RegularWeekly),
	}
}

func (c *changeRec) change() (*schedule.Change, error) {
	if c == nil {
		return nil, nil
	}
	date, err := unpackDate(c.Date)
	if err != nil {
		return nil, fmt.Errorf("change date: %w", err)
	}
	if date.IsZero() {
		return nil, fmt.Errorf("change has no date")
	}
	until, err := unpackDate(c.Until)
	if err != nil {
		return nil, fmt.Errorf("change end: %w", err)
	}
	return &schedule.Change{
		Schedule: c.Schedule, Date: date, Kind: c.Kind, Name: schedule.Name{SV: c.SV, EN: c.EN},
		Hours: c.Hours.hours(), Regular: c.Regular.hours(), Until: until,
		Weekly: c.Weekly.week(), RegularWeekly: c.RegularWeekly.week(),
	}, nil
}

// encodeMessage is the outbox record of d (without where it stands).
func encodeMessage(d *Delivery) ([]byte, error) {
	r := messageRec{
		Subscriber: d.Subscriber, Target: d.Target, Channel: d.Channel, CheckedAt: d.CheckedAt,
		Today: packDate(d.Today), Due: d.Due, Subject: d.Subject, Body: d.Body, Created: d.Created,
	}
	if len(d.Items) > 0 {
		r.Items = make([]itemRec, len(d.Items))
		for i, it := range d.Items {
			r.Items[i] = itemRec{Change: *changeToRec(&it.Change), Status: it.Status, Previous: changeToRec(it.Previous)}
		}
	}
	return recordEnc.Marshal(r)
}

// decodeMessage reads the outbox record of message id: pending and never
// tried, until its status record says otherwise.
func decodeMessage(id uint64, v []byte) (Delivery, error) {
	var r messageRec
	if err := cbor.Unmarshal(v, &r); err != nil {
		return Delivery{}, err
	}
	if r.Target == "" {
		return Delivery{}, fmt.Errorf("message %d names no target", id)
	}
	today, err := unpackDate(r.Today)
	if err != nil {
		return Delivery{}, fmt.Errorf("message %d: %w", id, err)
	}
	d := Delivery{
		ID: id, Subscriber: r.Subscriber, Target: r.Target, Channel: r.Channel, CheckedAt: r.CheckedAt,
		Today: today, Due: r.Due, Subject: r.Subject, Body: r.Body,
		State: StatePending, Created: r.Created, Updated: r.Created,
	}
	if len(r.Items) > 0 {
		d.Items = make([]notifier.Item, len(r.Items))
		for i, it := range r.Items {
			c, err := it.Change.change()
			if err != nil {
				return Delivery{}, fmt.Errorf("message %d: %w", id, err)
			}
			prev, err := it.Previous.change()
			if err != nil {
				return Delivery{}, fmt.Errorf("message %d: %w", id, err)
			}
			d.Items[i] = notifier.Item{Change: *c, Status: it.Status, Previous: prev}
		}
	}
	return d, nil
}

func encodeAnnouncement(a *announcement) ([]byte, error) {
	return recordEnc.Marshal(announcementRec{Offsets: a.Offsets, Current: changeToRec(a.Current), Message: a.Message})
}

func decodeAnnouncement(v []byte) (*announcement, error) {
	var r announcementRec
	if err := cbor.Unmarshal(v, &r); err != nil {
		return nil, err
	}
	c, err := r.Current.change()
	if err != nil {
		return nil, err
	}
	return &announcement{Offsets: r.Offsets, Current: c, Message: r.Message}, nil
}

func encodeRun(r run) ([]byte, error) {
	return recordEnc.Marshal(r)
}

func decodeRun(v []byte) (*run, error) {
	var r run
	if err := cbor.Unmarshal(v, &r); err != nil {
		return nil, err
	}
	if r.Ran.IsZero() {
		return nil, fmt.Errorf("run record has no time it ran")
	}
	return &r, nil
}

func encodeStatus(st deliveryStatus) ([]byte, error) {
	return recordEnc.Marshal(st)
}

func decodeStatus(v []byte) (deliveryStatus, error) {
	var st deliveryStatus
	if err := cbor.Unmarshal(v, &st); err != nil {
		return deliveryStatus{}, err
	}
	switch st.State {
	case StatePending, StateSent, StateFailed:
	default:
		return deliveryStatus{}, fmt.Errorf("status record has state %q", st.State)
	}
	return st, nil
}

// The records of schemas 1 and 2: hoursd's Go types as encoding/json
// spells them. They are read to migrate a state to schema 3, and by a
// read-only look (hoursd status, a dry run) at a state that no hoursd of
// schema 3 has opened for writing yet.

func decodeMessageV2(id uint64, v []byte) (Delivery, error) {
	var d Delivery
	if err := json.Unmarshal(v, &d); err != nil {
		return Delivery{}, err
	}
	d.ID = id
	return d, nil
}

func decodeAnnouncementV2(v []byte) (*announcement, error) {
	var a announcement
	if err := json.Unmarshal(v, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func decodeRunV2(v []byte) (*run, error) {
	var r run
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func decodeStatusV2(v []byte) (deliveryStatus, error) {
	var st deliveryStatus
	err := json.Unmarshal(v, &st)
	return st, err
}

// recordCodec reads the records of one schema.
type recordCodec struct {
	message      func(id uint64, v []byte) (Delivery, error)
	announcement func(v []byte) (*announcement, error)
	run          func(v []byte) (*run, error)
	status       func(v []byte) (deliveryStatus, error)
}

var (
	codecV3 = recordCodec{decodeMessage, decodeAnnouncement, decodeRun, decodeStatus}
	codecV2 = recordCodec{decodeMessageV2, decodeAnnouncementV2, decodeRunV2, decodeStatusV2}
)
