#!/bin/sh
# First start on an empty data directory: initdb, the role POSTGRES_USER with POSTGRES_PASSWORD
# (scram-sha-256 over the network) and the database POSTGRES_DB owned by it. Then the server.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
if [ "${1:-postgres}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  initdb --pgdata="$PGDATA" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl --pgdata="$PGDATA" --silent --wait -o "-c listen_addresses=''" start
  psql --username=postgres --dbname=postgres --quiet --no-psqlrc --set ON_ERROR_STOP=1 \
    --set user="$user" --set password="$POSTGRES_PASSWORD" --set db="$db" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'user', :'password')
  WHERE :'user' <> 'postgres' \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'user', :'password') WHERE :'user' = 'postgres' \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE :'db' <> 'postgres' \gexec
SQL
  pg_ctl --pgdata="$PGDATA" --silent --wait --mode=fast stop
  echo "postgres-entrypoint: database \"$db\" with owner \"$user\" created in $PGDATA"
fi
if [ "${1:-postgres}" = postgres ]; then
  [ $# -gt 0 ] && shift
  exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
