#!/usr/bin/env bash
# Real AMQP clients against `warren serve`: pika, kombu/py-amqp, amqplib,
# amqp091-go and the Java client each run the same scenario (declare, publish
# with confirms, a mandatory return, consume with prefetch, nack into a DLX,
# read x-death, a 404) and must print exactly what they print against a real
# RabbitMQ 3.10.8 (tests/wire/clients/expected.json). Then the server's input
# log must replay in-process to the live run's trace, byte for byte.
#
#   run_clients_against_warren.sh WARREN_BINARY [CLIENT...]   (default: all five)
#
# Runs inside a private network namespace (unshare -rn) so nothing collides
# with a RabbitMQ on this machine. Needs the clients' packages
# (tests/wire/clients/README.md); .ci/run installs them.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLIENTS_DIR="$HERE/clients"
PY=/usr/bin/python3

if [ -z "${WARREN_IN_NETNS:-}" ]; then
  WARREN="$(realpath "$1")"; shift
  [ $# -gt 0 ] && CLIENTS=("$@") || CLIENTS=(pika kombu amqplib go java)
  "$CLIENTS_DIR/run_client.sh" --build "${CLIENTS[@]}"  # the namespace has no network
  if unshare -n true 2>/dev/null; then NS=(unshare -n); else NS=(unshare -rn); fi
  WARREN_IN_NETNS=1 exec "${NS[@]}" bash "$0" "$WARREN" "${CLIENTS[@]}"
fi

WARREN="$1"; shift
CLIENTS=("$@")
ip link set lo up
OUT="$(mktemp -d "${TMPDIR:-/tmp}/warren-wire.XXXXXX")"
"$WARREN" serve --amqp-port 0 --http-port 0 --start 2025-01-01T00:00:00Z \
  --input-log "$OUT/input.jsonl" --trace "$OUT/live.jsonl" > "$OUT/ready" 2> "$OUT/serve.err" &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q READY "$OUT/ready" 2>/dev/null && break; sleep 0.05; done
read -r _ amqp http < "$OUT/ready"
AMQP="${amqp#amqp=}"; HTTP="${http#http=}"
echo "warren serve: READY amqp=$AMQP http=$HTTP"

passed=0; failed=0
for c in "${CLIENTS[@]}"; do
  start=$(date +%s%N)
  if "$CLIENTS_DIR/run_client.sh" "$c" "amqp://guest:guest@127.0.0.1:$AMQP/" > "$OUT/$c.json" 2> "$OUT/$c.err" &&
     "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("client"); print(json.dumps(d,sort_keys=True,separators=(",",":")))' \
       "$OUT/$c.json" > "$OUT/$c.norm" && cmp -s "$OUT/$c.norm" "$CLIENTS_DIR/expected.json"; then
    status=ok; passed=$((passed + 1))
  else
    status=FAILED; failed=$((failed + 1))
    diff <("$PY" -m json.tool --sort-keys "$CLIENTS_DIR/expected.json") \
         <("$PY" -m json.tool --sort-keys "$OUT/$c.norm" 2>/dev/null || cat "$OUT/$c.json") | sed 's/^/    /' || true
    tail -20 "$OUT/$c.err" | sed 's/^/    /'
  fi
  printf '%-8s %-7s %d ms\n' "$c" "$status" "$(( ($(date +%s%N) - start) / 1000000 ))"
done

# The broker's own account: every message settled, nothing left behind.
inv=$(curl -s "http://127.0.0.1:$HTTP/warren/v1/invariants")
if [ "$inv" != '{"ok":true}' ]; then echo "invariants: $inv"; failed=$((failed + 1)); fi
left=$(curl -s -u guest:guest "http://127.0.0.1:$HTTP/api/queues/%2F?columns=name")
if [ "$left" != '[]' ]; then echo "queues left behind: $left"; failed=$((failed + 1)); fi

# SIGTERM: the server closes and exits 0; the log replays to the same trace.
kill -TERM $SERVE
wait $SERVE || { echo "warren serve exited $?"; failed=$((failed + 1)); }
trap - EXIT
"$WARREN" replay-wire "$OUT/input.jsonl" --trace "$OUT/replay.jsonl"
if cmp -s "$OUT/live.jsonl" "$OUT/replay.jsonl"; then
  echo "replay-wire: $(wc -l < "$OUT/live.jsonl") trace events, byte-identical to the live run"
else
  echo "replay-wire: the replayed trace differs from the live run:"
  diff "$OUT/live.jsonl" "$OUT/replay.jsonl" | head -5
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
