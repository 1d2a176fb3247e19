#!/usr/bin/python3
"""Wire-compatibility scenario using pika (BlockingConnection API).

Usage: pika_client.py AMQP_URL
Prints one JSON result line on stdout; exits non-zero on any failure.
See README.md in this directory for the scenario.
"""
import json
import signal
import sys
import time
import uuid

import pika
from pika.exceptions import ChannelClosedByBroker, NackError, UnroutableError

CLIENT = "pika"
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
    params = pika.URLParameters(url)
    params.connection_attempts = 1
    params.socket_timeout = STEP_TIMEOUT
    params.stack_timeout = STEP_TIMEOUT
    params.blocked_connection_timeout = STEP_TIMEOUT
    conn = pika.BlockingConnection(params)
    ch = conn.channel()

    step("a.declare")
    ch.exchange_declare(X, exchange_type="direct", durable=True)
    ch.exchange_declare(DLX, exchange_type="fanout", durable=True)
    ch.queue_declare(DLQ, durable=True)
    ch.queue_bind(DLQ, DLX, routing_key="")
    ch.queue_declare(WORK, durable=True,
                     arguments={"x-dead-letter-exchange": DLX, "x-message-ttl": 60000})
    ch.queue_bind(WORK, X, routing_key="k")

    step("b.confirms")
    ch.confirm_delivery()
    acks = nacks = 0
    for i in range(5):
        props = pika.BasicProperties(delivery_mode=2, headers={"attempt": 1})
        try:
            ch.basic_publish(X, "k", ("m%d" % i).encode(), props)  # blocks until confirmed
            acks += 1
        except NackError:
            nacks += 1
    result["confirms"] = {"ack": acks, "nack": nacks}

    step("c.return")
    try:
        ch.basic_publish(X, "no-such-key", b"unroutable",
                         pika.BasicProperties(delivery_mode=2), mandatory=True)
        raise AssertionError("mandatory unroutable publish was not returned")
    except UnroutableError as e:
        ret = e.messages[0].method
        result["return"] = {"code": ret.reply_code, "text": ret.reply_text}

    step("d.consume")
    ch.basic_qos(prefetch_count=2)
    delivered, redelivered = [], []
    for method, props, body in ch.consume(WORK, auto_ack=False, inactivity_timeout=STEP_TIMEOUT):
        if method is None:
            raise TimeoutError("no delivery within %ds" % STEP_TIMEOUT)
        if (props.headers or {}).get("attempt") != 1:
            raise AssertionError("bad headers %r" % (props.headers,))
        delivered.append(body.decode())
        redelivered.append(bool(method.redelivered))
        if len(delivered) <= 3:
            ch.basic_ack(method.delivery_tag)
        else:
            ch.basic_nack(method.delivery_tag, requeue=False)
        if len(delivered) == 5:
            break
    ch.cancel()
    result["delivered"] = delivered
    result["redelivered"] = redelivered

    step("e.dlq")
    dlq = []
    deadline = time.monotonic() + STEP_TIMEOUT
    while len(dlq) < 2:
        method, props, body = ch.basic_get(DLQ, auto_ack=True)
        if method is None:
            if time.monotonic() > deadline:
                raise TimeoutError("DLQ has %d of 2 messages" % len(dlq))
            time.sleep(0.05)
            continue
        h = props.headers or {}
        dlq.append({
            "body": body.decode(),
            "x_death": [{
                "queue": norm(d["queue"]),
                "reason": norm(d["reason"]),
                "count": d["count"],
                "exchange": norm(d["exchange"]),
                "routing-keys": norm(d["routing-keys"]),
            } for d in h.get("x-death", [])],
            "x_first_death_reason": norm(h.get("x-first-death-reason")),
        })
    result["dlq"] = dlq

    step("f.passive")
    try:
        ch.queue_declare(MISSING, passive=True)
        raise AssertionError("passive declare of a missing queue succeeded")
    except ChannelClosedByBroker as e:
        result["passive_error"] = {"code": e.reply_code, "text": norm(e.reply_text)}

    step("f.cleanup")
    ch2 = conn.channel()
    ch2.queue_delete(WORK)
    ch2.queue_delete(DLQ)
    ch2.exchange_delete(X)
    ch2.exchange_delete(DLX)
    ch2.close()

    step("g.close")
    conn.close()
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
