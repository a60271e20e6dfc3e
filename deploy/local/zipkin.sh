#!/usr/bin/env bash
# Zipkin, the local trace backend: UI and API on 127.0.0.1:9411, spans kept in memory (a restart
# forgets them; beyond 50 000 spans the oldest go: spans with SQL are large, and 150 000 of them
# ran 512 MB out of memory in a test run). Every local service exports its spans here
# (OTEL_EXPORTER_ZIPKIN_ENDPOINT, set by services.sh and by the test platform); find a trace at
# http://127.0.0.1:9411/zipkin/traces/<trace id>.
source "$(dirname "$0")/lib.sh"
DIR="$LOCAL/zipkin"; PID="$DIR/zipkin.pid"; JAR="$LOCAL/downloads-zipkin/zipkin.jar"

start() {
  if pid_alive "$PID"; then say "zipkin already running"; return; fi
  port_open $ZIPKIN_PORT && die "port $ZIPKIN_PORT is taken by another process"
  [ -f "$JAR" ] || die "zipkin is not installed: run deploy/local/install.sh"
  mkdir -p "$DIR"
  say "starting zipkin on 127.0.0.1:$ZIPKIN_PORT"
  # Armeria's port list replaces the default wildcard listener: loopback only, like every local part.
  STORAGE_TYPE=mem MEM_MAX_SPANS=${ZD_ZIPKIN_MAX_SPANS:-50000} \
    nohup "$(java_bin)" -Xms64m -Xmx1g -jar "$JAR" --armeria.ports[0].port=$ZIPKIN_PORT \
      --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].protocols=http >>"$LOGS/zipkin.log" 2>&1 &
  echo $! >"$PID"
  wait_until 90 zipkin ready
  say "zipkin ready"
}

ready() { curl -fsS "http://127.0.0.1:$ZIPKIN_PORT/health" | grep -q '"UP"'; }
status() { if pid_alive "$PID" && ready; then echo "zipkin     up    http://127.0.0.1:$ZIPKIN_PORT/zipkin/ (traces)"; else echo "zipkin     down"; return 1; fi; }
stop() { stop_pidfile "$PID" zipkin; }

case "${1:-}" in start) start ;; stop) stop ;; status) status ;; ready) ready ;; *) die "usage: $0 start|stop|status|ready" ;; esac
