#!/usr/bin/env bash
# The one origin people use: Debian's nginx serves the console's bundle and routes /api/<service>/ to the
# five services (streamed both ways, so uploads and downloads meet only the services' own limits).
# Its configuration is written into $ZD_GATEWAY_DIR (default .local/gateway) at every start.
# Tests start their own gateway on a free port in front of their own services:
#   ZD_GATEWAY_DIR=… ZD_GATEWAY_PORT=… ZD_UPSTREAM_SCREENING=127.0.0.1:PORT … gateway.sh start
source "$(dirname "$0")/lib.sh"
DIR="${ZD_GATEWAY_DIR:-$LOCAL/gateway}"
PORT="${ZD_GATEWAY_PORT:-8100}"
DIST="${ZD_CONSOLE_DIST:-$ROOT/services/console/dist}"
AUTHORITY="${ZD_CONSOLE_AUTHORITY:-$REALM_URL}"
PID="$DIR/nginx.pid"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

upstream() {  # upstream SERVICE → host:port
  local var="ZD_UPSTREAM_${1^^}"
  echo "${!var:-127.0.0.1:${SERVICE_PORT[$1]}}"
}

configure() {
  mkdir -p "$DIR/tmp"
  printf '{"authority": "%s", "clientId": "zhengdun-web", "tokenPath": "/auth/token"}\n' "$AUTHORITY" >"$DIR/config.json"
  {
    cat <<CONF
# Written by deploy/local/gateway.sh; edit that script, not this file.
worker_processes 1;
pid $PID;
error_log $DIR/error.log warn;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log $DIR/access.log;
  client_body_temp_path $DIR/tmp/body;
  proxy_temp_path $DIR/tmp/proxy;
  fastcgi_temp_path $DIR/tmp/fastcgi;
  uwsgi_temp_path $DIR/tmp/uwsgi;
  scgi_temp_path $DIR/tmp/scgi;
  sendfile on;
  gzip on;
  gzip_types text/css application/javascript application/json image/svg+xml;
  # Above every service's own upload limit (registry import 50 MB, evidence 20 MB): the service answers 413 itself.
  client_max_body_size 64m;
  server {
    listen 127.0.0.1:$PORT;
    root $DIST;
    location = /config.json { default_type application/json; add_header Cache-Control no-store; alias $DIR/config.json; }
    # The browser fetches tokens here, on its own origin: no CORS anywhere. Login and logout pages are
    # navigations to Keycloak itself. Keycloak sees its own host, so the tokens' issuer stays the realm URL.
    location = /auth/token {
      proxy_pass $AUTHORITY/protocol/openid-connect/token;
      proxy_set_header Origin "";
      proxy_http_version 1.1;
    }
CONF
    for svc in "${SERVICES[@]}"; do
      cat <<CONF
    location /api/$svc/ {
      proxy_pass http://$(upstream "$svc")/;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Prefix /api/$svc;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
CONF
    done
    cat <<CONF
    # Hashed file names: cached for good. index.html: always asked again, so a new build shows at once.
    location /assets/ { expires 1y; add_header Cache-Control "public, immutable"; }
    location / { try_files \$uri /index.html; add_header Cache-Control no-cache; }
  }
}
CONF
  } >"$DIR/nginx.conf"
  "$NGINX" -t -q -p "$DIR" -c "$DIR/nginx.conf" 2>>"$DIR/error.log" || { tail -5 "$DIR/error.log"; die "nginx rejects $DIR/nginx.conf"; }
}

start() {
  [ -x "$NGINX" ] || die "nginx is missing (deploy/local/apt-packages.txt lists it; run deploy/local/install.sh)"
  [ -f "$DIST/index.html" ] || die "the console is not built: deploy/local/console.sh build"
  configure
  if pid_alive "$PID"; then "$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -s reload; say "gateway reloaded"; return; fi
  port_open "$PORT" && die "port $PORT is taken by another process"
  "$NGINX" -p "$DIR" -c "$DIR/nginx.conf"   # daemonises; its pid file names the master
  wait_until 20 gateway curl -fsS "http://127.0.0.1:$PORT/config.json"
  say "gateway on http://127.0.0.1:$PORT"
}

stop() { stop_pidfile "$PID" gateway; }
status() { if pid_alive "$PID"; then echo "gateway    up    http://127.0.0.1:$PORT"; else echo "gateway    down"; return 1; fi; }

case "${1:-}" in start) start ;; stop) stop ;; status) status ;; *) die "usage: $0 start|stop|status" ;; esac
