#!/usr/bin/env bash
# Makes sure a headless Chromium exists for the analytics dashboard's browser test (ADR 0125).
# Idempotent: does nothing when the binary is there. Installs Debian's `chromium` package with
# apt when it is missing (needs root, as on the CI machine); otherwise fails naming what to do.
# Prints the binary's path on its last line.
set -euo pipefail

BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
  exit 1
fi
if ! command -v apt-get > /dev/null 2>&1; then
  echo "chromium: /usr/bin/chromium is missing and apt-get is not available; install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then SUDO="sudo -n"; else
    echo "chromium: /usr/bin/chromium is missing; run 'apt-get install -y chromium' as root (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
fi

# One installer at a time (parallel test runs on one machine share the package database).
exec 9> "${TMPDIR:-/tmp}/wabridge-chromium-install.lock"
flock 9
if [ ! -x "$BIN" ]; then
  echo "chromium: installing Debian's chromium (once per machine)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y --no-install-recommends chromium >&2; then
    $SUDO apt-get update >&2
    $SUDO apt-get install -y --no-install-recommends chromium >&2
  fi
fi
if [ ! -x "$BIN" ]; then
  echo "chromium: apt-get finished but $BIN is still missing" >&2
  exit 1
fi
echo "$BIN"
