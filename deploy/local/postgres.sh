#!/usr/bin/env bash
# PostgreSQL from Debian's packages, as a cluster of our own under .local/postgres on 127.0.0.1:5432.
source "$(dirname "$0")/lib.sh"
DIR="$LOCAL/postgres"; DATA="$DIR/data"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] || die "postgresql is not installed: run deploy/local/install.sh"
# PostgreSQL refuses to run as root: run it as the postgres system user then.
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi
DB_USER=zhengdun; DB_PASSWORD=zhengdun

start() {
  if "${AS_PG[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then say "postgres already running"; return; fi
  if port_open $POSTGRES_PORT; then
    # A cluster Debian's package started by itself holds the port: stop it, ours is the one we use.
    command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | awk -v p=$POSTGRES_PORT '$3==p && $4=="online"{print $1, $2}' |
      while read -r v c; do say "stopping Debian's default cluster $v/$c on port $POSTGRES_PORT"; pg_ctlcluster "$v" "$c" stop || true; done
    sleep 1
    port_open $POSTGRES_PORT && die "port $POSTGRES_PORT is taken by another process"
  fi
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating the database cluster (once)"
    "${AS_PG[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$LOGS/postgres-initdb.log" 2>&1 || { cat "$LOGS/postgres-initdb.log"; die "initdb failed"; }
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$DIR'
max_connections = 300
shared_buffers = 256MB
CONF
  fi
  say "starting postgres on 127.0.0.1:$POSTGRES_PORT"
  "${AS_PG[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 start >/dev/null
  ln -sf "$DIR/postgres.log" "$LOGS/postgres.log"
  # The application role (idempotent): may create the per-service (and test) databases.
  "${AS_PG[@]}" "$BIN/psql" -h "$DIR" -p $POSTGRES_PORT -U postgres -qtAc \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
       CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END \$\$;" >/dev/null
  for svc in "${SERVICES[@]}"; do
    "${AS_PG[@]}" "$BIN/psql" -h "$DIR" -p $POSTGRES_PORT -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = 'zhengdun_$svc'" | grep -q 1 ||
      "${AS_PG[@]}" "$BIN/psql" -h "$DIR" -p $POSTGRES_PORT -U postgres -qc "CREATE DATABASE zhengdun_$svc OWNER $DB_USER" >/dev/null
  done
  say "postgres ready"
}

ready() { "$BIN/pg_isready" -h 127.0.0.1 -p $POSTGRES_PORT >/dev/null; }
status() { if ready; then echo "postgres   up    127.0.0.1:$POSTGRES_PORT (user $DB_USER)"; else echo "postgres   down"; return 1; fi; }
stop() {
  if "${AS_PG[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    "${AS_PG[@]}" "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; say "postgres stopped"
  fi
}

crash() {  # immediate shutdown: no checkpoint, crash recovery at the next start (the crash runs use it)
  if "${AS_PG[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    "${AS_PG[@]}" "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null; say "postgres stopped (immediate)"
  fi
}

case "${1:-}" in
  start) start ;; stop) stop ;; crash) crash ;; status) status ;; ready) ready ;;
  *) die "usage: $0 start|stop|crash|status|ready" ;;
esac
