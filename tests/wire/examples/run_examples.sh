#!/usr/bin/env bash
# The README's copy-paste examples, run as written: the pytest fixture and
# test (python3-pytest, python3-pika) and the Node amqplib example.
#   run_examples.sh WARREN_BINARY
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WARREN="$1"
WARREN="$WARREN" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$HERE"

"$HERE/../clients/run_client.sh" --build amqplib >/dev/null
export WARREN_NODE_MODULES="${WARREN_NODE_MODULES:-${TMPDIR:-/tmp}/warren-wire-node}"
ready="$(mktemp)"
"$WARREN" serve --amqp-port 0 --http-port 0 > "$ready" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$ready"' EXIT
for _ in $(seq 100); do grep -q READY "$ready" && break; sleep 0.05; done
amqp=$(sed -n 's/.*amqp=\([0-9]*\).*/\1/p' "$ready")
http=$(sed -n 's/.*http=\([0-9]*\).*/\1/p' "$ready")
got=$(node "$HERE/ladder.mjs" "amqp://guest:guest@127.0.0.1:$amqp/" "http://127.0.0.1:$http/warren/v1/")
want='{"advanced_ms":5000,"body":"hello","x_death":[["delay_5s","expired",1]]}'
if [ "$got" != "$want" ]; then
  echo "ladder.mjs printed: $got"; echo "expected:           $want"; exit 1
fi
echo "ladder.mjs: $got"
