#!/usr/bin/python3
"""Celery conformance: Warren's worker model against a real Celery 5.2.6 worker.

For each Warren scenario with a "celery" part (a supported subset: tasks whose
body raises, retries or rejects per execution, autoretry_for, retry_kwargs,
max_retries, acks_late, acks_on_failure_or_timeout, on_failure raise_reject;
workers with a pool and a concurrency; apply_async steps), this script writes
the equivalent Python tasks module, declares the scenario's topology on a
live RabbitMQ, starts `celery worker` (Debian's python3-celery), applies the
tasks, waits until every task queue is settled, stops the worker, and
compares where the messages ended with `warren observe` of the same file:
per queue the unacked count and, per ready message, its x-death history, its
Celery `task` / `retries` headers and the rest of the protocol-2 message where
it does not depend on ids, pids or the wall clock (header keys, argsrepr,
kwargsrepr, timelimit..., root and parent ids relative to the task id, the
properties, the body). Message order within a queue is not compared: real
retries race on the wall clock.

  celery_live.py --warren BIN SCENARIO...
Exit status: 0 all equal, 1 a mismatch, 2 unsupported scenario or broken setup.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conformance  # noqa: E402  (the live broker helpers)

TASK_KEYS = {"name", "acks_late", "autoretry_for", "retry_kwargs", "max_retries", "body",
             "on_failure", "acks_on_failure_or_timeout", "default_retry_delay_ms"}


def task_source(t):
    unsupported = set(t) - TASK_KEYS
    if unsupported or t.get("on_failure", "raise_reject") != "raise_reject":
        raise conformance.Unsupported("task %s: %s" % (t["name"], sorted(unsupported) or
                                                      t.get("on_failure")))
    opts = ["bind=True", "name=%r" % t["name"]]
    if "acks_late" in t:
        opts.append("acks_late=%r" % t["acks_late"])
    if "acks_on_failure_or_timeout" in t:
        opts.append("acks_on_failure_or_timeout=%r" % t["acks_on_failure_or_timeout"])
    if "autoretry_for" in t:
        opts.append("autoretry_for=(%s,)" % ", ".join(t["autoretry_for"]))
    if "retry_kwargs" in t:
        rk = {}
        if "max_retries" in t["retry_kwargs"]:
            rk["max_retries"] = t["retry_kwargs"]["max_retries"]
        if "countdown_ms" in t["retry_kwargs"]:
            rk["countdown"] = t["retry_kwargs"]["countdown_ms"] / 1000.0
        opts.append("retry_kwargs=%r" % rk)
    if "max_retries" in t:
        opts.append("max_retries=%r" % t["max_retries"])
    if "default_retry_delay_ms" in t:
        opts.append("default_retry_delay=%r" % (t["default_retry_delay_ms"] / 1000.0))
    if t.get("on_failure") == "raise_reject":
        opts.append("base=RejectOnFailure")
    fn = t["name"].replace(".", "_")
    return """
@app.task(%s)
def %s(self, *args, **kwargs):
    steps = %r
    chosen = [s for s in steps if "when" in s and holds(s["when"], self.request.retries,
                                                         args, kwargs)]
    plain = [s for s in steps if "when" not in s] or [{"do": "succeed"}]
    step = chosen[0] if chosen else plain[min(self.request.retries, len(plain) - 1)]
    if step["do"] == "raise":
        raise getattr(builtins, step.get("exception", "RuntimeError"))()
    if step["do"] == "retry":
        raise self.retry(countdown=step.get("countdown_ms", 0) / 1000.0)
    if step["do"] == "reject":
        raise Reject(requeue=step.get("requeue", False))
""" % (", ".join(opts), fn, t.get("body", [{"do": "succeed"}]))


def tasks_module(sc):
    queues = []
    for q in sc.get("queues", []):
        queues.append("Queue(%r, durable=%r, auto_delete=%r, queue_arguments=%r)" % (
            q["name"], q.get("durable", False), q.get("auto_delete", False),
            q.get("arguments", {})))
    app = sc["celery"].get("app", {})
    src = ["import builtins",
           "from celery import Celery, Task",
           "from celery.exceptions import Reject",
           "from kombu import Queue",
           "app = Celery('warren_live', broker='amqp://guest:guest@localhost//')",
           "app.conf.task_queues = [%s]" % ", ".join(queues),
           "app.conf.worker_prefetch_multiplier = %d" % app.get("worker_prefetch_multiplier", 4),
           "app.conf.task_acks_late = %r" % app.get("task_acks_late", False),
           "app.conf.task_acks_on_failure_or_timeout = %r" %
           app.get("task_acks_on_failure_or_timeout", True),
           "",
           "def holds(w, retries, args, kwargs):",
           "    if 'retries' in w and retries != w['retries']: return False",
           "    if 'retries_at_least' in w and retries < w['retries_at_least']: return False",
           "    if 'arg' not in w: return True",
           "    a = w['arg']",
           "    if a.isdigit():",
           "        if int(a) >= len(args): return False",
           "        v = args[int(a)]",
           "    elif a in kwargs: v = kwargs[a]",
           "    else: return False",
           "    return 'equals' not in w or v == w['equals']",
           "",
           "class RejectOnFailure(Task):",
           "    def on_failure(self, exc, task_id, args, kwargs, einfo):",
           "        raise Reject(exc, requeue=False)"]
    for t in sc["celery"]["tasks"]:
        src.append(task_source(t))
    return "\n".join(src) + "\n"


def queue_counts():
    out = conformance.rabbitmqctl("list_queues", "-q", "--formatter", "json", "name",
                                  "messages_ready", "messages_unacknowledged")
    return {q["name"]: (q["messages_ready"], q["messages_unacknowledged"])
            for q in json.loads(out)}


def _run_live(sc, workdir, workers):
    with open(os.path.join(workdir, "warren_live_tasks.py"), "w") as f:
        f.write(tasks_module(sc))
    conformance.reset_broker()
    run = conformance.LiveRun(sc)
    run.setup()
    env = dict(os.environ, PYTHONPATH=workdir)
    for w in sc["celery"]["workers"]:
        if w.get("start_ms", 0) != 0:
            raise conformance.Unsupported("worker start_ms")
        cmd = ["/usr/bin/python3", "-m", "celery", "-A", "warren_live_tasks", "worker",
               "-P", w.get("pool", "prefork"), "-c", str(w.get("concurrency", 1)),
               "-Q", ",".join(w.get("queues", ["celery"])), "-n", "%s@warren" % w["name"],
               "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"]
        workers.append(subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(workdir, w["name"] + ".log"),
                                                    "w")))
    # Warren's workers consume from time 0, before the first apply_async:
    # wait until every real worker consumes its queues (an expiry of 0 is
    # only delivered to a consumer that is already there).
    wanted = {q for w in sc["celery"]["workers"] for q in w.get("queues", ["celery"])}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        out = conformance.rabbitmqctl("list_queues", "-q", "--formatter", "json", "name",
                                      "consumers")
        consumers = {q["name"]: q["consumers"] for q in json.loads(out)}
        if all(consumers.get(q, 0) > 0 for q in wanted):
            break
        time.sleep(0.25)
    else:
        raise RuntimeError("the workers did not consume %s within 60 s" % sorted(wanted))
    sys.path.insert(0, workdir)
    import importlib
    mod = importlib.import_module("warren_live_tasks")
    importlib.reload(mod)
    if sc.get("options"):
        raise conformance.Unsupported("simulation options %s" % sorted(sc["options"]))
    for s in sc.get("timeline", []):
        if set(s) - {"at_ms", "apply_async", "note"} or s["at_ms"] != 0:
            raise conformance.Unsupported("timeline step %s" % sorted(s))
        a = s["apply_async"]
        if set(a) - {"task", "queue", "label", "args", "kwargs", "countdown_ms", "expires_ms"}:
            raise conformance.Unsupported("apply_async %s" % sorted(a))
        timing = {}
        if "countdown_ms" in a:
            timing["countdown"] = a["countdown_ms"] / 1000.0
        if "expires_ms" in a:
            timing["expires"] = a["expires_ms"] / 1000.0
        if any(isinstance(v, dict) and "$type" in v
               for v in a.get("args", []) + list(a.get("kwargs", {}).values())):
            raise conformance.Unsupported("typed task arguments")
        # task.apply_async, as the scenario step says (send_task would add
        # kombu's default priority 0, which a retry then copies).
        mod.app.tasks[a["task"]].apply_async(args=a.get("args", []), kwargs=a.get("kwargs", {}),
                                             queue=a["queue"], **timing)
    # Settled: every task queue empty and nothing unacked for 3 s in a row.
    task_queues = {q for w in sc["celery"]["workers"] for q in w.get("queues", [])}
    deadline = time.monotonic() + 60
    quiet_since = None
    time.sleep(2)
    while time.monotonic() < deadline:
        counts = queue_counts()
        busy = any(counts.get(q, (0, 0)) != (0, 0) for q in task_queues)
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 3:
            break
        time.sleep(0.5)
    # Observed with the workers still running, as `warren observe` sees the
    # end of its run: a message a worker holds (an ETA retry the solo pool
    # never settles) counts as unacked, not as what a shutdown gives back.
    run.t0 = time.monotonic()
    run.observe_end()
    run.admin.close()
    return run.obs


def stop_workers(workers):
    """SIGTERM (a warm shutdown), then SIGKILL what is still there after 30 s."""
    for p in workers:
        p.send_signal(signal.SIGTERM)
    for p in workers:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def run_live(sc, workdir):
    """The scenario on real workers; they are stopped however it ends."""
    workers = []
    try:
        return _run_live(sc, workdir, workers)
    finally:
        stop_workers(workers)


def summary(obs):
    """Per queue: unacked and the ready messages' fates, order-free."""
    out = {}
    for name, q in obs["queues"].items():
        if name.endswith(".celery.pidbox"):
            continue  # a running worker's remote-control queue (not modelled)
        msgs = []
        for m in q["ready"]:
            p = m["properties"]
            h = p.get("headers", {})
            deaths = [(d.get("queue"), d.get("reason"), d.get("count"))
                      for d in h.get("x-death", [])]
            parent = h.get("parent_id")
            msgs.append({
                "task": h.get("task"), "retries": h.get("retries"), "x-death": deaths,
                # The rest of the protocol-2 message, where it does not
                # depend on ids, processes or the wall clock.
                "header_keys": sorted(h),
                "headers": {k: h.get(k) for k in ("lang", "shadow", "group", "group_index",
                                                  "timelimit", "argsrepr", "kwargsrepr",
                                                  "ignore_result")},
                "root_is_id": h.get("root_id") == h.get("id"),
                "parent": "self" if parent == h.get("id") else parent,
                "eta_set": h.get("eta") is not None,
                "origin_set": bool(h.get("origin")),
                "properties": {k: p.get(k) for k in ("content_type", "content_encoding",
                                                     "delivery_mode", "priority")},
                "correlation_is_id": p.get("correlation_id") == h.get("id"),
                "reply_to_set": bool(p.get("reply_to")),
                "body": m["body"]})
        msgs.sort(key=lambda m: json.dumps(m, sort_keys=True))
        out[name] = {"unacked": q["unacked"], "ready": msgs}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--warren", required=True)
    ap.add_argument("--both-pools", action="store_true",
                    help="also run each scenario with its workers on the other pool")
    ap.add_argument("scenarios", nargs="+")
    args = ap.parse_args()
    cases = []
    for path in args.scenarios:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            sc = json.load(f)
        cases.append((name, path, sc))
        if args.both_pools:
            # The same case with every worker on the other pool.
            other = json.loads(json.dumps(sc))
            for w in other["celery"]["workers"]:
                w["pool"] = "solo" if w.get("pool", "prefork") == "prefork" else "prefork"
            cases.append((name + " (other pool)", None, other))
    failed = 0
    for name, path, sc in cases:
        with tempfile.TemporaryDirectory() as workdir:
            if path is None:
                path = os.path.join(workdir, "scenario.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(sc, f)
            mine = summary(conformance.warren_observe(args.warren, path))
            try:
                real = summary(run_live(sc, workdir))
            except conformance.Unsupported as e:
                print("UNSUPPORTED %s: %s" % (name, e))
                return 2
            except Exception:
                for log in os.listdir(workdir):
                    if log.endswith(".log"):
                        print(open(os.path.join(workdir, log)).read()[-3000:])
                raise
        diffs = conformance.differences(real, mine)
        conformance.report(name, diffs)
        failed += bool(diffs)
    print("%d of %d Celery cases match" % (len(cases) - failed, len(cases)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
