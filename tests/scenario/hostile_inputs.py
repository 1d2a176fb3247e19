#!/usr/bin/env python3
"""Hostile and huge scenario inputs: each must end in exit 0, 1 or 2 (the
documented code), with the documented message, within seconds, in 4 GiB of
address space (ulimit -v 4194304). Inputs are generated here, not committed.

usage: hostile_inputs.py WARREN_BINARY
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

LIMIT_AS = 4 * 1024 ** 3
TIMEOUT_S = 60


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def scenario(**kw):
    return json.dumps({"version": 1, **kw})


def nested(depth, leaf="1"):
    return "[" * depth + leaf + "]" * depth


def cases(tmp):
    always_requeue = scenario(
        queues=[{"name": "q"}],
        clients=[{"name": "c", "queue": "q", "rules": [{"do": "requeue"}]}],
        timeline=[{"at_ms": 0, "publish": {"routing_key": "q", "body": "x"}}])
    dlx_cycle = scenario(
        exchanges=[{"name": "fan", "type": "fanout"}],
        queues=[{"name": "a", "arguments": {"x-dead-letter-exchange": "fan"}},
                {"name": "b", "arguments": {"x-dead-letter-exchange": "fan"}}],
        bindings=[{"exchange": "fan", "queue": "a"}, {"exchange": "fan", "queue": "b"}],
        clients=[{"name": "ca", "queue": "a", "rules": [{"do": "reject"}]},
                 {"name": "cb", "queue": "b", "rules": [{"do": "reject"}]}],
        timeline=[{"at_ms": 0, "publish": {"exchange": "fan", "body": "x"}}])
    three_million = scenario(
        queues=[{"name": "q"}],
        timeline=[{"at_ms": i, "publish": {"routing_key": "q", "count": 1000000}}
                  for i in range(3)])
    fanout_ten = scenario(
        exchanges=[{"name": "fan", "type": "fanout"}],
        queues=[{"name": f"q{i}"} for i in range(10)],
        bindings=[{"exchange": "fan", "queue": f"q{i}"} for i in range(10)],
        timeline=[{"at_ms": 0, "publish": {"exchange": "fan", "count": 1000000}}])
    deep_header = ('{"version": 1, "queues": [{"name": "q"}], "clients": [{"name": "c", '
                   '"queue": "q"}], "timeline": [{"at_ms": 0, "publish": {"routing_key": "q", '
                   '"properties": {"headers": {"h": ' + '{"a":' * 17000 + '1' + '}' * 17000 +
                   '}}}}]}')
    catch_all_long_name = scenario(
        queues=[{"name": "q" * 40000}],
        policies=[{"name": "all", "pattern": ".*", "definition": {"message-ttl": 1}}])
    backtracking = scenario(
        queues=[{"name": "a" * 30 + "b"}],
        policies=[{"name": "evil", "pattern": "^(a+)+$", "definition": {"message-ttl": 1}}])
    ten_year_hold = scenario(
        options={"consumer_timeout_ms": 315360000000},
        queues=[{"name": "q"}],
        clients=[{"name": "c", "queue": "q", "rules": [{"do": "hold"}]}],
        timeline=[{"at_ms": 0, "publish": {"routing_key": "q"}}],
        expect=[{"queue": "q", "unacked": 1}],
        run_for_ms=315360000000)
    duplicate_expect = ('{"version": 1, "queues": [{"name": "q"}], "expect": [{"queue": "q", '
                        '"ready": 7}], "expect": []}')
    # Found by the scenario fuzzer: every reject is dead-lettered into two
    # TTL queues that both return to the work queue, so the copies double
    # each second (16 384 in the 15th); `observe` copied every delivery (the
    # fuzzer's variant: 1.3 million copies, 7.7 GB).
    doubling = scenario(
        exchanges=[{"name": "work", "type": "direct"}, {"name": "retry", "type": "direct"}],
        queues=[{"name": "q", "arguments": {"x-dead-letter-exchange": "retry"}},
                {"name": "r1", "arguments": {"x-message-ttl": 1000,
                                             "x-dead-letter-exchange": "work"}},
                {"name": "r1b", "arguments": {"x-message-ttl": 1000,
                                              "x-dead-letter-exchange": "work"}}],
        bindings=[{"exchange": "work", "queue": "q", "routing_key": "t"},
                  {"exchange": "retry", "queue": "r1", "routing_key": "t"},
                  {"exchange": "retry", "queue": "r1b", "routing_key": "t"}],
        clients=[{"name": "w", "queue": "q", "rules": [{"do": "reject"}]}],
        timeline=[{"at_ms": 0, "publish": {"exchange": "work", "routing_key": "t"}}],
        run_for_ms=14500)
    ok = scenario(queues=[{"name": "q"}],
                  timeline=[{"at_ms": 0, "publish": {"routing_key": "q", "count": 1000}}],
                  expect=[{"queue": "q", "ready": 1000}])
    failing = scenario(queues=[{"name": "q"}],
                       timeline=[{"at_ms": 0, "purge_queue": "missing-at-run"}])

    def write(name, text):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    big = os.path.join(tmp, "big.json")
    with open(big, "w") as f:
        f.truncate(65 * 1024 * 1024)
    copy = write("trace_target.json", ok)
    return [
        # (name, argv, exit code, text expected in stdout+stderr)
        ("always-requeue consumer", ["run", "--quiet", write("requeue.json", always_requeue)],
         1, "options.max_events (5000000 per run) exhausted"),
        ("dead-letter fanout cycle with rejects", ["run", "--quiet", write("cycle.json", dlx_cycle)],
         1, "exhausted"),
        ("root nested 50 000 levels", ["validate", write("deep_root.json", nested(50000))],
         2, "levels of nested arrays and objects"),
        ("version nested 50 000 levels",
         ["validate", write("deep_version.json", '{"version": ' + nested(50000) + '}')],
         2, "levels of nested arrays and objects"),
        ("description nested 50 000 levels",
         ["validate", write("deep_desc.json", '{"version": 1, "description": ' + nested(50000) + '}')],
         2, "levels of nested arrays and objects"),
        ("argument nested 18 000 levels",
         ["validate", write("deep_arg.json", '{"version": 1, "queues": [{"name": "q", "arguments": '
                            '{"x-a": ' + nested(18000) + '}}]}')],
         2, "levels of nested arrays and objects"),
        ("header nested 17 000 levels", ["run", write("deep_header.json", deep_header)],
         2, "levels of nested arrays and objects"),
        ("catch-all policy and a 40 000-byte queue name",
         ["validate", write("long_name.json", catch_all_long_name)], 2, "at most 255 bytes"),
        ("backtracking policy pattern", ["validate", write("backtrack.json", backtracking)],
         0, "valid"),
        ("three publish steps of 10^6", ["run", "--quiet", write("3m.json", three_million)],
         0, "ok: 0 expectations"),
        ("10^6 publishes fanned out to 10 queues", ["run", "--quiet", write("fan10.json", fanout_ten)],
         1, "live-message bound"),
        ("a ten-year consumer timeout on a held message",
         ["run", "--quiet", write("hold.json", ten_year_hold)], 0, "ok: 1 expectations"),
        ("duplicate keys", ["run", write("dup.json", duplicate_expect)], 2, "duplicate key"),
        ("/dev/zero", ["validate", "/dev/zero"], 2, "expected a regular file"),
        ("a directory", ["validate", tmp], 2, "got a directory"),
        ("a file over 64 MiB", ["validate", big], 2, "limited to"),
        ("--trace /dev/full", ["run", "--quiet", "--trace", "/dev/full", write("ok.json", ok)],
         2, "cannot write the trace"),
        ("--trace naming the scenario", ["run", "--trace", copy, copy], 2, "refusing to write"),
        ("observe of a failing run", ["observe", write("failing.json", failing)], 1, "partial"),
        ("observe of copies doubling through a dead-letter fan-out",
         ["observe", write("doubling.json", doubling)], 1, "observation bound"),
        ("a repeated option", ["run", "--seed", "1", "--seed", "2", write("ok2.json", ok)],
         2, "--seed given twice"),
        ("a seed beyond the file's range",
         ["run", "--seed", "18446744073709551615", write("ok3.json", ok)], 2, "--seed expects"),
    ], copy, ok


def main():
    warren = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        all_cases, copy, ok_text = cases(tmp)
        for name, argv, want_code, want_text in all_cases:
            start = time.monotonic()
            try:
                p = subprocess.run([warren] + argv, capture_output=True, timeout=TIMEOUT_S,
                                   preexec_fn=limit_memory)
                code, out = p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                code, out = "timeout", ""
            took = time.monotonic() - start
            good = code == want_code and want_text in out
            print(f"{'ok  ' if good else 'FAIL'} {name}: exit {code} in {took:.1f} s"
                  + ("" if good else f" (want exit {want_code} and {want_text!r}; got {out[-400:]!r})"))
            failures += not good
        with open(copy) as f:
            if f.read() != ok_text:
                print("FAIL the scenario named as the trace path was overwritten")
                failures += 1
    print(f"{len(all_cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
