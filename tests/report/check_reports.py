#!/usr/bin/python3
"""`warren run --json/--junit` give CI systems the same result as the exit code.

Runs every given scenario plus two made here (one failing with XML-hostile
text in its failure, one with a step error) and checks:
  - the JSON result validates against sim/report/result.schema.json, and its
    ok flags agree with the exit code and with each other;
  - the JUnit XML parses (xml.etree), its totals equal its testcases, and
    every failed JSON check is exactly one failed testcase with the same texts.
Usage: check_reports.py WARREN RESULT_SCHEMA SCENARIO...
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import jsonschema

HOSTILE = {
    "version": 1,
    "name": "hostile <text> & \"quotes\"",
    "queues": [{"name": "q<&\"'>\u0001\u00e9"}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "q<&\"'>\u0001\u00e9", "body": "m"}}],
    "expect": [{"queue": "q<&\"'>\u0001\u00e9", "ready": 5},
               {"queue": "q<&\"'>\u0001\u00e9", "unacked": 0}],
}
# A set_policy step the broker refuses: a multi-line validation text,
# reported as one line.
STEP_ERROR = {
    "version": 1,
    "queues": [{"name": "q"}],
    "timeline": [{"at_ms": 0, "set_policy": {"name": "p", "pattern": ".*",
                                            "definition": {"message-ttl": -1}}}],
    "expect": [{"queue": "q", "ready": 0}],
}


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main():
    warren, schema_path = sys.argv[1], sys.argv[2]
    scenarios = [p for p in sys.argv[3:] if os.path.basename(p) != "schema.json"]
    with tempfile.TemporaryDirectory() as tmp:
        made = []
        for name, doc in (("hostile.json", HOSTILE), ("step_error.json", STEP_ERROR)):
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                json.dump(doc, f)
            made.append(path)
        out_json, out_xml = os.path.join(tmp, "r.json"), os.path.join(tmp, "r.xml")
        run = subprocess.run([warren, "run", "--quiet", "--check-determinism", "--json", out_json,
                              "--junit", out_xml] + scenarios + made,
                             capture_output=True, text=True)
        if run.returncode != 1:
            fail(f"expected exit 1 (two scenarios fail), got {run.returncode}: {run.stderr}")
        with open(out_json) as f:
            result = json.load(f)
        with open(schema_path) as f:
            jsonschema.validate(result, json.load(f))
        tree = ET.parse(out_xml)

    # JSON: consistent with itself and with the exit code.
    if result["ok"]:
        fail("ok is true but the exit code was 1")
    by_file = {s["file"]: s for s in result["scenarios"]}
    if len(by_file) != len(scenarios) + 2:
        fail(f"{len(by_file)} scenarios in the JSON, {len(scenarios) + 2} run")
    for s in result["scenarios"]:
        failed_checks = [c for c in s["checks"] if not c["ok"]]
        if s["ok"] != (not failed_checks):
            fail(f"{s['file']}: ok={s['ok']} but {len(failed_checks)} checks failed")
        if any(c["ok"] == bool(c["failures"]) for c in s["checks"]):
            fail(f"{s['file']}: a check's ok disagrees with its failures")
        if s.get("deterministic") is not True:
            fail(f"{s['file']}: determinism not reported")
    for path in scenarios:
        if not by_file[path]["ok"]:
            fail(f"{path} should hold: {by_file[path]['checks']}")
    hostile = by_file[made[0]]
    bad = [c for c in hostile["checks"] if not c["ok"]]
    if [c["pointer"] for c in bad] != ["/expect/0"]:
        fail(f"hostile: expected only /expect/0 to fail, got {bad}")
    if "expected 5, got 1" not in bad[0]["failures"][0]:
        fail(f"hostile: failure text lacks expected vs actual: {bad[0]}")
    step = by_file[made[1]]
    run_check = [c for c in step["checks"] if c["name"] == "run"][0]
    if run_check["ok"] or "/timeline/0" not in run_check["failures"][0]:
        fail(f"step_error: the run check should carry the step error: {run_check}")

    # JUnit: totals, and the same failures as the JSON.
    root = tree.getroot()
    cases = root.findall("./testsuite/testcase")
    failed_cases = [c for c in cases if c.find("failure") is not None]
    if int(root.get("tests")) != len(cases) or int(root.get("failures")) != len(failed_cases):
        fail(f"root totals {root.get('tests')}/{root.get('failures')} vs "
             f"{len(cases)}/{len(failed_cases)} testcases")
    for suite in root.findall("testsuite"):
        sc = suite.findall("testcase")
        sf = [c for c in sc if c.find("failure") is not None]
        if int(suite.get("tests")) != len(sc) or int(suite.get("failures")) != len(sf):
            fail(f"suite {suite.get('name')}: totals disagree with its testcases")
    from_json = sorted((s["file"], c["name"], tuple(c["failures"]))
                       for s in result["scenarios"] for c in s["checks"] if not c["ok"])
    from_xml = sorted((c.get("classname"), c.get("name"),
                       tuple(f.get("message") for f in c.findall("failure"))) for c in failed_cases)

    def xml_text(t):  # XML cannot carry U+0001: the writer puts U+FFFD there
        return t.replace("\u0001", "\ufffd")
    from_json = [(f, xml_text(n), tuple(xml_text(x) for x in w)) for f, n, w in from_json]
    if from_json != from_xml:
        fail(f"JSON failures {from_json}\n  != JUnit failures {from_xml}")
    if not any("q<&\"'>\ufffd\u00e9" in m for _, _, w in from_xml for m in w):
        fail("the hostile queue name did not survive XML escaping")
    print(f"ok: {len(result['scenarios'])} scenarios, {len(cases)} testcases, "
          f"{len(failed_cases)} failed as expected; JSON valid against the schema")


if __name__ == "__main__":
    main()
