#!/usr/bin/env bash
# Build (if needed) and run one wire-compatibility client against an AMQP URL.
#
#   run_client.sh CLIENT AMQP_URL     run; the client's JSON result goes to stdout
#   run_client.sh --build CLIENT...   only build/install what the clients need
#
# CLIENT: pika | kombu | amqplib | go | java
# Exit status: the client's (non-zero on any failure; 124 if the 60 s backstop fires).
#
# Environment (all optional; nothing is ever written inside the repository):
#   WARREN_WIRE_BUILD_DIR  build outputs (Go binary, Java classes, caches)
#                          default: ${TMPDIR:-/tmp}/warren-wire-clients-build
#   WARREN_NODE_MODULES    npm prefix holding node_modules/amqplib
#                          default: ${TMPDIR:-/tmp}/warren-wire-node (installed from
#                          package.json with npm on first use)
#   WARREN_PYTHON          python with pika and kombu (default /usr/bin/python3,
#                          i.e. Debian's python3-pika / python3-kombu)
#   WARREN_WIRE_TIMEOUT    whole-run backstop in seconds (default 60); each client
#                          also bounds every step by 10 s itself
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${WARREN_WIRE_BUILD_DIR:-${TMPDIR:-/tmp}/warren-wire-clients-build}"
NODE_PREFIX="${WARREN_NODE_MODULES:-${TMPDIR:-/tmp}/warren-wire-node}"
PY="${WARREN_PYTHON:-/usr/bin/python3}"
BACKSTOP="${WARREN_WIRE_TIMEOUT:-60}"
JARS=/usr/share/java
JAVA_CP_LIBS="$JARS/amqp-client.jar:$JARS/slf4j-api.jar:$JARS/slf4j-nop.jar"

die() { echo "run_client.sh: $*" >&2; exit 2; }

case "$BUILD" in "$HERE"*) die "WARREN_WIRE_BUILD_DIR must be outside the repository";; esac
case "$NODE_PREFIX" in "$HERE"*) die "WARREN_NODE_MODULES must be outside the repository";; esac

build() {
  local client="$1"
  case "$client" in
    pika|kombu)
      "$PY" -c "import $client" 2>/dev/null ||
        die "$PY cannot import $client (apt-get install python3-$client)";;
    amqplib)
      command -v node >/dev/null || die "node not found (Node >= 18 needed)"
      if ! node -e "require.resolve('amqplib',{paths:[process.argv[1]]})" "$NODE_PREFIX" 2>/dev/null; then
        mkdir -p "$NODE_PREFIX"
        cp "$HERE/package.json" "$NODE_PREFIX/package.json"
        (cd "$NODE_PREFIX" && npm install --no-audit --no-fund --loglevel=error >&2) ||
          die "npm install of amqplib into $NODE_PREFIX failed"
      fi;;
    go)
      command -v go >/dev/null || die "go not found (apt-get install golang-go golang-github-rabbitmq-amqp091-go-dev)"
      mkdir -p "$BUILD"
      if [ ! -x "$BUILD/go_client" ] || [ "$HERE/go_client/main.go" -nt "$BUILD/go_client" ]; then
        (cd "$HERE/go_client" &&
          GO111MODULE=off GOFLAGS= GOPATH="/usr/share/gocode:$BUILD/gopath" \
          GOCACHE="$BUILD/gocache" go build -o "$BUILD/go_client.tmp" . &&
          mv "$BUILD/go_client.tmp" "$BUILD/go_client") >&2 || die "go build failed"
      fi;;
    java)
      command -v javac >/dev/null || die "javac not found (apt-get install default-jdk-headless)"
      [ -r "$JARS/amqp-client.jar" ] || die "no $JARS/amqp-client.jar (apt-get install librabbitmq-client-java)"
      [ -r "$JARS/slf4j-api.jar" ] && [ -r "$JARS/slf4j-nop.jar" ] || die "no slf4j jars (apt-get install libslf4j-java)"
      mkdir -p "$BUILD/java"
      if [ ! -f "$BUILD/java/Client.class" ] || [ "$HERE/java_client/Client.java" -nt "$BUILD/java/Client.class" ]; then
        javac -nowarn -d "$BUILD/java" -cp "$JARS/amqp-client.jar" "$HERE/java_client/Client.java" >&2 ||
          die "javac failed"
      fi;;
    *) die "unknown client '$client' (pika|kombu|amqplib|go|java)";;
  esac
}

if [ "${1:-}" = "--build" ]; then
  shift
  [ $# -gt 0 ] || die "usage: run_client.sh --build CLIENT..."
  for c in "$@"; do build "$c"; done
  exit 0
fi

[ $# -eq 2 ] || die "usage: run_client.sh CLIENT AMQP_URL | run_client.sh --build CLIENT..."
CLIENT="$1"; URL="$2"
build "$CLIENT"

run() { exec timeout --kill-after=5 "$BACKSTOP" "$@"; }
case "$CLIENT" in
  pika)    run "$PY" "$HERE/pika_client.py" "$URL";;
  kombu)   run "$PY" "$HERE/kombu_client.py" "$URL";;
  amqplib) WARREN_NODE_MODULES="$NODE_PREFIX" run node "$HERE/amqplib_client.mjs" "$URL";;
  go)      run "$BUILD/go_client" "$URL";;
  java)    run java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx128m \
             -cp "$BUILD/java:$JAVA_CP_LIBS" Client "$URL";;
esac
