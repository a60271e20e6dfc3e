#!/usr/bin/env bash
# The five services as local processes (uvicorn, HTTP + Kafka consumers + outbox relay).
source "$(dirname "$0")/lib.sh"
DIR="$LOCAL/services"; mkdir -p "$DIR"

# A service's database through the cluster's Unix socket (postgres.sh puts it in $LOCAL/postgres): a round trip costs
# the service and the server less than through loopback TCP (TCP when the socket's path is too long for one).
# ZD_DATABASE_URL, when set, names one database for all.
database_url() {
  local socket="$LOCAL/postgres/.s.PGSQL.$POSTGRES_PORT"
  if [ -n "${ZD_DATABASE_URL:-}" ]; then echo "$ZD_DATABASE_URL"
  elif [ -S "$socket" ] && [ ${#socket} -lt 100 ]; then
    echo "postgresql+asyncpg://zhengdun:zhengdun@/zhengdun_$1?host=$LOCAL/postgres&port=$POSTGRES_PORT"
  else echo "postgresql+asyncpg://zhengdun:zhengdun@127.0.0.1:$POSTGRES_PORT/zhengdun_$1"; fi
}

migrate() {
  for svc in "${SERVICES[@]}"; do
    (cd "$ROOT" && ZD_DATABASE_URL=$(database_url "$svc") uv run --frozen --no-sync "zhengdun-$svc" migrate) >>"$LOGS/$svc.log" 2>&1 \
      || { tail -20 "$LOGS/$svc.log"; die "migration of $svc failed (see $LOGS/$svc.log)"; }
  done
  say "databases migrated"
}

start() {
  for svc in "${SERVICES[@]}"; do
    local port=${SERVICE_PORT[$svc]}
    if pid_alive "$DIR/$svc.pid"; then continue; fi
    port_open "$port" && die "port $port is taken by another process"
    # Its own process group (setsid, exec'd so the pid file names the leader): `uv run` keeps the service
    # as a child, and stopping must reach both, or `make down` leaves the service on its port.
    # Spans go to the local Zipkin (deploy/local/zipkin.sh).
    (cd "$ROOT" && PORT=$port ZD_CLOCK_SETTABLE=${ZD_CLOCK_SETTABLE:-1} ZD_DATABASE_URL=$(database_url "$svc") \
      OTEL_EXPORTER_ZIPKIN_ENDPOINT=${OTEL_EXPORTER_ZIPKIN_ENDPOINT:-http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans} \
      exec setsid nohup uv run --frozen --no-sync "zhengdun-$svc" serve >>"$LOGS/$svc.log" 2>&1) &
    echo $! >"$DIR/$svc.pid"
  done
  for svc in "${SERVICES[@]}"; do
    wait_until 90 "$svc" curl -fsS "http://127.0.0.1:${SERVICE_PORT[$svc]}/health/ready"
  done
  say "services ready"
}

status() {
  local rc=0
  for svc in "${SERVICES[@]}"; do
    local port=${SERVICE_PORT[$svc]}
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      printf '%-10s up    http://127.0.0.1:%s\n' "$svc" "$port"
    else printf '%-10s down\n' "$svc"; rc=1; fi
  done
  return $rc
}

stop() { for svc in "${SERVICES[@]}"; do stop_pidfile "$DIR/$svc.pid" "$svc"; done; }

case "${1:-}" in migrate) migrate ;; start) start ;; stop) stop ;; status) status ;; *) die "usage: $0 migrate|start|stop|status" ;; esac
