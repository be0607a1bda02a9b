# Shared by scripts/images/*.sh (ADR 0170). Sourced, not run.
# buildah with chroot isolation: no daemon, no user namespaces, which works as root on these
# machines. Storage: buildah's default driver (overlay here); where overlay mounts are not
# allowed (some nested containers), WABRIDGE_STORAGE_DRIVER=vfs. Every buildah call goes through
# bh so that all of them use the same store (an image in the vfs store is invisible to overlay).
export BUILDAH_ISOLATION=chroot
bh() { buildah ${WABRIDGE_STORAGE_DRIVER:+--storage-driver "$WABRIDGE_STORAGE_DRIVER"} "$@"; }
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.local/images"
# Where the images go; a CI machine that shares storage with sessions can point it elsewhere.
IMAGE_PREFIX="${WABRIDGE_IMAGE_PREFIX:-localhost/wabridge}"
IMAGE_TAG="${WABRIDGE_IMAGE_TAG:-dev}"
BASE_IMAGE="$IMAGE_PREFIX/node-base"

# Installs a Debian package when its command is missing (root + apt-get, as here and on CI).
need() {
  local cmd="$1" pkg="$2"
  command -v "$cmd" > /dev/null 2>&1 && return 0
  if [ "$(id -u)" != "0" ] || ! command -v apt-get > /dev/null 2>&1; then
    echo "images: '$cmd' is missing; install Debian's $pkg (apt-get install $pkg) as root" >&2
    exit 1
  fi
  exec 8> "${TMPDIR:-/tmp}/wabridge-images-apt.lock"
  flock 8
  if ! command -v "$cmd" > /dev/null 2>&1; then
    echo "images: installing Debian's $pkg" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "$pkg" >&2 || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "$pkg" >&2; }
  fi
  flock -u 8
}

# DESIGN.md §11 pairs, the same list the Dockerfile accepts.
APP_PORTS="gateway:3000 ingress:3001 dispatcher:3002 contacts:3003 media:3004 analytics:3005 notifier:3006 conversations:3007 campaigns:3008 sandbox:3100"
