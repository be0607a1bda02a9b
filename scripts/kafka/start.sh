#!/usr/bin/env bash
# Starts a single-node KRaft Kafka broker on 127.0.0.1:$KAFKA_PORT unless one already answers there.
# It also listens with SASL_SSL on 127.0.0.1:$KAFKA_SASL_SSL_PORT (private CA in $KAFKA_TLS_DIR,
# PLAIN and SCRAM-SHA-256/512 user $KAFKA_SASL_DEV_USER); connection details in $KAFKA_HOME_DIR/sasl-ssl.json.
# KAFKA_HOME_DIR, KAFKA_PORT, KAFKA_CONTROLLER_PORT and KAFKA_SASL_SSL_PORT run a second broker beside it.
set -euo pipefail
source "$(dirname "$0")/env.sh"

ensure_sasl_users() {
  # SCRAM credentials live in the cluster metadata: (re)set them once the broker answers
  # (idempotent; works on a data dir formatted before this listener existed).
  if grep -q '^listeners=.*SASL_SSL' "$KAFKA_HOME_DIR/server.properties" 2>/dev/null && [ ! -s "$KAFKA_HOME_DIR/sasl-ssl.json" ]; then
    # one mechanism per request: the broker refuses two alterations of one user in one request
    for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do
      java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$KAFKA_HOME_DIR/log4j.properties" kafka.admin.ConfigCommand \
        --bootstrap-server "127.0.0.1:$KAFKA_PORT" --alter --entity-type users --entity-name "$KAFKA_SASL_DEV_USER" \
        --add-config "$mechanism=[password=$KAFKA_SASL_DEV_PASSWORD]" >/dev/null
    done
    printf '{"brokers":["127.0.0.1:%s"],"caFile":"%s","clientCertFile":"%s","clientKeyFile":"%s","username":"%s","password":"%s","mechanisms":["plain","scram-sha-256","scram-sha-512"]}\n' \
      "$KAFKA_SASL_SSL_PORT" "$KAFKA_TLS_DIR/ca.pem" "$KAFKA_TLS_DIR/client.pem" "$KAFKA_TLS_DIR/client-key.pem" "$KAFKA_SASL_DEV_USER" "$KAFKA_SASL_DEV_PASSWORD" > "$KAFKA_HOME_DIR/sasl-ssl.json.tmp"
    mv "$KAFKA_HOME_DIR/sasl-ssl.json.tmp" "$KAFKA_HOME_DIR/sasl-ssl.json"
  fi
}

if node "$ROOT_DIR/scripts/kafka/wait.mjs" --timeout 2000 >/dev/null 2>&1; then
  echo "kafka: already up on 127.0.0.1:$KAFKA_PORT"
  ensure_sasl_users
  exit 0
fi

bash "$ROOT_DIR/scripts/kafka/fetch.sh"
mkdir -p "$KAFKA_HOME_DIR/data" "$KAFKA_HOME_DIR/logs"

if [ -f "$KAFKA_PID_FILE" ] && kill -0 "$(cat "$KAFKA_PID_FILE")" 2>/dev/null; then
  echo "kafka: process $(cat "$KAFKA_PID_FILE") is starting; waiting"
else
  bash "$ROOT_DIR/scripts/kafka/tls.sh"
  rm -f "$KAFKA_HOME_DIR/sasl-ssl.json"
  cat > "$KAFKA_HOME_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL
inter.broker.listener.name=PLAINTEXT
ssl.keystore.type=PEM
ssl.keystore.location=$KAFKA_TLS_DIR/broker.pem
ssl.enabled.protocols=TLSv1.2,TLSv1.3
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_TLS_DIR/ca.pem
listener.name.sasl_ssl.ssl.client.auth=requested
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_DEV_USER="$KAFKA_SASL_DEV_PASSWORD";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
log.dirs=$KAFKA_HOME_DIR/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
default.replication.factor=1
group.initial.rebalance.delay.ms=0
delete.topic.enable=true
log.retention.hours=24
log.segment.bytes=67108864
message.max.bytes=5242880
replica.fetch.max.bytes=5242880
PROPS
  cat > "$KAFKA_HOME_DIR/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$KAFKA_HOME_DIR/logs/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
  cluster_id_file="$KAFKA_HOME_DIR/cluster.id"
  if [ ! -s "$cluster_id_file" ]; then
    java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$KAFKA_HOME_DIR/log4j.properties" \
      kafka.tools.StorageTool random-uuid > "$cluster_id_file"
  fi
  java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$KAFKA_HOME_DIR/log4j.properties" \
    kafka.tools.StorageTool format -t "$(cat "$cluster_id_file")" \
    -c "$KAFKA_HOME_DIR/server.properties" --ignore-formatted >/dev/null
  # own session and process group: a caller killed with its group (a test harness, a job control
  # kill of `npm start`) must not take the shared broker with it
  setsid nohup java "-Xmx$KAFKA_HEAP" "-Xms256m" -XX:+UseG1GC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$KAFKA_HOME_DIR/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_HOME_DIR/server.properties" \
    > "$KAFKA_HOME_DIR/logs/stdout.log" 2>&1 < /dev/null &
  echo $! > "$KAFKA_PID_FILE"
fi

if ! node "$ROOT_DIR/scripts/kafka/wait.mjs" --timeout 90000; then
  echo "kafka: broker did not answer; last log lines:" >&2
  tail -n 40 "$KAFKA_HOME_DIR/logs/server.log" "$KAFKA_HOME_DIR/logs/stdout.log" >&2 || true
  exit 1
fi
ensure_sasl_users
echo "kafka: up on 127.0.0.1:$KAFKA_PORT (pid $(cat "$KAFKA_PID_FILE"), data in $KAFKA_HOME_DIR)"
