#!/usr/bin/env bash
# Instructions per item (message, task...) of a benchmark, counted by
# callgrind: deterministic, so two builds can be compared on a machine whose
# speed drifts between phases (timings there need same-run pairs).
#
#   bash bench/instructions.sh FILTER PER_ITEM_FUNCTION [BINARY]
#   bash bench/instructions.sh 'BM_PublishDeliverAckDirect/1$' 'warren::Channel::BasicPublish('
#   bash bench/instructions.sh 'BM_CeleryFailingTasksThroughRetriesToDlq/1000/0$' \
#       'warren::celery::Worker::OnDelivery('
#
# Counts every instruction inside the benchmark function (all of Google
# Benchmark's trials, set-up included) and divides by the number of calls of
# PER_ITEM_FUNCTION, named as demangled up to its "(" (a trailing part such
# as "Channel::BasicPublish" is enough; lambdas inside it do not count).
# Set-up is amortized over every item run and the number of trials depends
# on speed under valgrind, so compare builds at similar call counts (both
# are printed) and prefer benchmarks whose set-up is small per run. Not
# time: cache misses and mispredictions are not counted.
set -euo pipefail
filter=${1:?usage: $0 FILTER PER_ITEM_FUNCTION [BINARY]}
per_item=${2:?usage: $0 FILTER PER_ITEM_FUNCTION [BINARY]}
bin=${3:-build/bench/warren_bench}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" --toggle-collect='*BM_*' \
  "$bin" --benchmark_filter="$filter" --benchmark_min_time=0.2 >/dev/null 2>"$tmp/stderr" || {
  echo "valgrind or the benchmark failed:" >&2; tail -20 "$tmp/stderr" >&2; exit 1; }
python3 - "$tmp/cg" "$per_item" "$filter" <<'PY'
import re, sys
path, per_item, filt = sys.argv[1:]
names = {}  # callgrind compresses names: "(id) name" once, then "(id)"
def name(spec):
    m = re.match(r'\((\d+)\)(?: (.*))?', spec)
    if not m:
        return spec
    if m.group(2):
        names[m.group(1)] = m.group(2)
    return names.get(m.group(1), '')
def is_item(fn):
    base = fn.split('(', 1)[0].replace('[abi:cxx11]', '')
    return base == per_item or base.endswith('::' + per_item)
total, calls, callee = 0, 0, None
for line in open(path):
    if line.startswith('summary:'):
        total = int(line.split()[1])
    elif line.startswith(('fn=', 'cfn=')):
        n = name(line.split('=', 1)[1].strip())
        if line.startswith('cfn='):
            callee = n
    elif line.startswith('calls=') and callee is not None and is_item(callee):
        calls += int(line.split('=')[1].split()[0])
if calls == 0:
    sys.exit(f'no calls of {per_item!r} under {filt}')
print(f'{filt}: {total / calls:,.0f} instructions per {per_item} ({calls:,} calls, {total:,} instructions)')
PY
