#!/usr/bin/env bash
# `warren serve` under real clients, side by side with a null server (the
# client's ceiling) and RabbitMQ 3.10.8, in one run, in a private network
# namespace so nothing collides with a RabbitMQ on this machine.
#   bench/wire/run_wire_bench.sh [BUILD_DIR] [-- google-benchmark flags]
# Installs what it needs (Debian: rabbitmq-server, python3-pika, nodejs,
# npm; npm: amqplib outside the repository). Needs the bench targets built
# (cmake --build --preset default). Prints Google Benchmark's table, then
# the ratios bench/README.md quotes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$ROOT/build}"; shift || true
[ "${1:-}" = "--" ] && shift

if [ -z "${WARREN_BENCH_IN_NETNS:-}" ]; then
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  need=()
  for p in rabbitmq-server python3-pika util-linux iproute2; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  command -v node >/dev/null || need+=(nodejs npm)
  if [ "${#need[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  # amqplib from npm, outside the repository (the namespace has no network)
  "$ROOT/tests/wire/clients/run_client.sh" --build amqplib >/dev/null
  [ -x "$BUILD/bench/warren_bench_wire" ] || { echo "build $BUILD/bench/warren_bench_wire first" >&2; exit 2; }
  if unshare -n true 2>/dev/null; then NS=(unshare -n); else NS=(unshare -rn); fi
  export WARREN_NODE_MODULES="${WARREN_NODE_MODULES:-${TMPDIR:-/tmp}/warren-wire-node}"
  WARREN_BENCH_IN_NETNS=1 exec "${NS[@]}" bash "$0" "$BUILD" -- "$@"
fi

# ---- inside the private network namespace ----
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/warren-bench-wire.XXXXXX")"
# shellcheck source=../../tests/wire/private_rabbitmq.sh
. "$ROOT/tests/wire/private_rabbitmq.sh"
trap private_rabbitmq_stop EXIT
private_rabbitmq_start "$LOGS"
export WARREN_BENCH_RABBITMQ="amqp://guest:guest@127.0.0.1:5672/ $RMQ_PID"
json="$LOGS/wire.json"
"$BUILD/bench/warren_bench_wire" --benchmark_out="$json" --benchmark_out_format=json "$@"
/usr/bin/python3 - "$json" "$RMQ_BOOT_S" <<'PY'
import json, sys
rows = {b["name"].split("/iterations")[0]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def get(server, client, key):
    b = rows.get("BM_Wire/%s/%s" % (server, client))
    return None if b is None or "error_message" in b else b.get(key)
print()
print("| client | server | msg/s | server CPU µs/msg |")
print("|---|---|---|---|")
for client in ("pika", "amqplib"):
    for server in ("null", "warren", "rabbitmq"):
        r, c = get(server, client, "msg_per_s"), get(server, client, "server_us_per_msg")
        print("| %s | %s | %s | %s |" % (client, server, "-" if r is None else "{:,.0f}".format(r),
                                         "-" if c is None else "%.1f" % c))
print()
for client in ("pika", "amqplib"):
    w, n, r = (get(s, client, "msg_per_s") for s in ("warren", "null", "rabbitmq"))
    wc, rc = get("warren", client, "server_us_per_msg"), get("rabbitmq", client, "server_us_per_msg")
    if w and n:
        print("%s: warren end to end = %.0f %% of the null server" % (client, 100 * w / n))
    if w and r:
        print("%s: warren end to end = %.2f x RabbitMQ" % (client, w / r))
    if wc and rc:
        print("%s: RabbitMQ spends %.1f x the server CPU per message" % (client, rc / wc))
ready = rows.get("BM_ServeReady"); floor = rows.get("BM_NullServerReady")
if ready:
    print("warren serve READY: %.1f ms (a bare Asio server: %.1f ms); RabbitMQ boot here: %s s"
          % (ready["real_time"], floor["real_time"] if floor else float("nan"), sys.argv[2]))
PY
