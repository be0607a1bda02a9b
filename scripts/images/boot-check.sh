#!/usr/bin/env bash
# Boots a built service image and checks that it answers (ADR 0170): `buildah run` of the
# image's own CMD (chroot isolation shares the host's network, so the container reaches the
# local Postgres and Kafka), as the image's non-root user, with NODE_ENV=production and freshly
# generated secrets; then waits for 200 on /health/live and /health/ready of the management
# port (gateway/ingress, ADR 0074) or the service port. Own schema and topic suffix, dropped
# afterwards; the container is removed whatever happens.
#   bash scripts/images/boot-check.sh [app=gateway]      (after npm run images)
# Env: DATABASE_URL (postgres://postgres@127.0.0.1:5432/wabridge), KAFKA_BROKERS
# (127.0.0.1:9092), BOOT_TIMEOUT_S (180).
set -euo pipefail
source "$(dirname "$0")/common.sh"
need buildah buildah

app="${1:-gateway}"
image="$IMAGE_PREFIX/$app:$IMAGE_TAG"
bh inspect --type image "$image" > /dev/null 2>&1 || { echo "boot-check: no image $image (run npm run images -- $app)" >&2; exit 1; }

db_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wabridge}"
brokers="${KAFKA_BROKERS:-127.0.0.1:9092}"
timeout_s="${BOOT_TIMEOUT_S:-180}"
run_id="boot$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
schema="${app}_${run_id}"
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
port="$(free_port)"; mgmt="$(free_port)"
secret() { node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"; }

ctr="$(bh from --pull=false "$image")"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
  bh rm "$ctr" > /dev/null 2>&1 || true
  node -e "
    const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.query('DROP SCHEMA IF EXISTS \"' + process.argv[2] + '\" CASCADE')).catch(() => {}).finally(() => c.end());
  " "$db_url" "$schema" 2> /dev/null || true
}
trap cleanup EXIT

log="$CACHE/boot-$app.log"
mkdir -p "$CACHE"
started=$SECONDS
# The image's CMD, as its USER, in its WORKDIR: what a container runtime would start.
mapfile -d '' cmd < <(bh inspect --type image "$image" | node -e "
  const c = JSON.parse(require('fs').readFileSync(0, 'utf8')).OCIv1.config;
  process.stdout.write([...(c.Entrypoint ?? []), ...(c.Cmd ?? [])].map((a) => a + '\\0').join(''));")
[ ${#cmd[@]} -gt 0 ] || { echo "boot-check: $image has no CMD" >&2; exit 1; }
# buildah itself in the background (not the bh function, whose subshell would be what $! names):
# the cleanup's SIGTERM must reach `buildah run`, which then stops the service; killing a
# subshell left the service running after the check.
buildah ${WABRIDGE_STORAGE_DRIVER:+--storage-driver "$WABRIDGE_STORAGE_DRIVER"} run --isolation chroot \
  --env NODE_ENV=production --env HOST=127.0.0.1 --env "PORT=$port" --env "MANAGEMENT_PORT=$mgmt" \
  --env "DATABASE_URL=$db_url" --env "DATABASE_SCHEMA=$schema" --env "KAFKA_BROKERS=$brokers" \
  --env "TOPIC_SUFFIX=.$run_id" --env KAFKA_PARTITIONS=1 \
  --env "ADMIN_TOKEN=$(secret)" --env "INTERNAL_TOKEN=$(secret)" --env "ENCRYPTION_KEYS=boot:$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")" \
  --env "META_APP_SECRET=$(secret)" --env "META_VERIFY_TOKEN=$(secret)" \
  --env OTEL_SDK_DISABLED=true \
  "$ctr" -- "${cmd[@]}" > "$log" 2>&1 &
pid=$!

# gateway and ingress answer health on the management port only (ADR 0074)
health_port="$port"
case "$app" in gateway|ingress) health_port="$mgmt" ;; esac
status() { node -e "fetch('http://127.0.0.1:$health_port'+process.argv[1]).then(r=>console.log(r.status),()=>console.log(0))" "$1"; }
live=0; ready=0
while [ $((SECONDS - started)) -lt "$timeout_s" ]; do
  if ! kill -0 "$pid" 2> /dev/null; then
    tail -30 "$log" >&2; echo "boot-check: $app exited before answering (log: $log)" >&2; exit 1
  fi
  [ "$live" = 200 ] || live="$(status /health/live)"
  [ "$live" = 200 ] && ready="$(status /health/ready)"
  [ "$ready" = 200 ] && break
  sleep 1
done
elapsed=$((SECONDS - started))
if [ "$live" != 200 ] || [ "$ready" != 200 ]; then
  tail -30 "$log" >&2
  echo "boot-check: $app answered /health/live $live, /health/ready $ready after ${elapsed}s (log: $log)" >&2
  exit 1
fi
user="$(bh inspect --type image "$image" | node -e "console.log(JSON.parse(require('fs').readFileSync(0,'utf8')).OCIv1.config.User)")"
echo "boot-check: $image answered /health/live 200 and /health/ready 200 in ${elapsed}s (user $user, port $health_port)"
