#!/usr/bin/env bash
# Stops the broker that start.sh launched (by its own pid only).
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ ! -f "$KAFKA_PID_FILE" ]; then echo "kafka: not started by this checkout"; exit 0; fi
pid="$(cat "$KAFKA_PID_FILE")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" || true
  echo "kafka: stopped pid $pid"
fi
rm -f "$KAFKA_PID_FILE"
