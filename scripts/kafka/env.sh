# Shared settings for the local Kafka scripts. Sourced, not run.
KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Jars are cached outside the checkout so a second clone reuses them.
KAFKA_CACHE="${WABRIDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wabridge}/kafka-${KAFKA_VERSION}"
KAFKA_LIBS="$KAFKA_CACHE/libs"
# Broker state (data, logs, pid) lives in the checkout, gitignored.
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$ROOT_DIR/.local/kafka}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
KAFKA_HEAP="${KAFKA_HEAP:-1g}"
# A second listener with TLS + SASL (PLAIN and SCRAM-SHA-256/512) for the client security tests;
# the PLAINTEXT listener above stays what every service and test uses by default.
# Default: two above the PLAINTEXT port (9094 for 9092), so a second broker started with only
# KAFKA_PORT/KAFKA_CONTROLLER_PORT set never collides with the shared one's SASL_SSL listener.
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-$((KAFKA_PORT + 2))}"
KAFKA_TLS_DIR="$KAFKA_HOME_DIR/tls"
# Development-only credentials of that listener (written to $KAFKA_HOME_DIR/sasl-ssl.json for tests).
KAFKA_SASL_DEV_USER="${KAFKA_SASL_DEV_USER:-wabridge}"
KAFKA_SASL_DEV_PASSWORD="${KAFKA_SASL_DEV_PASSWORD:-wabridge-dev-sasl}"
