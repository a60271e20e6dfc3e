#!/usr/bin/env bash
# Keycloak 26 in development mode on 127.0.0.1:8180, realm imported from deploy/keycloak/.
source "$(dirname "$0")/lib.sh"
DIR="$LOCAL/keycloak"; DIST="$DIR/dist"; PID="$DIR/keycloak.pid"
REALM_FILE="$ROOT/deploy/keycloak/zhengdun-realm.json"

start() {
  if pid_alive "$PID"; then say "keycloak already running"; return; fi
  port_open $KEYCLOAK_PORT && die "port $KEYCLOAK_PORT is taken by another process"
  [ -d "$DIST" ] || die "keycloak is not installed: run deploy/local/install.sh"
  # The realm is imported only into an empty store: when the realm file changes,
  # start from a clean development database so the import takes it.
  local want; want=$(sha256sum "$REALM_FILE" | cut -d' ' -f1)
  if [ "$(cat "$DIR/realm.sha" 2>/dev/null)" != "$want" ]; then
    say "realm file changed: resetting keycloak's development database"
    rm -rf "$DIST/data/h2" "$DIST/data/import"
  fi
  mkdir -p "$DIST/data/import"
  cp "$REALM_FILE" "$DIST/data/import/zhengdun-realm.json"
  say "starting keycloak on 127.0.0.1:$KEYCLOAK_PORT"
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin JAVA_OPTS_KC_HEAP="-Xms256m -Xmx768m" \
    nohup "$DIST/bin/kc.sh" start-dev --http-port=$KEYCLOAK_PORT --http-host=127.0.0.1 --import-realm \
      --health-enabled=true --http-management-port=$KEYCLOAK_MANAGEMENT_PORT >>"$LOGS/keycloak.log" 2>&1 &
  echo $! >"$PID"
  wait_until 600 keycloak ready   # its first start builds for minutes on a busy machine
  echo "$want" >"$DIR/realm.sha"
  say "keycloak ready"
}

ready() { curl -fsS "http://127.0.0.1:$KEYCLOAK_PORT/realms/zhengdun/.well-known/openid-configuration" >/dev/null; }
status() { if pid_alive "$PID" && ready; then echo "keycloak   up    http://127.0.0.1:$KEYCLOAK_PORT (admin/admin)"; else echo "keycloak   down"; return 1; fi; }
# A killed Keycloak can leave its development database (H2) unreadable: it gets time to close it.
stop() { stop_pidfile "$PID" keycloak 180; }

case "${1:-}" in start) start ;; stop) stop ;; status) status ;; ready) ready ;; *) die "usage: $0 start|stop|status|ready" ;; esac
