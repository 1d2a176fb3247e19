#!/usr/bin/python3
"""Probe: what a Celery 5.2.6 producer and worker declare on RabbitMQ 3.10.8.

Run against a live broker (rabbitmq-server -detached; rabbitmqctl
await_startup) with Debian's python3-celery and python3-pika:
    /usr/bin/python3 THIS_FILE

Observed 2026-12-07 (the model follows it: sim/celery/celery_app.cc
DeclareTaskQueue; tests/celery/celery_declare_test.cc):
  A  apply_async to a queue nothing declared: exchange probe_missing (direct,
     durable), queue probe_missing (durable, no arguments), binding
     probe_missing -> probe_missing key probe_missing; the message is there.
  B  the queue exists with x-dead-letter-exchange and the app does not list
     it: apply_async raises PreconditionFailed "Queue.declare: (406)
     PRECONDITION_FAILED - inequivalent arg 'x-dead-letter-exchange' for queue
     'probe_dlx' in vhost '/': received none but current is the value 'dlx' of
     type 'longstr'"; nothing is published; the exchange probe_dlx was
     declared before the queue. A second apply_async raises again (a failed
     declare is not cached).
  C  a worker started with -Q probe_worker_q declares the same three things
     for the queue it consumes.
"""
import subprocess
import sys
import tempfile
import time

import pika
from celery import Celery


def ctl(*args):
    return subprocess.run(["rabbitmqctl", "-q"] + list(args), capture_output=True,
                          text=True).stdout


def lines(text, word):
    return [l for l in text.splitlines() if word in l]


P = pika.ConnectionParameters('localhost')
admin = pika.BlockingConnection(P).channel()
for name in ("probe_missing", "probe_dlx", "probe_worker_q"):
    admin.queue_delete(name)
    admin.exchange_delete(name)

app = Celery("probe", broker="amqp://guest@localhost//")


@app.task(name="probe.t")
def t():
    return 1


t.apply_async(queue="probe_missing")
print("A queues:", lines(ctl("list_queues", "name", "durable", "auto_delete", "arguments",
                             "messages"), "probe_missing"))
print("A exchanges:", lines(ctl("list_exchanges", "name", "type", "durable"), "probe_missing"))
print("A bindings:", lines(ctl("list_bindings", "source_name", "destination_name",
                               "routing_key"), "probe_missing"))

admin.queue_declare("probe_dlx", durable=True, arguments={"x-dead-letter-exchange": "dlx"})
for attempt in ("B", "B2"):
    try:
        t.apply_async(queue="probe_dlx")
        print(attempt, "published")
    except Exception as e:  # kombu raises amqp's PreconditionFailed
        print(attempt, "raised", type(e).__name__, e)
print("B queues:", lines(ctl("list_queues", "name", "messages"), "probe_dlx"))
print("B exchanges:", lines(ctl("list_exchanges", "name", "type"), "probe_dlx"))

with tempfile.TemporaryDirectory() as tmp:
    with open(tmp + "/probeapp.py", "w") as f:
        f.write("from celery import Celery\n"
                "app = Celery('probeapp', broker='amqp://guest@localhost//')\n")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "probeapp", "worker", "-Q",
                               "probe_worker_q", "-P", "solo", "--without-heartbeat",
                               "--without-mingle", "--without-gossip", "-l", "warning"],
                              cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(8)
    print("C queues:", lines(ctl("list_queues", "name", "durable", "arguments"), "probe_worker"))
    print("C exchanges:", lines(ctl("list_exchanges", "name", "type", "durable"), "probe_worker"))
    print("C bindings:", lines(ctl("list_bindings", "source_name", "destination_name",
                                   "routing_key"), "probe_worker"))
    worker.terminate()
    worker.wait()
