# Shared settings for the local S3 server scripts (S3Proxy, ADR 0107). Sourced, not run.
S3PROXY_VERSION="${S3PROXY_VERSION:-4.1.0}"
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The jar is cached outside the checkout (beside Kafka's) so a second clone reuses it.
S3_CACHE="${WABRIDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wabridge}/s3proxy-${S3PROXY_VERSION}"
S3_JAR="$S3_CACHE/s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar"
# Objects, logs and the pid file live in the checkout, gitignored.
S3_HOME_DIR="${S3_HOME_DIR:-$ROOT_DIR/.local/s3}"
S3_PORT="${S3_PORT:-9311}"
# Development credentials of the local server only (printed in docs; never used elsewhere).
S3_ACCESS_KEY_ID="${S3_ACCESS_KEY_ID:-local-s3-access-key}"
S3_SECRET_ACCESS_KEY="${S3_SECRET_ACCESS_KEY:-local-s3-secret-key}"
# Created at start: the bucket `npm start` points the media service at with MEDIA_STORAGE=s3.
S3_BUCKET="${S3_BUCKET:-wabridge-media}"
S3_PID_FILE="$S3_HOME_DIR/s3proxy.pid"
S3_HEAP="${S3_HEAP:-256m}"
