#!/usr/bin/env bash
# Regenerates Strimzi's KafkaTopic CRD (with its openAPIV3Schema) the way Strimzi's own build
# does: its crd-generator run over the model classes of io.strimzi:api, both from Maven Central.
set -euo pipefail
cd "$(dirname "$0")"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mvn -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory="$work/lib"
java -cp "$work/lib/*" io.strimzi.crdgenerator.CrdGenerator --yaml --crd-api-version v1 \
  io.strimzi.api.kafka.model.topic.KafkaTopic="$PWD/043-Crd-kafkatopic.yaml" 2> /dev/null
echo "wrote $PWD/043-Crd-kafkatopic.yaml"
