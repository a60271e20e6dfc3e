#!/usr/bin/env bash
# The local mail server: aiosmtpd (PyPI, in uv.lock) on 127.0.0.1:8025, every message it receives
# kept in a maildir ($LOCAL/mail: new/ holds one file per message), so tests and operators can
# read back what the platform sent. Production points ZD_SMTP_* at the organisation's relay.
source "$(dirname "$0")/lib.sh"
DIR="$LOCAL/smtp"; PID="$DIR/smtp.pid"; MAILDIR="$LOCAL/mail"

start() {
  if pid_alive "$PID"; then say "smtp already running"; return; fi
  port_open $SMTP_PORT && die "port $SMTP_PORT is taken by another process"
  mkdir -p "$DIR" "$MAILDIR/tmp" "$MAILDIR/new" "$MAILDIR/cur"
  say "starting the mail server on 127.0.0.1:$SMTP_PORT (maildir $MAILDIR)"
  # exec'd in a background subshell (as services.sh does) so the pid file names the server itself:
  # a forking setsid would leave it under another pid that `stop` never reaches.
  (cd "$ROOT" && exec setsid nohup "$ROOT/.venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" \
      -c aiosmtpd.handlers.Mailbox "$MAILDIR" >>"$LOGS/smtp.log" 2>&1) &
  echo $! >"$PID"
  wait_until 30 "mail server" ready
  say "mail server ready"
}

ready() { port_open $SMTP_PORT; }
status() { if pid_alive "$PID" && ready; then echo "smtp       up    127.0.0.1:$SMTP_PORT (maildir $MAILDIR)"; else echo "smtp       down"; return 1; fi; }
stop() { stop_pidfile "$PID" smtp; }

case "${1:-}" in start) start ;; stop) stop ;; status) status ;; ready) ready ;; *) die "usage: $0 start|stop|status|ready" ;; esac
