#!/usr/bin/env bash
# Fetches S3Proxy (one self-contained jar, ~55 MB) from Maven Central once; later runs reuse the cache.
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ -s "$S3_JAR" ]; then
  exit 0
fi
mkdir -p "$S3_CACHE"
tmp="$(mktemp -d "$S3_CACHE/jar.tmp.XXXXXX")"
echo "s3: fetching S3Proxy $S3PROXY_VERSION from Maven Central…"
# The jar-with-dependencies classifier carries the dependency versions S3Proxy was built and
# tested with; resolving its pom's dependencies here instead picks jackson-annotations 2.18
# beside jackson-databind 3 and the server dies at start (NoClassDefFoundError).
mvn -B -q -f "$ROOT_DIR/scripts/s3/pom.xml" -Ds3proxy.version="$S3PROXY_VERSION" \
  dependency:copy-dependencies -DincludeScope=runtime -DexcludeTransitive=true -DoutputDirectory="$tmp"
mv "$tmp/s3proxy-${S3PROXY_VERSION}-jar-with-dependencies.jar" "$S3_JAR"
rm -rf "$tmp"
echo "s3: $S3_JAR"
