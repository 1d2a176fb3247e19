#!/usr/bin/env python3
"""Every shipped and conformance scenario's trace must equal its committed
golden copy byte for byte (tests/golden/<name>.jsonl): refactors must not
change behaviour, and a change that should is made visible in review.

usage: check_golden.py WARREN GOLDEN_DIR SCENARIO... [--update]
"""
import os
import subprocess
import sys
import tempfile


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv
    warren, golden_dir, scenarios = args[0], args[1], args[2:]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in scenarios:
            name = os.path.splitext(os.path.basename(path))[0]
            if name == "schema":
                continue
            out = os.path.join(tmp, name + ".jsonl")
            subprocess.run([warren, "run", "--quiet", "--trace", out, path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            golden = os.path.join(golden_dir, name + ".jsonl")
            got = open(out, "rb").read()
            if update:
                open(golden, "wb").write(got)
                continue
            if not os.path.exists(golden):
                print(f"FAIL {name}: no golden trace {golden} (run with --update to create it)")
                failed += 1
                continue
            want = open(golden, "rb").read()
            if got == want:
                continue
            failed += 1
            g, w = got.splitlines(), want.splitlines()
            for i in range(max(len(g), len(w))):
                a = g[i] if i < len(g) else b"(end)"
                b = w[i] if i < len(w) else b"(end)"
                if a != b:
                    print(f"FAIL {name}: line {i + 1} differs\n  golden: {b.decode(errors='replace')}\n"
                          f"  now:    {a.decode(errors='replace')}")
                    break
    total = len([s for s in scenarios if not s.endswith("schema.json")])
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
