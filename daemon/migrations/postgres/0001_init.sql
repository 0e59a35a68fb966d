-- hoursd's state in PostgreSQL, schema version 1: the same records as the
-- embedded state file (daemon/store.go), as tables, with what replicas need
-- to share them: a claim row per (subscriber, check instant), a lease on
-- each pending message, and a row per replica.

-- runs: each subscriber's last check. The row is also what a replica locks
-- (SELECT … FOR UPDATE) while it plans and queues the subscriber's check.
CREATE TABLE runs (
	subscriber text PRIMARY KEY,
	at         timestamptz,          -- the instant the last check stood for
	ran        timestamptz,          -- when it ran; NULL: never checked
	messages   integer NOT NULL DEFAULT 0,
	err        text NOT NULL DEFAULT ''
);

-- checks: one row per (subscriber, check instant) planned and queued. The
-- primary key is what keeps two replicas from queueing the same check twice,
-- whatever the code does.
CREATE TABLE checks (
	subscriber text NOT NULL,
	at         timestamptz NOT NULL,
	replica    text NOT NULL,
	PRIMARY KEY (subscriber, at)
);

-- announcements: what each target was told of each change.
CREATE TABLE announcements (
	subscriber text NOT NULL,
	target     text NOT NULL,
	schedule   text NOT NULL,
	date       date NOT NULL,
	kind       text NOT NULL,
	offsets    integer[] NOT NULL,
	current    text,                 -- JSON; NULL once cancelled
	message    bigint NOT NULL,
	PRIMARY KEY (subscriber, target, schedule, date, kind)
);
CREATE INDEX announcements_date ON announcements (date);

-- outbox: every message, written before it is sent, and where it stands.
-- What changes as it is sent (state, attempts, the claim) is here, in a
-- narrow row with room beside it on its page; what it says is in
-- messages, written once: a claim or an attempt then writes a new version
-- of a hundred bytes, not of the whole message.
CREATE TABLE outbox (
	id            bigserial PRIMARY KEY,
	subscriber    text NOT NULL,
	target        text NOT NULL,
	due           timestamptz NOT NULL,
	state         text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
	attempts      integer NOT NULL DEFAULT 0,
	last_error    text NOT NULL DEFAULT '',
	created       timestamptz NOT NULL,
	updated       timestamptz NOT NULL,
	sent_at       timestamptz,
	queued_by     text NOT NULL,     -- the replica that queued it
	sent_by       text,              -- the replica whose send was accepted
	claimed_by    text,              -- the replica sending it, while claimed_until lies ahead
	claimed_until timestamptz
) WITH (fillfactor = 60);
CREATE INDEX outbox_pending ON outbox (target, id) WHERE state = 'pending';
CREATE INDEX outbox_due ON outbox (due);

-- messages: what each outbox message says, as rendered at its check.
CREATE TABLE messages (
	id         bigint PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
	channel    text NOT NULL,
	checked_at timestamptz NOT NULL,
	today      date NOT NULL,
	subject    text NOT NULL,
	body       text NOT NULL,
	items      text NOT NULL      -- JSON, as the state file keeps it
);

-- replicas: each hoursd run that shares this database, for status.
CREATE TABLE replicas (
	name    text PRIMARY KEY,
	started timestamptz NOT NULL,
	seen    timestamptz NOT NULL,   -- its last heartbeat
	stopped timestamptz             -- set when it stopped in good order
);

-- quarantine: records that could not be read, kept raw.
CREATE TABLE quarantine (
	id    bigserial PRIMARY KEY,
	tbl   text NOT NULL,
	key   text NOT NULL,
	raw   text NOT NULL,
	err   text NOT NULL,
	moved timestamptz NOT NULL DEFAULT now()
);
