#!/usr/bin/env bash
# Warren side by side with the tools users would otherwise pick, same machine,
# same run: the core loop (publish -> direct route -> deliver -> ack,
# prefetch 100) and a TTL + DLX workload (10 ms queue TTL into a consumed
# dlq), in messages per second, with Warren's ratio to each.
#   bench/peers/run_peers.sh [--boot]     (--boot also times a RabbitMQ boot)
# Installs what it needs (Debian: rabbitmq-server, python3-pika,
# python3-kombu, nodejs/npm; npm: amqplib, smqp, @onify/fake-amqplib,
# mock-amqplib into bench/peers/node_modules). Needs build/bench/warren_bench.
# Prints a Markdown table (paste it into bench/README.md).
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
need=()
for p in rabbitmq-server python3-pika python3-kombu nodejs npm; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ "$(command -v node)" ] && [ "$(command -v npm)" ]; then
  need=("${need[@]/nodejs}"); need=("${need[@]/npm}")
fi
need=($(printf '%s\n' "${need[@]}" | grep -v '^$' || true))
if [ "${#need[@]}" -gt 0 ]; then $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; fi
[ -d node_modules/smqp ] || npm install --no-audit --no-fund --no-save \
  amqplib smqp @onify/fake-amqplib mock-amqplib >/dev/null 2>&1

$SUDO rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
boot="(not measured: run with --boot)"
if [ "${1:-}" = "--boot" ]; then
  $SUDO rabbitmqctl -q stop >/dev/null 2>&1 || true
  sleep 2
  t0=$(date +%s.%N)
  $SUDO rabbitmq-server -detached
  # await_startup fails while the node is not reachable at all: retry it
  until $SUDO rabbitmqctl -q await_startup >/dev/null 2>&1; do sleep 0.2; done
  boot=$(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.1f s')
elif ! $SUDO rabbitmqctl -q status >/dev/null 2>&1; then
  $SUDO rabbitmq-server -detached
  until $SUDO rabbitmqctl -q await_startup >/dev/null 2>&1; do sleep 0.2; done
fi

results=$(mktemp)
../../build/bench/warren_bench --benchmark_filter='BM_PublishDeliverAckDirect/100$|BM_PeerTtlDlx' \
  --benchmark_min_time=0.5 --benchmark_format=json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
names = {"BM_PublishDeliverAckDirect/100": "core", "BM_PeerTtlDlx": "ttl_dlx"}
for b in json.load(sys.stdin)["benchmarks"]:
    if b["name"] in names:
        print(json.dumps({"peer": "Warren (in-process, virtual time)", "workload": names[b["name"]],
                          "msg_per_s": b["items_per_second"]}))' >> "$results"
/usr/bin/python3 peers.py >> "$results"
node peers.mjs >> "$results"

/usr/bin/python3 - "$results" "$boot" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
warren = {r["workload"]: r["msg_per_s"] for r in rows if r["peer"].startswith("Warren")}
peers = []
for r in rows:
    if r["peer"] not in peers:
        peers.append(r["peer"])
def cell(peer, w):
    r = next((r for r in rows if r["peer"] == peer and r["workload"] == w), None)
    if r is None:
        return "-", "-"
    if "error" in r:
        return "fails: " + r["error"], "-"
    ratio = "1" if peer.startswith("Warren") else "%.0f x" % (warren[w] / r["msg_per_s"])
    return "{:,.0f}".format(r["msg_per_s"]), ratio
print("| peer | core loop msg/s | Warren is | TTL + DLX msg/s | Warren is |")
print("|---|---|---|---|---|")
for p in peers:
    c, cr = cell(p, "core")
    t, tr = cell(p, "ttl_dlx")
    print("| %s | %s | %s | %s | %s |" % (p, c, cr, t, tr))
print()
print("RabbitMQ 3.10.8 boot (rabbitmq-server -detached until await_startup): %s" % sys.argv[2])
PY
rm -f "$results"
