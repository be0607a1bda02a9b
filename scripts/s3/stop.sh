#!/usr/bin/env bash
# Stops the S3Proxy that start.sh launched (by its own pid only). Objects stay in .local/s3/data.
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ ! -f "$S3_PID_FILE" ]; then echo "s3: not started by this checkout"; exit 0; fi
pid="$(cat "$S3_PID_FILE")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" || true
  echo "s3: stopped pid $pid"
fi
rm -f "$S3_PID_FILE"
