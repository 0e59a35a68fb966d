-- The database of deploy/docker/compose.replicas.yaml, made once by the
-- postgres image when its data volume is new: it runs this file with psql as
-- the superuser, in the database POSTGRES_DB (hoursd). hoursd gets a role that
-- may connect to this database and owns one schema, where it creates and
-- migrates its tables itself; nothing else. docs/deployment.md
-- ("Two replicas on PostgreSQL") has the same for a database of your own.
\set ON_ERROR_STOP on

-- The password hoursd's DSN (secrets/postgres-dsn) carries, from its own
-- secret: psql reads it here, so that it appears in no command line or log.
\set password `cat /run/secrets/postgres-hoursd-password`
CREATE ROLE hoursd LOGIN PASSWORD :'password';
\unset password

REVOKE ALL ON DATABASE hoursd FROM PUBLIC;
GRANT CONNECT ON DATABASE hoursd TO hoursd;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA hoursd AUTHORIZATION hoursd;

-- A replica that vanishes (its machine, or its network) holds its name and
-- possibly a transaction's row locks until the server drops its connection:
-- make that minutes, not the two hours of the kernel's default keepalive.
ALTER ROLE hoursd SET tcp_keepalives_idle = 60;
ALTER ROLE hoursd SET tcp_keepalives_interval = 10;
ALTER ROLE hoursd SET tcp_keepalives_count = 6;
ALTER ROLE hoursd SET idle_in_transaction_session_timeout = '1min';
