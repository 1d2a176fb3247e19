#!/usr/bin/python3
"""Probe: warm shutdown (SIGTERM) of a Celery 5.2.6 worker, solo and prefork.

Not modelled yet (issue 14's warm-shutdown bullet); kept as the evidence the
model must follow. One acks_late task that sleeps 3 s, two messages (both
prefetched), SIGTERM about 1-2.5 s in (rabbitmqctl between is slow: re-probe
with the signal at a fixed instant before modelling).

Observed 2026-12-08:
  prefork -c 1: the running task ran to completion (SUCCESS) and was acked;
     the prefetched message was given back at once (ready 1, unacked 0 about
     0.5 s after the signal); the worker exited 0 about 2.4 s after it.
  solo: the running task did NOT complete (its state stayed PENDING; its
     message was requeued when the connection closed); the prefetched second
     message was then "received", ran its full 3 s and succeeded (acked)
     before the worker exited. Log: "worker: Warm shutdown (MainProcess)",
     then "Task ... received" for the second message after it.
  A worker holding an ETA retry it never settles (solo "Error in timer")
  gives the message back on SIGTERM (tests/conformance/celery_live.py saw it
  ready after the shutdown, unacked before it).
"""
import json, signal, subprocess, sys, tempfile, time, pika
P = pika.ConnectionParameters('localhost')
def ctl(*a): return subprocess.run(["rabbitmqctl","-q"]+list(a),capture_output=True,text=True).stdout
for pool in ("solo", "prefork"):
    admin = pika.BlockingConnection(P).channel()
    admin.queue_delete("wp"); admin.exchange_delete("wp")
    with tempfile.TemporaryDirectory() as tmp:
        with open(tmp + "/wpapp.py", "w") as f:
            f.write("""import time
from celery import Celery
app = Celery('wpapp', broker='amqp://guest@localhost//', backend='file://%s/results')
app.conf.task_acks_late = True
@app.task(name='wp.slow')
def slow(n):
    time.sleep(3)
    return n
""" % tmp)
        import os; os.makedirs(tmp + "/results")
        w = subprocess.Popen([sys.executable, "-m", "celery", "-A", "wpapp", "worker", "-Q", "wp",
                              "-P", pool, "-c", "1", "--without-heartbeat", "--without-mingle",
                              "--without-gossip", "-l", "info"], cwd=tmp,
                             stdout=subprocess.DEVNULL, stderr=open(tmp + "/w.log", "w"))
        time.sleep(6)
        sys.path.insert(0, tmp)
        import importlib, wpapp; importlib.reload(wpapp)
        r1 = wpapp.slow.apply_async(args=(1,), queue="wp")
        r2 = wpapp.slow.apply_async(args=(2,), queue="wp")
        time.sleep(1)
        print(pool, "before TERM:", ctl("list_queues","name","messages_ready","messages_unacknowledged").strip().replace("\n", "; "))
        t0 = time.time()
        w.send_signal(signal.SIGTERM)
        for i in range(12):
            time.sleep(0.5)
            print(pool, "+%.1fs" % (time.time()-t0), "alive" if w.poll() is None else "exit %s" % w.returncode,
                  [l for l in ctl("list_queues","name","messages_ready","messages_unacknowledged").splitlines() if l.startswith("wp")])
            if w.poll() is not None: break
        print(pool, "states:", r1.state, r2.state)
        print(open(tmp + "/w.log").read()[-1500:])
        sys.path.remove(tmp)
