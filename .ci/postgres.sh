#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the test suite; prints its URL.
# Installs the server from Debian's packages when the machine has none.
# The port is a free one picked here (RECTIFY_PG_PORT forces one): a fixed port can be held by
# another server on a shared machine. The socket lives in the data directory for the same reason.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
DATA=$(mktemp -d /tmp/rectify-pg.XXXXXX)
chown postgres "$DATA"
echo "$DATA" > /tmp/rectify-pg.last
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
as_pg "$PGBIN/initdb" -D "$DATA" -A trust -U postgres >/dev/null
started=""
for attempt in 1 2 3 4 5; do
  PORT=${RECTIFY_PG_PORT:-$(free_port)}
  if as_pg "$PGBIN/pg_ctl" -D "$DATA" -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off" \
      -l "$DATA/log" -w start >/dev/null 2>&1; then
    started=yes
    break
  fi
  echo "PostgreSQL did not start on port $PORT (attempt $attempt):" >&2
  tail -n 5 "$DATA/log" >&2 || true
  sleep 1
done
[ -n "$started" ] || { echo "PostgreSQL could not be started" >&2; exit 1; }
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE rectify_test" >/dev/null
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/rectify_test"
