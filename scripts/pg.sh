#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from the OS packages:
#   source scripts/pg.sh && pg_start    # exports BAOXIU_TEST_PG=postgres://postgres@127.0.0.1:PORT
#   pg_stop                             # also run by the EXIT trap pg_start installs
# initdb in a temporary folder (as the `postgres` user when run as root), trust auth,
# listening on 127.0.0.1 at a free port. fsync is off: the data is thrown away.

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

pg_install() {
  if ! pg_bin >/dev/null; then
    echo "== apt-get install postgresql"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql postgresql-client
  fi
  pg_bin >/dev/null || { echo "pg.sh: PostgreSQL did not install" >&2; return 1; }
}

pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  pg_install || return 1
  local bin; bin="$(pg_bin)"
  PG_DIR="$(mktemp -d /tmp/baoxiu-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  pg_as "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  export BAOXIU_TEST_PG="postgres://postgres@127.0.0.1:$PG_PORT"
  trap pg_stop EXIT
  echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $BAOXIU_TEST_PG"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    pg_as "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  PG_DIR=""
  unset BAOXIU_TEST_PG
}
