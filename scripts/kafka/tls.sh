#!/usr/bin/env bash
# Generates (once) a private CA and a broker certificate for 127.0.0.1/localhost under
# $KAFKA_TLS_DIR: ca.pem (what clients trust, and what the broker trusts client certificates
# against), broker.pem (PKCS#8 key + chain, Kafka's PEM keystore), client.pem + client-key.pem
# (a client certificate for mutual TLS).
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ -s "$KAFKA_TLS_DIR/broker.pem" ] && [ -s "$KAFKA_TLS_DIR/ca.pem" ] && [ -s "$KAFKA_TLS_DIR/client.pem" ]; then
  exit 0
fi
mkdir -p "$KAFKA_TLS_DIR"
tmp="$(mktemp -d "$KAFKA_TLS_DIR/gen.XXXXXX")"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=wabridge-dev-kafka-ca" \
  -keyout "$tmp/ca.key" -out "$tmp/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$tmp/broker.key" -out "$tmp/broker.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$tmp/ext.cnf"
openssl x509 -req -in "$tmp/broker.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
  -days 3650 -extfile "$tmp/ext.cnf" -out "$tmp/broker.crt" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/broker.key" -out "$tmp/broker.pk8"
cat "$tmp/broker.pk8" "$tmp/broker.crt" "$tmp/ca.pem" > "$tmp/broker.pem"
openssl req -newkey rsa:2048 -nodes -subj "/CN=wabridge-dev-client" -keyout "$tmp/client.key" -out "$tmp/client.csr" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' > "$tmp/client-ext.cnf"
openssl x509 -req -in "$tmp/client.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
  -days 3650 -extfile "$tmp/client-ext.cnf" -out "$tmp/client.pem" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/client.key" -out "$tmp/client-key.pem"
mv "$tmp/client.pem" "$KAFKA_TLS_DIR/client.pem"
mv "$tmp/client-key.pem" "$KAFKA_TLS_DIR/client-key.pem"
mv "$tmp/ca.pem" "$KAFKA_TLS_DIR/ca.pem"
mv "$tmp/broker.pem" "$KAFKA_TLS_DIR/broker.pem"
rm -rf "$tmp"
