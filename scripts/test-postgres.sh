#!/usr/bin/env bash
# Runs a command (the test suite) with TEST_POSTGRES_URL naming a private, throwaway PostgreSQL
# cluster, so the storage contract suite runs on PostgreSQL as well as on SQLite.
#
# The cluster lives in a fresh folder under /tmp, listens only on a unix socket in that folder (no
# TCP port to collide with), trusts local connections, skips fsync (nothing in it must survive), and
# is stopped and deleted when the command ends. PostgreSQL refuses to run as root, so under root the
# server runs as the `postgres` user. Without PostgreSQL server programs it says so in one line and
# runs the command anyway (the PostgreSQL tests then skip). A TEST_POSTGRES_URL already set is used
# as it is. Usage: scripts/test-postgres.sh COMMAND [ARGS...]
set -euo pipefail

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

skip() {
  echo "PostgreSQL tests will be skipped: $1" >&2
  shift
  exec "$@"
}

# Debian puts the server programs outside PATH; pg_config (libpq-dev) or the newest version folder finds them.
bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir="$(pg_config --bindir)"
elif command -v initdb >/dev/null 2>&1; then
  bindir="$(dirname "$(readlink -f "$(command -v initdb)")")"
else
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [ -x "$candidate/initdb" ] && bindir="$candidate"
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ] || [ ! -x "$bindir/postgres" ]; then
  skip "no PostgreSQL server programs (initdb, pg_ctl, postgres) on this machine" "$@"
fi

as_owner=()
if [ "$(id -u)" = 0 ]; then
  if ! id -u postgres >/dev/null 2>&1 || ! command -v runuser >/dev/null 2>&1; then
    skip "running as root, and there is no 'postgres' user (or no runuser) to run the server as" "$@"
  fi
  as_owner=(runuser -u postgres --)
fi

cluster="$(mktemp -d /tmp/pgtest.XXXXXX)"
if [ "${#as_owner[@]}" -gt 0 ]; then
  chown postgres: "$cluster"
fi

run_as_owner() {
  (cd "$cluster" && ${as_owner[@]+"${as_owner[@]}"} "$@")
}

stop_cluster() {
  if [ -f "$cluster/data/postmaster.pid" ]; then
    run_as_owner "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$cluster"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_cluster() {
  run_as_owner "$bindir/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
    >"$cluster/initdb.log" 2>&1 || return 1
  cat >>"$cluster/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$cluster'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  run_as_owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 30 start \
    >/dev/null 2>&1
}

if start_cluster; then
  export TEST_POSTGRES_URL="postgresql://postgres@/postgres?host=$cluster"
  echo "PostgreSQL tests: throwaway cluster $("$bindir/postgres" --version | awk '{print $3}') in $cluster" >&2
else
  echo "PostgreSQL tests will be skipped: the throwaway cluster did not start:" >&2
  tail -n 5 "$cluster/initdb.log" "$cluster/server.log" 2>/dev/null >&2 || true
fi

set +e
"$@"
status=$?
exit "$status"
