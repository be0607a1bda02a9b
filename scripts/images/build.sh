#!/usr/bin/env bash
# `npm run images [-- app…]`: builds the base image (scripts/images/base.sh, cached) and then one
# image per service from deploy/docker/Dockerfile with buildah (chroot isolation; storage: common.sh),
# the local base passed as NODE_IMAGE. No Docker engine, no registry but npm's and Debian's
# (ADR 0170). Images: <prefix>/<app>:<tag>, prefix localhost/wabridge, tag dev
# (WABRIDGE_IMAGE_PREFIX, WABRIDGE_IMAGE_TAG). Prints each image's size and the build times.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

started=$SECONDS
bash "$ROOT/scripts/images/base.sh"
base_done=$SECONDS

# Build context: the committed tree of HEAD (git archive), so an image is the image of a commit
# and never picks up half-done edits of a shared working tree; WABRIDGE_IMAGES_FROM=worktree
# builds the working tree as it is instead.
if [ "${WABRIDGE_IMAGES_FROM:-head}" = worktree ]; then
  context="$ROOT"
  echo "images: context = working tree of $ROOT"
else
  # outside the repository: a second copy of the workspaces under it would confuse Jest's
  # module map (duplicate @wabridge/* packages) for anyone running tests meanwhile
  context="$(mktemp -d "${TMPDIR:-/tmp}/wabridge-images-context.XXXXXX")"
  trap 'rm -rf "$context"' EXIT
  git -C "$ROOT" archive --format=tar HEAD | tar -x -C "$context"
  echo "images: context = commit $(git -C "$ROOT" rev-parse --short HEAD)"
fi

apps=("$@")
if [ ${#apps[@]} -eq 0 ]; then
  for pair in $APP_PORTS; do [ -f "apps/${pair%%:*}/package.json" ] && apps+=("${pair%%:*}"); done
fi

# RUN steps fetch from the npm registry. Where the host reaches it through a TLS proxy with its
# own CA (NODE_EXTRA_CA_CERTS or NPM_CONFIG_CAFILE set, as on these machines), npm in the build
# container gets that CA through a read-only mount of a global npmrc; nothing of it is committed
# into an image.
build_mounts=()
host_ca="${NPM_CONFIG_CAFILE:-${NODE_EXTRA_CA_CERTS:-}}"
if [ -n "$host_ca" ] && [ -s "$host_ca" ]; then
  mkdir -p "$CACHE/build-npmrc"
  cp "$host_ca" "$CACHE/build-npmrc/ca.pem"
  printf 'cafile=/usr/local/etc/ca.pem\n' > "$CACHE/build-npmrc/npmrc"
  build_mounts=(--volume "$CACHE/build-npmrc:/usr/local/etc:ro")
fi

# The host's npm cache, bind-mounted for the RUN steps (ADR 0191): a machine that ran `npm ci`
# (CI, a developer's) has every tarball of the lockfile there already, so `npm ci` in the build
# installs from disk instead of the registry. WABRIDGE_NPM_CACHE=off uses the Dockerfile's own
# cache mount instead; WABRIDGE_NPM_CACHE=<dir> another cache folder.
build_args=()
npm_cache="${WABRIDGE_NPM_CACHE:-$(npm config get cache 2> /dev/null || true)}"
if [ "$npm_cache" != off ] && [ -n "$npm_cache" ] && [ -d "$npm_cache" ]; then
  build_mounts+=(--volume "$npm_cache:/var/cache/wabridge-npm")
  build_args+=(--build-arg NPM_CONFIG_CACHE=/var/cache/wabridge-npm)
  echo "images: npm cache = $npm_cache (host)"
fi

declare -A took
for app in "${apps[@]}"; do
  port=""
  for pair in $APP_PORTS; do [ "${pair%%:*}" = "$app" ] && port="${pair##*:}"; done
  if [ -z "$port" ]; then echo "images: unknown app '$app' (DESIGN.md §11: ${APP_PORTS})" >&2; exit 1; fi
  echo "images: building $IMAGE_PREFIX/$app:$IMAGE_TAG"
  t0=$SECONDS
  log="$CACHE/build-$app.log"
  if ! bh build --isolation chroot --pull=false "${build_mounts[@]}" "${build_args[@]}" \
      --build-arg "NODE_IMAGE=$BASE_IMAGE:24" --build-arg "APP=$app" --build-arg "PORT=$port" \
      -f "$context/deploy/docker/Dockerfile" -t "$IMAGE_PREFIX/$app:$IMAGE_TAG" "$context" > "$log" 2>&1; then
    tail -40 "$log" >&2
    echo "images: $app failed (whole log: $log)" >&2
    exit 1
  fi
  took[$app]=$((SECONDS - t0))
done
# Intermediate stages are left as dangling images by a multi-stage build (with the vfs
# driver each one is a full copy of its root filesystem).
bh rmi --prune > /dev/null 2>&1 || true

echo
printf '%-16s %10s %8s\n' image size build_s
for app in "${apps[@]}"; do
  printf '%-16s %10s %8s\n' "$app" "$(bh images --format '{{.Size}}' "$IMAGE_PREFIX/$app:$IMAGE_TAG" | head -1)" "${took[$app]}"
done
echo "images: base ${BASE_IMAGE}:24 in $((base_done - started)) s, all in $((SECONDS - started)) s"
