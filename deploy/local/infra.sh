#!/usr/bin/env bash
# The real parts: PostgreSQL, Kafka, Keycloak, Zipkin and the mail server (started in that order, stopped in reverse).
source "$(dirname "$0")/lib.sh"
here="$ROOT/deploy/local"
case "${1:-}" in
  start) bash "$here/postgres.sh" start; bash "$here/kafka.sh" start; bash "$here/keycloak.sh" start; bash "$here/zipkin.sh" start; bash "$here/smtp.sh" start ;;
  stop) bash "$here/smtp.sh" stop; bash "$here/zipkin.sh" stop; bash "$here/keycloak.sh" stop; bash "$here/kafka.sh" stop; bash "$here/postgres.sh" stop ;;
  status) rc=0; for p in postgres kafka keycloak zipkin smtp; do bash "$here/$p.sh" status || rc=1; done; exit $rc ;;
  *) die "usage: $0 start|stop|status" ;;
esac
