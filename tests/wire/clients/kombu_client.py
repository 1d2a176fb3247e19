#!/usr/bin/python3
"""Wire-compatibility scenario using kombu (over py-amqp, transport "pyamqp").

Usage: kombu_client.py AMQP_URL
Prints one JSON result line on stdout; exits non-zero on any failure.
See README.md in this directory for the scenario.

Kombu quirks: publisher confirms come from py-amqp's confirm_publish
transport option (every basic.publish waits for its ack); py-amqp has no
basic.nack, so kombu's Message.reject(requeue=False) sends basic.reject.
"""
import json
import signal
import sys
import time
import uuid

from amqp.exceptions import ChannelError, MessageNacked
from kombu import Connection, Consumer, Exchange, Producer, Queue

CLIENT = "kombu"
STEP_TIMEOUT = 10  # seconds; every step (and so every wait) is bounded by this
_step = ["start"]


class StepTimeout(Exception):
    """Not an OSError, so no client library mistakes it for a retryable socket error."""


def _on_alarm(signum, frame):
    raise StepTimeout("timeout (%ds) in step %s" % (STEP_TIMEOUT, _step[0]))


def step(name):
    _step[0] = name
    signal.alarm(STEP_TIMEOUT)


def main(url):
    signal.signal(signal.SIGALRM, _on_alarm)
    prefix = "%s.%s." % (CLIENT, uuid.uuid4().hex[:10])
    X, DLX, WORK, DLQ, MISSING = (prefix + n for n in ("x", "dlx", "work", "dlq", "missing"))

    def norm(v):
        if isinstance(v, bytes):
            v = v.decode()
        if isinstance(v, str):
            return v.replace(prefix, "")
        if isinstance(v, list):
            return [norm(i) for i in v]
        return v

    result = {"client": CLIENT}

    step("a.connect")
    conn = Connection(url, connect_timeout=STEP_TIMEOUT,
                      transport_options={"confirm_publish": True,
                                         "read_timeout": STEP_TIMEOUT,
                                         "write_timeout": STEP_TIMEOUT})
    conn.connect()
    ch = conn.channel()

    step("a.declare")
    x = Exchange(X, type="direct", durable=True, channel=ch)
    dlx = Exchange(DLX, type="fanout", durable=True, channel=ch)
    x.declare()
    dlx.declare()
    dlq = Queue(DLQ, exchange=dlx, routing_key="", durable=True, channel=ch)
    dlq.declare()  # declares the queue and binds it to DLX
    work = Queue(WORK, exchange=x, routing_key="k", durable=True, channel=ch,
                 queue_arguments={"x-dead-letter-exchange": DLX, "x-message-ttl": 60000})
    work.declare()

    step("b.confirms")
    returns = []

    def on_return(exc, exchange, routing_key, message):
        returns.append({"code": exc.reply_code, "text": exc.reply_text})

    producer = Producer(ch, exchange=x, auto_declare=False, on_return=on_return)
    acks = nacks = 0
    for i in range(5):
        try:
            # with confirm_publish this returns only after basic.ack
            producer.publish(("m%d" % i).encode(), routing_key="k", delivery_mode=2,
                             headers={"attempt": 1}, retry=False)
            acks += 1
        except MessageNacked:
            nacks += 1
    result["confirms"] = {"ack": acks, "nack": nacks}

    step("c.return")
    producer.publish(b"unroutable", routing_key="no-such-key", delivery_mode=2,
                     mandatory=True, retry=False)
    if len(returns) != 1:
        raise AssertionError("expected 1 basic.return, got %r" % returns)
    result["return"] = returns[0]

    step("d.consume")
    delivered, redelivered = [], []

    def on_message(body, message):
        if (message.headers or {}).get("attempt") != 1:
            raise AssertionError("bad headers %r" % (message.headers,))
        delivered.append(message.body.decode())
        redelivered.append(bool(message.delivery_info["redelivered"]))
        if len(delivered) <= 3:
            message.ack()
        else:
            message.reject(requeue=False)

    consumer = Consumer(ch, queues=[work], callbacks=[on_message], no_ack=False,
                        auto_declare=False)
    consumer.qos(prefetch_count=2)
    consumer.consume()
    while len(delivered) < 5:
        conn.drain_events(timeout=STEP_TIMEOUT)
    consumer.cancel()
    result["delivered"] = delivered
    result["redelivered"] = redelivered

    step("e.dlq")
    got = []
    deadline = time.monotonic() + STEP_TIMEOUT
    while len(got) < 2:
        m = dlq.get(no_ack=True)
        if m is None:
            if time.monotonic() > deadline:
                raise TimeoutError("DLQ has %d of 2 messages" % len(got))
            time.sleep(0.05)
            continue
        h = m.headers or {}
        got.append({
            "body": m.body.decode(),
            "x_death": [{
                "queue": norm(d["queue"]),
                "reason": norm(d["reason"]),
                "count": d["count"],
                "exchange": norm(d["exchange"]),
                "routing-keys": norm(d["routing-keys"]),
            } for d in h.get("x-death", [])],
            "x_first_death_reason": norm(h.get("x-first-death-reason")),
        })
    result["dlq"] = got

    step("f.passive")
    try:
        Queue(MISSING, channel=ch).queue_declare(passive=True)
        raise AssertionError("passive declare of a missing queue succeeded")
    except ChannelError as e:
        result["passive_error"] = {"code": e.reply_code, "text": norm(e.reply_text)}

    step("f.cleanup")
    ch2 = conn.channel()
    work.bind(ch2).delete()
    dlq.bind(ch2).delete()
    x.bind(ch2).delete()
    dlx.bind(ch2).delete()
    ch2.close()

    step("g.close")
    conn.release()
    signal.alarm(0)
    return result


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: %s AMQP_URL" % sys.argv[0])
    try:
        res = main(sys.argv[1])
    except Exception as e:  # report and fail
        print("%s: FAILED in step %s: %s: %s" % (CLIENT, _step[0], type(e).__name__, e),
              file=sys.stderr)
        sys.exit(1)
    print(json.dumps(res, sort_keys=True, separators=(",", ":"), ensure_ascii=True))
