package daemon

import (
	"context"
	"time"
)

// replicated is a backend shared by replicas (PostgreSQL): each says it
// lives, renews its claims, and takes over what a replica that died left.
type replicated interface {
	heartbeat(serving []string) error
	orphans() ([]string, error)
	replicas() ([]Replica, error)
	leaseOf() time.Duration
}

func (s *pgStore) leaseOf() time.Duration { return s.lease }

// ReplicaObserver hears, at each heartbeat, each replica sharing the state:
// the metrics (web.Metrics) satisfy it.
type ReplicaObserver interface {
	SetReplica(name string, alive bool, sent, claimed int)
}

// Replicas lists the hoursd sharing a PostgreSQL state (this one among
// them); none on the embedded file.
func (d *Daemon) Replicas() ([]Replica, error) {
	rep, ok := d.store.(replicated)
	if !ok {
		return nil, nil
	}
	return rep.replicas()
}

// observeReplicas tells the observer which replicas live.
func (d *Daemon) observeReplicas(rep replicated) {
	o, ok := d.opts.Observer.(ReplicaObserver)
	if !ok {
		return
	}
	rs, err := rep.replicas()
	if err != nil {
		return
	}
	for _, r := range rs {
		o.SetReplica(r.Name, r.Alive, r.Sent, r.Claimed)
	}
}

// watchInterval is how often a daemon on the state file checks that it
// answers; a replica beats at a third of its lease.
const watchInterval = 30 * time.Second

// watchState watches the state while hoursd runs. When it stops answering
// (the database went away), hoursd says so once in the log — /healthz says
// so all along — and goes on; when it answers again, the checks that
// failed meanwhile are caught up and the outbox is sent, so that what was
// due is told once it is back. A replica also beats its heartbeat here and
// sends the messages of replicas that died (their leases ran out).
func (d *Daemon) watchState(ctx context.Context) {
	iv := watchInterval
	rep, _ := d.store.(replicated)
	if rep != nil {
		iv = rep.leaseOf() / 3
	}
	t := time.NewTicker(iv)
	defer t.Stop()
	if rep != nil {
		d.observeReplicas(rep)
	}
	down := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := d.store.Ping()
		if err == nil && rep != nil {
			err = rep.heartbeat(d.outbox.serving())
		}
		d.healthMu.Lock()
		d.watchErr = err
		d.healthMu.Unlock()
		switch {
		case err != nil && !down:
			down = true
			d.noteError(err)
			d.log.Error("the state does not answer; hoursd goes on and catches up when it is back", "err", err)
		case err == nil && down:
			down = false
			d.log.Info("the state answers again; catching up the checks and sends that failed meanwhile")
			d.noteError(nil)
			d.resume()
		}
		if err == nil && rep != nil {
			d.observeReplicas(rep)
			d.takeOver(rep)
		}
	}
}

// resume catches up the checks missed while the state was away and sends
// what the outbox holds.
func (d *Daemon) resume() {
	cfg := d.Config()
	d.stopMu.Lock()
	defer d.stopMu.Unlock()
	if closed(d.stopping) {
		return
	}
	d.catchUp(cfg, d.opts.Now(), false)
	if targets, _, err := d.store.pendingTargets(); err == nil && len(targets) > 0 {
		d.serveBackground(targets)
	}
}

// takeOver sends the messages a replica that died had claimed.
func (d *Daemon) takeOver(rep replicated) {
	targets, err := rep.orphans()
	if err != nil || len(targets) == 0 {
		return
	}
	d.log.Info("sending the messages of a replica that stopped answering", "targets", len(targets))
	d.stopMu.Lock()
	defer d.stopMu.Unlock()
	if !closed(d.stopping) {
		d.serveBackground(targets)
	}
}

// serveBackground sends the pending messages of targets in the daemon's
// lifetime (see outbox.life).
func (d *Daemon) serveBackground(targets []string) {
	send := func(ctx context.Context, dl Delivery) (Delivery, bool) {
		return d.sendRecovering(ctx, dl, d.opts.RetryFor)
	}
	d.background.Go(func() { d.outbox.serve(d.outbox.life, targets, send, func(Delivery) {}); d.countPending() })
}
