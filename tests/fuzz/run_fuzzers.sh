#!/usr/bin/env bash
# Runs every libFuzzer harness of the fuzz preset for a bounded time each:
#   tests/fuzz/run_fuzzers.sh [SECONDS_PER_HARNESS]   (default 60)
# Seeds come from the repo's corpora (copied: new inputs stay out of git).
# A crash, timeout or leak fails the run and leaves its input under
# build-fuzz/artifacts/; turn it into a regression by copying it into
# tests/fuzz/corpus/<harness>/ (the default suite replays those).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
out=build-fuzz/fuzz-run
rm -rf "$out"
mkdir -p "$out" build-fuzz/artifacts
declare -A seeds=(
  [scenario]="scenarios tests/conformance/scenarios tests/scenario/malformed tests/fuzz/corpus/scenario"
  [broker_ops]="tests/fuzz/corpus/broker_ops"
  [amqp_text]="tests/fuzz/corpus/amqp_text"
  [wire]="tests/fuzz/corpus/wire"
)
for name in scenario broker_ops amqp_text wire; do
  mkdir -p "$out/$name"
  for d in ${seeds[$name]}; do cp -r "$d"/. "$out/$name/"; done
  rm -f "$out/$name"/*.tsv "$out/$name"/schema.json
  dict=()
  if [ -f "tests/fuzz/dict/$name.dict" ]; then dict=(-dict="tests/fuzz/dict/$name.dict"); fi
  echo "fuzz_$name: ${seconds}s"
  "build-fuzz/tests/fuzz/fuzz_$name" "$out/$name" "${dict[@]}" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=4096 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/artifacts/$name-" 2>"$out/$name.log" ||
    { tail -n 60 "$out/$name.log"; echo "fuzz_$name FAILED"; exit 1; }
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$out/$name.log" | tail -n 2
done
