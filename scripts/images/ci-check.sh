#!/usr/bin/env bash
# The CI image test (ADR 0191, run by .ci/run after `npm test`): builds the base image and the
# gateway's image from HEAD, then boots it against the local Postgres and Kafka and requires
# 200 from /health/live and /health/ready (scripts/images/{base,build,boot-check}.sh). Prints
# one result line, `images: passed …` or `images: failed: <reason>`, and exits 0 or 1; the
# caller counts it as one test. Logs of each phase: .local/images/ci-*.log.
# Env: WABRIDGE_CI_IMAGE_TIMEOUT_S (600) bounds the whole step; the rest as the scripts it runs.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p "$CACHE"
limit="${WABRIDGE_CI_IMAGE_TIMEOUT_S:-600}"
started=$SECONDS
fail() { echo "images: failed: $1 (after $((SECONDS - started)) s; load $(cut -d' ' -f1-3 /proc/loadavg))"; exit 1; }
left() { echo $((limit - (SECONDS - started))); }
phase() {
  local name="$1"; shift
  local t0=$SECONDS
  [ "$(left)" -gt 0 ] || fail "out of time before $name (limit ${limit} s)"
  timeout --kill-after=10 "$(left)" "$@" > "$CACHE/ci-$name.log" 2>&1
  local rc=$?
  if [ "$rc" != 0 ]; then
    [ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "$name: out of time (whole step limited to ${limit} s; log: .local/images/ci-$name.log)"
    tail -15 "$CACHE/ci-$name.log" | sed "s/^/  $name: /"
    local reason
    reason="$(grep -E '^(images|boot-check|kafka):' "$CACHE/ci-$name.log" | tail -1)"
    [ -n "$reason" ] || reason="$(tail -1 "$CACHE/ci-$name.log")"
    fail "$name: ${reason:-exit $rc} (log: .local/images/ci-$name.log)"
  fi
  timings+="$name $((SECONDS - t0)) s, "
}
timings=""

# The test run leaves the shared broker up; start it again if a drill stopped it (idempotent).
phase kafka bash scripts/kafka/start.sh
phase base bash scripts/images/base.sh
phase build bash scripts/images/build.sh gateway
phase boot bash scripts/images/boot-check.sh gateway
echo "images: passed: gateway image built from $(git rev-parse --short HEAD) answered /health/live and /health/ready ($(bh images --format '{{.Size}}' "$IMAGE_PREFIX/gateway:$IMAGE_TAG" | head -1); ${timings}total $((SECONDS - started)) s; load $(cut -d' ' -f1-3 /proc/loadavg))"
