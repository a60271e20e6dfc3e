#!/usr/bin/env bash
# Kafka 4 in KRaft mode, one combined broker+controller node on 127.0.0.1:9092.
source "$(dirname "$0")/lib.sh"
DIR="$LOCAL/kafka"; DATA="$DIR/data"; PID="$DIR/kafka.pid"; CONF="$DIR/server.properties"
CP="$DIR/libs/*"

write_config() {
  mkdir -p "$DATA"
  cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
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
  port_open $KAFKA_PORT && die "port $KAFKA_PORT is taken by another process"
  write_config
  if [ ! -f "$DATA/meta.properties" ]; then
    say "formatting KRaft storage (once)"
    local id; id=$("$(java_bin)" -cp "$CP" kafka.tools.StorageTool random-uuid)
    "$(java_bin)" -cp "$CP" kafka.tools.StorageTool format -t "$id" -c "$CONF" --standalone >"$LOGS/kafka-format.log" 2>&1 \
      || { cat "$LOGS/kafka-format.log"; die "kafka storage format failed"; }
  fi
  say "starting kafka on 127.0.0.1:$KAFKA_PORT"
  nohup "$(java_bin)" -Xms256m -Xmx1g -Dlog4j2.configurationFile="$DIR/log4j2.yaml" \
    -cp "$CP" kafka.Kafka "$CONF" >>"$LOGS/kafka.log" 2>&1 &
  echo $! >"$PID"
  wait_until 90 kafka ready
  say "kafka ready"
}

ready() {  # the broker answers metadata requests, not just an open port
  port_open $KAFKA_PORT && "$(java_bin)" -cp "$CP" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server 127.0.0.1:$KAFKA_PORT >/dev/null 2>&1
}

status() { if pid_alive "$PID" && port_open $KAFKA_PORT; then echo "kafka      up    127.0.0.1:$KAFKA_PORT"; else echo "kafka      down"; return 1; fi; }
stop() { stop_pidfile "$PID" kafka; }

case "${1:-}" in start) start ;; stop) stop ;; status) status ;; ready) ready ;; *) die "usage: $0 start|stop|status|ready" ;; esac
