#!/usr/bin/python3
"""Probe: the task messages a Celery 5.2.6 producer and worker write (RabbitMQ 3.10.8).

Run against a live broker with Debian's python3-celery and python3-pika:
    /usr/bin/python3 THIS_FILE

Observed 2026-12-08 (the model follows it: sim/celery/celery_app.cc PublishMessage;
tests/celery/celery_message_test.cc):
  A  apply_async(args=(1, "two"), kwargs={"k": 3}, countdown=5, expires=60):
     properties content_type application/json, content_encoding utf-8,
     delivery_mode 2, NO priority, correlation_id = the task id, reply_to = a
     uuid3 (the app instance's oid), expiration "60000";
     headers in this order: lang 'py', task, id, shadow None, eta (ISO, +00:00),
     expires (ISO), group None, group_index None, retries 0, timelimit
     [None, None], root_id = id, parent_id None, argsrepr "(1, 'two')",
     kwargsrepr "{'k': 3}", origin 'gen<pid>@<host>', ignore_result False;
     body [[1, "two"], {"k": 3}, {"callbacks": null, "errbacks": null,
     "chain": null, "chord": null}].
  B  apply_async() without arguments: argsrepr "()", kwargsrepr "{}", eta and
     expires None, no expiration property, body [[], {}, {...}].
  R  a retry published by a worker (self.retry(countdown=30)): retries 1,
     root_id kept, parent_id = the retried task's id, the same body and
     reprs, eta = now + 30 s, origin and reply_to those of the worker's process.
"""
import json, subprocess, sys, tempfile, time, pika
from celery import Celery
P = pika.ConnectionParameters('localhost')
admin = pika.BlockingConnection(P).channel()
for q in ("hp_work", "hp_capture"):
    admin.queue_delete(q); admin.exchange_delete(q)
app = Celery("probe", broker="amqp://guest@localhost//")
@app.task(name="probe.t")
def t(*a, **k): return 1
t.apply_async(args=(1, "two"), kwargs={"k": 3}, queue="hp_capture", countdown=5, expires=60)
t.apply_async(queue="hp_capture")
def dump(tag):
    m, props, body = admin.basic_get("hp_capture", auto_ack=True)
    if m is None:
        print(tag, "EMPTY"); return
    h = props.headers
    print(tag, "props:", {k: getattr(props, k) for k in ("content_type","content_encoding","delivery_mode","priority","correlation_id","reply_to","expiration","message_id","type","app_id")})
    print(tag, "header order:", list(h.keys()))
    print(tag, "headers:", {k: (v, type(v).__name__) for k, v in h.items()})
    print(tag, "body:", body)
dump("A"); dump("B")
with tempfile.TemporaryDirectory() as tmp:
    with open(tmp + "/hpapp.py", "w") as f:
        f.write("""from celery import Celery
app = Celery('hpapp', broker='amqp://guest@localhost//')
@app.task(name='probe.r', bind=True)
def r(self, x, y=0):
    if self.request.retries == 0:
        raise self.retry(countdown=30, queue='hp_capture')
    return x
""")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "hpapp", "worker", "-Q",
                               "hp_work", "-P", "solo", "--without-heartbeat",
                               "--without-mingle", "--without-gossip", "-l", "warning"],
                              cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(6)
    sys.path.insert(0, tmp)
    import hpapp
    res = hpapp.r.apply_async(args=(7,), kwargs={"y": 8}, queue="hp_work", task_id="11111111-2222-3333-4444-555555555555")
    time.sleep(4)
    dump("R")
    worker.terminate(); worker.wait()
