package daemon

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// frozenSender stands for a channel at the moment hoursd is killed: every
// send waits at the gate, and by the time it goes on the state has been
// frozen as a kill -9 leaves it (nothing is written any more). Its message
// either went out just before the kill (delivered) or never did.
type frozenSender struct {
	boxSender
	arrived   chan<- struct{}
	gate      <-chan struct{}
	delivered bool
}

func (f frozenSender) Send(ctx context.Context, subject, body string) error {
	f.arrived <- struct{}{}
	<-f.gate
	if !f.delivered {
		return notifier.Transient(errors.New("killed before the send"), 0)
	}
	return f.boxSender.Send(ctx, subject, body)
}

// TestKilledMidFanOut kills hoursd at the two points of a send's life where
// the state and the world disagree: after the check queued its messages (in
// one batched write) and before they were sent, and after the channels
// accepted them and before the batched write that marks them sent. After
// the restart nothing is lost, and only the messages in flight at the kill
// are repeated.
func TestKilledMidFanOut(t *testing.T) {
	const targets = 12
	tests := []struct {
		name      string
		delivered bool // the sends in flight got through before the kill
		wantDups  int
	}{
		{"between the queueing and the sends", false, 0},
		{"between the sends and their marks", true, targets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var addrs []string
			for i := range targets {
				addrs = append(addrs, fmt.Sprintf("mail:t%d@example.com", i))
			}
			cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, addrs...))
			s := newSim(t, cfg, at(t, "2026-04-29 12:00"))
			arrived, gate := make(chan struct{}), make(chan struct{})
			s.d.opts.SenderFor = func(_ *config.Config, tg config.Target) (notifier.Sender, error) {
				return frozenSender{boxSender{s.box, tg.Address}, arrived, gate, tt.delivered}, nil
			}
			s.clock.Set(at(t, "2026-04-29 18:00"))
			done := make(chan struct{})
			go func() { defer close(done); s.d.runSpec("0 18 * * *") }()
			for range targets { // every message queued and in flight
				<-arrived
			}
			// The kill: from here on nothing reaches the state file.
			if err := s.d.store.(*Store).db.Close(); err != nil {
				t.Fatal(err)
			}
			close(gate)
			<-done
			s.d.Close()

			// The restart sends what the state says is still pending.
			s.clock.Set(at(t, "2026-04-29 18:05"))
			s.open()
			count := map[string]int{}
			for _, g := range s.box.got {
				count[g.target]++
			}
			dups := 0
			for _, a := range addrs {
				addr := a[len("mail:"):]
				switch n := count[addr]; {
				case n == 0:
					t.Errorf("%s never heard of Valborg: a message was lost", addr)
				case n > 1:
					dups += n - 1
				}
			}
			if dups != tt.wantDups {
				t.Errorf("%d messages repeated after the restart, want %d (the messages in flight at the kill: %d)", dups, tt.wantDups, targets)
			}
			st, err := s.d.Status()
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Pending) != 0 {
				t.Errorf("%d messages still pending after the restart, want none", len(st.Pending))
			}
		})
	}
}
