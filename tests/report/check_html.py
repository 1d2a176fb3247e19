#!/usr/bin/python3
"""`warren run --html` opened in a real headless Chromium (Debian `chromium`).

For the seed ladder, a Celery scenario and a 10^5-message run:
  - the page loads with no console error (Chromium logs them on stderr);
  - the script ran (body[data-rendered]), one lane per message up to the cap,
    one depth plot per queue, one row per check, the Celery tables;
  - a 10^5-message run stays small (< 1 MB) and shows the cap's note;
  - a screenshot is not blank (its decoded pixels vary).
With --screenshot OUT.png it also saves the ladder report's screenshot.
Usage: check_html.py WARREN SCENARIO_DIR [--screenshot OUT.png]
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

LANE_CAP = 200
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  "--enable-logging=stderr", "--v=0"]


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def chromium():
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return name
    fail("chromium is not installed (apt-get install chromium)")


def load(page, extra):
    run = subprocess.run([chromium()] + CHROMIUM_FLAGS + extra + ["file://" + page],
                         capture_output=True, text=True, timeout=180)
    errors = [l for l in run.stderr.splitlines()
              if "CONSOLE" in l or "Uncaught" in l or "SyntaxError" in l]
    if errors:
        fail(f"{page}: console errors:\n" + "\n".join(errors))
    return run.stdout


def count(dom, cls):
    return len(re.findall(r'class="%s"' % re.escape(cls), dom))


def png_pixels_vary(path):
    """True when the decoded image data holds many distinct byte values."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    return len(set(raw)) > 32


def run_report(warren, files, out):
    run = subprocess.run([warren, "run", "--quiet", "--html", out] + files,
                         capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"warren run exited {run.returncode}: {run.stdout}{run.stderr}")
    data = open(out).read()
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', data, re.S)
    return data, json.loads(m.group(1))


def main():
    warren, scenarios = sys.argv[1], sys.argv[2]
    shot_out = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "ladder.html")
        files = [os.path.join(scenarios, f) for f in
                 ("ttl_dlx_ladder_republish.json", "celery_retry_backoff.json")]
        _, data = run_report(warren, files, page)
        dom = load(page, ["--dump-dom"])
        if 'data-rendered="true"' not in dom:
            fail("the page's script did not finish")
        lanes = sum(min(s["messages"], LANE_CAP) for s in data)
        plots = sum(len(s["depth"]) for s in data)
        checks = sum(len(s["checks"]) for s in data)
        if lanes == 0 or count(dom, "lane") != lanes:
            fail(f"{count(dom, 'lane')} lanes drawn, {lanes} expected")
        if plots == 0 or count(dom, "depth-plot") != plots:
            fail(f"{count(dom, 'depth-plot')} depth plots drawn, {plots} expected")
        rows = len(re.findall(r'<table class="checks">(.*?)</table>', dom, re.S))
        check_rows = sum(len(re.findall(r"<tr>", t)) - 1
                         for t in re.findall(r'<table class="checks">(.*?)</table>', dom, re.S))
        if rows != len(data) or check_rows != checks:
            fail(f"{check_rows} check rows in {rows} tables, {checks} in {len(data)} expected")
        if count(dom, "tasks") != 1 or count(dom, "events") != 1:
            fail("the Celery scenario's task and event tables are missing")
        if "x-death {queue=retry_2s reason=expired count=1}" not in dom:
            fail("a dead-letter mark does not carry its x-death entry")
        shot = os.path.join(tmp, "ladder.png")
        load(page, ["--window-size=1300,1000", "--screenshot=" + shot])
        if not os.path.exists(shot) or not png_pixels_vary(shot):
            fail("the screenshot is blank")
        if shot_out:
            shutil.copy(shot, shot_out)

        big = os.path.join(tmp, "big.json")
        with open(big, "w") as f:
            json.dump({"version": 1, "queues": [
                {"name": "dlq"},
                {"name": "q", "arguments": {"x-message-ttl": 1000, "x-dead-letter-exchange": "",
                                            "x-dead-letter-routing-key": "dlq"}}],
                "timeline": [{"at_ms": i * 10, "publish": {"routing_key": "q", "body": "m",
                                                           "count": 1000}} for i in range(100)],
                "expect": [{"queue": "dlq", "ready": 100000}], "run_for_ms": 5000}, f)
        big_page = os.path.join(tmp, "big.html")
        text, data = run_report(warren, [big], big_page)
        if len(text) > 1_000_000:
            fail(f"the 10^5-message report is {len(text)} bytes")
        dom = load(big_page, ["--dump-dom"])
        if count(dom, "lane") != LANE_CAP or "lanes for the first 200 of 100000" not in dom:
            fail("the 10^5-message report does not cap its lanes with a note")
        if count(dom, "depth-plot") != 2:
            fail("the 10^5-message report lacks its depth plots")
    print(f"ok: {lanes} lanes, {plots} depth plots, {checks} checks rendered without console "
          f"errors; 10^5 messages in {len(text)} bytes")


if __name__ == "__main__":
    main()
