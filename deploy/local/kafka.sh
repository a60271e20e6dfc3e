#!/usr/bin/env bash
# Kafka 4 in KRaft mode, one combined broker+controller node:
#   127.0.0.1:9092  PLAINTEXT       the platform's own services (principal User:ANONYMOUS, a super user)
#   127.0.0.1:9093  CONTROLLER      KRaft quorum
#   127.0.0.1:9094  SASL_PLAINTEXT  outside government platforms: SASL/OAUTHBEARER with a Keycloak
#                                   client-credentials token (signature by the realm's JWKS, issuer,
#                                   audience "kafka"); principal User:<client id>, bound by ACLs.
# See deploy/local/EXTERNAL-PLATFORMS.md.
source "$(dirname "$0")/lib.sh"
DIR="$LOCAL/kafka"; DATA="$DIR/data"; PID="$DIR/kafka.pid"; CONF="$DIR/server.properties"
CP="$DIR/libs/*"
JWKS_URL="$REALM_URL/protocol/openid-connect/certs"
DEMO_PLATFORM=zhengdun-ext-demo   # the realm's demo outside platform (deploy/keycloak/build_realm.py)
PUBLIC_TOPIC=zhengdun.public.v1   # zhengdun.messaging.topics.Topics().public

write_config() {
  mkdir -p "$DATA"
  cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,EXTERNAL://127.0.0.1:$KAFKA_EXTERNAL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,EXTERNAL://127.0.0.1:$KAFKA_EXTERNAL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT
log.dirs=$DATA
num.partitions=6
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=-1

# Authorization: ACLs in the KRaft metadata. The plaintext listeners (services, controller) carry
# User:ANONYMOUS, a super user, so internal traffic is unchanged; everyone else needs an ACL.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS
allow.everyone.if.no.acl.found=false

# Outside platforms: SASL/OAUTHBEARER on the EXTERNAL listener, tokens validated locally against
# the realm's signing keys (fetched from the JWKS URL, refreshed hourly and when an unknown key id
# arrives), issuer and audience. The principal is the token's azp claim: the platform's client id.
# The validator class is named on purpose: Kafka 4.1.1's default (DefaultJwtValidator, built without
# a key resolver) falls back to ClientJwtValidator, which checks claims but NOT the signature.
# The sasl.oauthbearer.* keys carry the listener prefix only (the broker strips it before the
# validator reads them); Kafka requires a non-empty scope claim (Keycloak client scope "kafka").
listener.name.external.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.external.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ;
listener.name.external.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler
listener.name.external.sasl.oauthbearer.jwt.validator.class=org.apache.kafka.common.security.oauthbearer.BrokerJwtValidator
listener.name.external.sasl.oauthbearer.jwks.endpoint.url=$JWKS_URL
listener.name.external.sasl.oauthbearer.expected.issuer=$REALM_URL
listener.name.external.sasl.oauthbearer.expected.audience=$KAFKA_AUDIENCE
listener.name.external.sasl.oauthbearer.sub.claim.name=azp
PROPS
  cat >"$DIR/log4j2.yaml" <<'LOG'
Configuration:
  Appenders:
    Console: {name: STDOUT, PatternLayout: {pattern: "[%d] %p %m (%c)%n"}}
  Loggers:
    Root: {level: INFO, AppenderRef: [{ref: STDOUT}]}
    Logger:
      - {name: kafka, level: WARN}
      - {name: org.apache.kafka, level: WARN}
LOG
}

start() {
  if pid_alive "$PID"; then say "kafka already running"; return; fi
  for port in $KAFKA_PORT $KAFKA_EXTERNAL_PORT; do port_open "$port" && die "port $port is taken by another process"; done
  write_config
  if [ ! -f "$DATA/meta.properties" ]; then
    say "formatting KRaft storage (once)"
    local id; id=$("$(java_bin)" -cp "$CP" kafka.tools.StorageTool random-uuid)
    "$(java_bin)" -cp "$CP" kafka.tools.StorageTool format -t "$id" -c "$CONF" --standalone >"$LOGS/kafka-format.log" 2>&1 \
      || { cat "$LOGS/kafka-format.log"; die "kafka storage format failed"; }
  fi
  # The external listener loads the realm's signing keys at start and the broker does not start
  # without them: Keycloak comes first (it needs nothing of Kafka).
  if ! curl -fsS "$JWKS_URL" >/dev/null 2>&1; then
    say "kafka validates outside platforms' tokens with Keycloak's keys: starting keycloak first"
    bash "$ROOT/deploy/local/keycloak.sh" start
  fi
  say "starting kafka on 127.0.0.1:$KAFKA_PORT (outside platforms: SASL/OAUTHBEARER on 127.0.0.1:$KAFKA_EXTERNAL_PORT)"
  # Kafka 4 fetches no OAuth URL (here: the JWKS) that this system property does not allow.
  nohup "$(java_bin)" -Xms256m -Xmx1g -Dlog4j2.configurationFile="$DIR/log4j2.yaml" \
    -Dorg.apache.kafka.sasl.oauthbearer.allowed.urls="$JWKS_URL" \
    -cp "$CP" kafka.Kafka "$CONF" >>"$LOGS/kafka.log" 2>&1 &
  echo $! >"$PID"
  wait_until 90 kafka ready
  grant_public "$DEMO_PLATFORM"
  say "kafka ready"
}

ready() {  # the broker answers metadata requests, not just an open port
  port_open $KAFKA_PORT && "$(java_bin)" -cp "$CP" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server 127.0.0.1:$KAFKA_PORT >/dev/null 2>&1
}

acls() {  # acls ARGS...: Kafka's AclCommand through the internal listener (a super user)
  "$(java_bin)" -cp "$CP" org.apache.kafka.tools.AclCommand --bootstrap-server 127.0.0.1:$KAFKA_PORT "$@" 2>"$LOGS/kafka-acls.log" \
    || { grep -v '^SLF4J' "$LOGS/kafka-acls.log" >&2; die "kafka-acls $* failed"; }
}

# The ACLs of an outside platform CLIENT_ID: it may read the public topic and use consumer groups
# named after itself (prefix CLIENT_ID), nothing else.
public_acls() {  # public_acls --add|--remove CLIENT_ID
  local action=$1 client=$2 force=()
  [[ $client =~ ^[A-Za-z0-9._-]+$ ]] || die "not a client id: $client"
  [ "$action" = --remove ] && force=(--force)
  acls "$action" "${force[@]}" --allow-principal "User:$client" --operation Read --operation Describe \
    --topic "$PUBLIC_TOPIC" --resource-pattern-type literal >/dev/null
  acls "$action" "${force[@]}" --allow-principal "User:$client" --operation Read \
    --group "$client" --resource-pattern-type prefixed >/dev/null
}
grant_public() {  # adding an existing ACL changes nothing
  public_acls --add "$1"; say "ACLs of $1: read $PUBLIC_TOPIC, consumer groups $1*"
}
revoke_public() { public_acls --remove "$1"; say "ACLs of $1 removed"; }

status() {
  if pid_alive "$PID" && port_open $KAFKA_PORT; then
    echo "kafka      up    127.0.0.1:$KAFKA_PORT (outside platforms: SASL/OAUTHBEARER 127.0.0.1:$KAFKA_EXTERNAL_PORT)"
  else echo "kafka      down"; return 1; fi
}
stop() { stop_pidfile "$PID" kafka; }
crash() {  # SIGKILL, as a broker that dies (the crash runs use it on their own broker)
  if pid_alive "$PID"; then kill -9 "$(cat "$PID")"; while pid_alive "$PID"; do sleep 0.2; done; say "kafka killed"; fi
  rm -f "$PID"
}

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;; ready) ready ;; crash) crash ;;
  config) write_config; cat "$CONF" ;;  # writes and shows the configuration the next start uses
  grant) grant_public "${2:?usage: $0 grant CLIENT_ID}" ;;
  revoke) revoke_public "${2:?usage: $0 revoke CLIENT_ID}" ;;
  acls) shift; acls "$@" ;;
  *) die "usage: $0 start|stop|crash|status|ready|config|grant CLIENT_ID|revoke CLIENT_ID|acls [AclCommand args]" ;;
esac
