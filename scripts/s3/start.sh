#!/usr/bin/env bash
# Starts S3Proxy (filesystem storage under .local/s3/data) on 127.0.0.1:$S3_PORT unless our
# server already answers there, and makes sure the bucket $S3_BUCKET exists. Idempotent.
set -euo pipefail
source "$(dirname "$0")/env.sh"
wait_args=(--port "$S3_PORT" --access-key-id "$S3_ACCESS_KEY_ID" --secret-access-key "$S3_SECRET_ACCESS_KEY" --bucket "$S3_BUCKET")

if node --no-warnings "$ROOT_DIR/scripts/s3/wait.mjs" "${wait_args[@]}" --timeout 0 >/dev/null 2>&1; then
  echo "s3: already up on 127.0.0.1:$S3_PORT"
  exit 0
fi

bash "$ROOT_DIR/scripts/s3/fetch.sh"
mkdir -p "$S3_HOME_DIR/data" "$S3_HOME_DIR/logs"

# S3Proxy 4 needs Java 17+; the machine's default java is 17, a newer JDK may be set in JAVA_HOME.
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [ -f "$S3_PID_FILE" ] && kill -0 "$(cat "$S3_PID_FILE")" 2>/dev/null; then
  echo "s3: process $(cat "$S3_PID_FILE") is starting; waiting"
else
  cat > "$S3_HOME_DIR/s3proxy.conf" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY_ID
s3proxy.credential=$S3_SECRET_ACCESS_KEY
jclouds.provider=filesystem-nio2
jclouds.identity=$S3_ACCESS_KEY_ID
jclouds.credential=$S3_SECRET_ACCESS_KEY
jclouds.filesystem.basedir=$S3_HOME_DIR/data
PROPS
  # LOG_LEVEL is S3Proxy's own logback threshold (set here so a caller's LOG_LEVEL does not leak in).
  # own session and process group, like the broker (scripts/kafka/start.sh)
  LOG_LEVEL=info setsid nohup "$java_bin" "-Xmx$S3_HEAP" -Xms64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -jar "$S3_JAR" --properties "$S3_HOME_DIR/s3proxy.conf" \
    > "$S3_HOME_DIR/logs/s3proxy.log" 2>&1 < /dev/null &
  echo $! > "$S3_PID_FILE"
fi

if ! node --no-warnings "$ROOT_DIR/scripts/s3/wait.mjs" "${wait_args[@]}" --timeout 60000; then
  echo "s3: S3Proxy did not answer on 127.0.0.1:$S3_PORT; last log lines:" >&2
  tail -n 40 "$S3_HOME_DIR/logs/s3proxy.log" >&2 || true
  exit 1
fi
echo "s3: up on http://127.0.0.1:$S3_PORT (pid $(cat "$S3_PID_FILE"), bucket $S3_BUCKET, data in $S3_HOME_DIR/data)"
