#!/usr/bin/env bash
# The conformance suite's live mode with `warren serve` as the broker: each
# scenario runs through pika, the management API and rabbitmqctl (a shim over
# that API) exactly as against a real RabbitMQ, and what the clients saw must
# equal `warren observe` of the same file. With the committed recordings of
# RabbitMQ 3.10.8 (checked by the default suite) that makes three equal ways:
# RabbitMQ, Warren in-process, Warren over the wire.
#
#   conformance_over_wire.sh WARREN_BINARY SCENARIO...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${WARREN_IN_NETNS:-}" ]; then
  if unshare -n true 2>/dev/null; then NS=(unshare -n); else NS=(unshare -rn); fi
  WARREN_IN_NETNS=1 exec "${NS[@]}" bash "$0" "$@"
fi
WARREN="$(realpath "$1")"; shift
ip link set lo up
OUT="$(mktemp -d "${TMPDIR:-/tmp}/warren-conformance-wire.XXXXXX")"
# The suite waits on the wall clock: virtual time follows it.
"$WARREN" serve --clock realtime --amqp-port 5672 --http-port 15672 > "$OUT/ready" 2> "$OUT/serve.err" &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q READY "$OUT/ready" 2>/dev/null && break; sleep 0.05; done
export PATH="$HERE:$PATH"  # the rabbitmqctl shim
/usr/bin/python3 "$HERE/../conformance/conformance.py" live --warren "$WARREN" \
  --record "$OUT/recorded" "$@"
