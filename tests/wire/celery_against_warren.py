#!/usr/bin/python3
"""A real Celery 5.2.6 worker (Debian python3-celery) against `warren serve`.

For each scenario file given, it starts `warren serve` on 5672/15672 (run it
inside a private network namespace: `unshare -rn`, see main) with the
scenario's topology (--scenario), starts `celery worker` with the scenario's
tasks (the module celery_live.py writes for a live RabbitMQ), applies the
tasks, and drives virtual time the way a test would:

  * timeline steps that move bindings (the seed's ladder) are made through
    the management API at their virtual instants, after
    POST /warren/v1/await has seen the message arrive where it should;
  * POST /warren/v1/clock/run {"until": ...} moves virtual time only while
    the wire is quiet, so the worker's reactions land at the right instants:
    the 2 s + 4 s + 8 s ladder takes no wall time at all.

Then every queue's contents (x-death histories, Celery task/retries headers)
and unacked counts must equal `warren observe` of the same file: the
in-process Celery model and the real worker agree.

  celery_against_warren.py --warren BIN SCENARIO...
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
import celery_live  # noqa: E402
import conformance  # noqa: E402

API = "http://127.0.0.1:15672"


def call(method, path, body=None, timeout=60):
    req = urllib.request.Request(API + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Authorization", "Basic Z3Vlc3Q6Z3Vlc3Q=")  # guest:guest
    req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            return r.status, (json.loads(data) if data.strip() else None)
    except urllib.error.HTTPError as e:
        data = e.read()
        return e.code, (json.loads(data) if data.strip() else None)


def observe_live():
    """What `warren observe` reports per queue, read over HTTP."""
    obs = {"queues": {}}
    _, queues = call("GET", "/api/queues/%2F")
    for q in queues:
        if q["name"].startswith("amq.gen-") or q["name"].endswith(".pidbox") or \
                q["name"].startswith("celeryev."):
            continue
        _, msgs = call("GET", "/warren/v1/queues/%s/messages" % urllib.parse.quote(q["name"], safe=""))
        ready = [{"properties": m["properties"], "body": m["payload"]} for m in msgs]
        obs["queues"][q["name"]] = {"ready": ready, "unacked": q["messages_unacknowledged"]}
    return obs


def q(name):
    return urllib.parse.quote(name, safe="")


def binding_step(step):
    """A bind/unbind timeline step through the management API."""
    b = step.get("bind") or step.get("unbind")
    if "bind" in step:
        status, _ = call("POST", "/api/bindings/%%2F/e/%s/q/%s" % (q(b["exchange"]), q(b["queue"])),
                         {"routing_key": b.get("routing_key", ""), "arguments": {}})
    else:
        status, _ = call("DELETE", "/api/bindings/%%2F/e/%s/q/%s/%s" % (
            q(b["exchange"]), q(b["queue"]), q(b.get("routing_key", "") or "~")))
    if status >= 300:
        raise RuntimeError("binding step %s: HTTP %d" % (step, status))


def run_scenario(warren, path, workdir):
    with open(path, encoding="utf-8") as f:
        sc = json.load(f)
    serve = subprocess.Popen([warren, "serve", "--scenario", path, "--start",
                              "2025-01-01T00:00:00Z", "--input-log",
                              os.path.join(workdir, "input.jsonl")],
                             stdout=subprocess.PIPE, stderr=open(os.path.join(workdir, "serve.err"), "w"),
                             text=True)
    ready = serve.stdout.readline()
    if not ready.startswith("READY"):
        raise RuntimeError("warren serve did not start: " + open(os.path.join(workdir, "serve.err")).read())
    with open(os.path.join(workdir, "warren_live_tasks.py"), "w") as f:
        f.write(celery_live.tasks_module(sc))
    env = dict(os.environ, PYTHONPATH=workdir)
    workers = []
    for w in sc["celery"]["workers"]:
        cmd = ["/usr/bin/python3", "-m", "celery", "-A", "warren_live_tasks", "worker",
               "-P", w.get("pool", "prefork"), "-c", str(w.get("concurrency", 1)),
               "-Q", ",".join(w.get("queues", ["celery"])), "-n", "%s@warren" % w["name"],
               "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"]
        workers.append(subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(workdir, w["name"] + ".log"), "w")))
    started = time.monotonic()
    try:
        # The worker is up once it consumes its queues.
        for wq in {x for w in sc["celery"]["workers"] for x in w.get("queues", [])}:
            status, _ = call("POST", "/warren/v1/await", {"queue": wq, "consumers_at_least": 1,
                                                           "wall_timeout_ms": 30000})
        sys.path.insert(0, workdir)
        import importlib
        mod = importlib.import_module("warren_live_tasks")
        importlib.reload(mod)
        steps = sorted(enumerate(sc.get("timeline", [])), key=lambda s: (s[1]["at_ms"], s[0]))
        t0 = None
        _, clock = call("GET", "/warren/v1/clock")
        t0 = clock["now_ms"]
        for _, s in steps:
            # Virtual time to the step's instant, moving only while the wire is quiet.
            target = t0 + s["at_ms"]
            status, r = call("POST", "/warren/v1/clock/run",
                             {"until": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(target // 1000))
                              + ".%03dZ" % (target % 1000), "settle_ms": 100,
                              "wall_timeout_ms": 30000})
            if status != 200:
                raise RuntimeError("clock/run to %d ms: %s" % (s["at_ms"], r))
            if "apply_async" in s:
                a = s["apply_async"]
                # task.apply_async, as the step says (send_task adds kombu's
                # default priority 0, which retries then copy).
                mod.app.tasks[a["task"]].apply_async(args=a.get("args", []),
                                                     kwargs=a.get("kwargs", {}),
                                                     queue=a["queue"])
            elif "bind" in s or "unbind" in s:
                binding_step(s)
            else:
                raise conformance.Unsupported("timeline step %s" % sorted(s))
        end = t0 + max(sc.get("run_for_ms", 600000), steps[-1][1]["at_ms"] if steps else 0)
        status, r = call("POST", "/warren/v1/clock/run",
                         {"until": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(end // 1000))
                          + ".%03dZ" % (end % 1000), "settle_ms": 200, "wall_timeout_ms": 60000})
        if status != 200:
            raise RuntimeError("clock/run to the end: %s" % r)
        wall = time.monotonic() - started
        obs = observe_live()
        _, inv = call("GET", "/warren/v1/invariants")
    finally:
        celery_live.stop_workers(workers)
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
    return obs, inv, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--warren", required=True)
    ap.add_argument("scenarios", nargs="+")
    args = ap.parse_args()
    if not os.environ.get("WARREN_IN_NETNS"):
        # 5672/15672 inside a private network namespace: no clash with a real broker.
        ns = ["unshare", "-n"] if subprocess.run(["unshare", "-n", "true"]).returncode == 0 \
            else ["unshare", "-rn"]
        os.environ["WARREN_IN_NETNS"] = "1"
        return subprocess.run(ns + ["bash", "-c", 'ip link set lo up && exec "$0" "$@"',
                                    sys.executable, os.path.abspath(__file__)] + sys.argv[1:]).returncode
    failed = 0
    for path in args.scenarios:
        name = os.path.splitext(os.path.basename(path))[0]
        mine = celery_live.summary(conformance.warren_observe(args.warren, path))
        with tempfile.TemporaryDirectory() as workdir:
            try:
                obs, inv, wall = run_scenario(args.warren, path, workdir)
            except Exception as e:  # noqa: BLE001 - show the logs, then fail
                import traceback
                traceback.print_exc()
                for log in sorted(os.listdir(workdir)):
                    if log.endswith((".log", ".err")):
                        print("---- %s\n%s" % (log, open(os.path.join(workdir, log)).read()[-3000:]))
                print("FAILED  %s: %s" % (name, e))
                failed += 1
                continue
        real = celery_live.summary(obs)
        diffs = conformance.differences(real, mine)
        if inv != {"ok": True}:
            diffs.append("invariants: %s" % inv)
        conformance.report(name, diffs)
        print("         real worker, %.1f s of wall time" % wall)
        failed += bool(diffs)
    print("%d passed, %d failed" % (len(args.scenarios) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
