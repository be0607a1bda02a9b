#!/usr/bin/env bash
# Fetches the Apache Kafka broker jars from Maven Central once; later runs reuse the cache.
set -euo pipefail
source "$(dirname "$0")/env.sh"
if ls "$KAFKA_LIBS"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1; then
  exit 0
fi
mkdir -p "$KAFKA_CACHE"
tmp="$(mktemp -d "$KAFKA_CACHE/libs.tmp.XXXXXX")"
echo "kafka: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central…"
mvn -B -q -f "$ROOT_DIR/scripts/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp"
rm -rf "$KAFKA_LIBS"
mv "$tmp" "$KAFKA_LIBS"
echo "kafka: $(ls "$KAFKA_LIBS" | wc -l) jars in $KAFKA_LIBS"
