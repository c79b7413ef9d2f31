#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from the OS packages:
#   source scripts/pg.sh && pg_start    # exports BAOXIU_TEST_PG=postgres://postgres@127.0.0.1:PORT
#   pg_start --ssl                      # the same with ssl=on and a self-signed certificate;
#                                       # also exports BAOXIU_TEST_PG_SSL (the same server) and
#                                       # BAOXIU_TEST_PG_CA (its certificate, for sslrootcert=)
#   pg_stop                             # also run by the EXIT trap pg_start installs
# initdb in a temporary folder (as the `postgres` user when run as root), trust auth
# (except the role baoxiu_pw over TCP, which needs its password), listening on 127.0.0.1
# at a free port. fsync is off: the data is thrown away.

# The role that signs in with a password on the throwaway cluster (see pg_start).
PG_PASSWORD_ROLE=baoxiu_pw

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
  local ssl=""
  [ "${1:-}" = "--ssl" ] && ssl=1
  pg_install || return 1
  local bin; bin="$(pg_bin)"
  PG_DIR="$(mktemp -d /tmp/baoxiu-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  pg_as "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # One role must give a password, so a wrong one can be refused (数据库连接's "用户名或
  # 密码不对"); the tests create it. Every other login stays trusted.
  pg_as sed -i "1i host all $PG_PASSWORD_ROLE 127.0.0.1/32 scram-sha-256" "$PG_DIR/data/pg_hba.conf"
  local opts="-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ -n "$ssl" ]; then
    command -v openssl >/dev/null || { echo "pg.sh: --ssl needs the openssl command (apt-get install openssl)" >&2; return 1; }
    # Self-signed, for the names the tests connect to; the server insists on 0600 and its owner.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$PG_DIR/server.key" -out "$PG_DIR/server.crt" >/dev/null 2>&1 \
      || { echo "pg.sh: openssl could not make a certificate" >&2; return 1; }
    chmod 600 "$PG_DIR/server.key" "$PG_DIR/server.crt"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR/server.key" "$PG_DIR/server.crt"
    # The tests read the certificate as the CA file: a readable copy for them.
    cp "$PG_DIR/server.crt" "$PG_DIR/ca.crt" && chmod 644 "$PG_DIR/ca.crt"
    opts="$opts -c ssl=on -c ssl_cert_file=$PG_DIR/server.crt -c ssl_key_file=$PG_DIR/server.key"
  fi
  pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start -o "$opts" >/dev/null
  export BAOXIU_TEST_PG="postgres://postgres@127.0.0.1:$PG_PORT"
  if [ -n "$ssl" ]; then
    export BAOXIU_TEST_PG_SSL="$BAOXIU_TEST_PG" BAOXIU_TEST_PG_CA="$PG_DIR/ca.crt"
  fi
  trap pg_stop EXIT
  echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $BAOXIU_TEST_PG${ssl:+ (ssl=on, CA $PG_DIR/ca.crt)}"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    pg_as "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  PG_DIR=""
  unset BAOXIU_TEST_PG BAOXIU_TEST_PG_SSL BAOXIU_TEST_PG_CA
}
