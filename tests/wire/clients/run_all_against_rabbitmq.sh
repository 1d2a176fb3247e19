#!/usr/bin/env bash
# Start a private RabbitMQ (Debian rabbitmq-server 3.10.x) in a fresh network
# namespace, run every wire-compatibility client against it, and check that
# their results are identical to each other and to expected.json.
#
#   run_all_against_rabbitmq.sh [CLIENT...]      (default: all five)
#
# Needs root, or unprivileged user namespaces (then it uses unshare -rn).
# Port 5672 inside the namespace never collides with anything outside it.
# Environment: WARREN_WIRE_OUT (where results/logs go; default a temp dir),
# plus everything run_client.sh reads (build dir, node prefix, python).
set -euo pipefail

now() { echo "${EPOCHREALTIME:-$(date +%s.%N)}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ALL_CLIENTS=(pika kombu amqplib go java)
PY=/usr/bin/python3

if [ -z "${WARREN_WIRE_IN_NETNS:-}" ]; then
  [ $# -gt 0 ] && CLIENTS=("$@") || CLIENTS=("${ALL_CLIENTS[@]}")
  START=$(now)
  # Build/install first: the namespace has no network (npm needs it).
  "$HERE/run_client.sh" --build "${CLIENTS[@]}"
  command -v unshare >/dev/null || { echo "unshare (util-linux) not found" >&2; exit 2; }
  if unshare -n true 2>/dev/null; then NS=(unshare -n); else NS=(unshare -rn); fi
  export WARREN_WIRE_OUT="${WARREN_WIRE_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/warren-wire-out.XXXXXX")}"
  rc=0
  WARREN_WIRE_IN_NETNS=1 "${NS[@]}" bash "$HERE/run_all_against_rabbitmq.sh" "${CLIENTS[@]}" || rc=$?
  printf 'total wall time: %.1f s (results in %s)\n' "$(since "$START")" "$WARREN_WIRE_OUT"
  exit $rc
fi

# ---- inside the private network namespace ----
CLIENTS=("$@")
OUT="$WARREN_WIRE_OUT"; mkdir -p "$OUT"
# shellcheck source=../private_rabbitmq.sh
. "$HERE/../private_rabbitmq.sh"
trap private_rabbitmq_stop EXIT
private_rabbitmq_start "$OUT"
printf 'RabbitMQ %s up in %s s\n' "$(rabbitmqctl -q version 2>/dev/null)" "$RMQ_BOOT_S"

URL=amqp://guest:guest@127.0.0.1:5672/
passed=0; failed=0
for c in "${CLIENTS[@]}"; do
  t=$(now)
  if "$HERE/run_client.sh" "$c" "$URL" > "$OUT/$c.json" 2> "$OUT/$c.stderr"; then
    # drop the "client" field and re-emit canonically (sorted keys, compact)
    if "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d.pop("client")==sys.argv[2]; print(json.dumps(d,sort_keys=True,separators=(",",":")))' \
        "$OUT/$c.json" "$c" > "$OUT/$c.norm.json" 2>>"$OUT/$c.stderr" &&
       cmp -s "$OUT/$c.norm.json" "$HERE/expected.json"; then
      status=ok; passed=$((passed+1))
    else
      status="MISMATCH vs expected.json"; failed=$((failed+1))
      diff <("$PY" -m json.tool --sort-keys "$HERE/expected.json") \
           <("$PY" -m json.tool --sort-keys "$OUT/$c.norm.json" 2>/dev/null || cat "$OUT/$c.json") | sed 's/^/    /' || true
    fi
  else
    status="FAILED (exit $?)"; failed=$((failed+1))
    sed 's/^/    /' "$OUT/$c.stderr" | tail -20
  fi
  printf '%-8s %-28s %.1f s\n' "$c" "$status" "$(since "$t")"
done

# identical to each other (after dropping "client"); implied by expected.json, checked anyway
if [ "$failed" = 0 ] && [ "$(cat "$OUT"/*.norm.json | sort -u | wc -l)" != 1 ]; then
  echo "client outputs differ from each other" >&2; failed=$((failed+1))
fi
leftover=$(rabbitmqctl -q list_queues name 2>/dev/null | grep -Ec '^(pika|kombu|amqplib|go|java)\.' || true)
if [ "$leftover" != 0 ]; then echo "clients left $leftover queue(s) behind" >&2; failed=$((failed+1)); fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
