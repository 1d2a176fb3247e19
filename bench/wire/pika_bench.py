#!/usr/bin/python3
"""The wire benchmark's workload with pika (BlockingConnection), as in the
design memo's measurements: publish N transient 16-byte messages to a direct
exchange, then consume them with prefetch 1000 and ack each one.

    pika_bench.py AMQP_URL N      prints {"client": "pika", "messages": N, "seconds": ...}

The time covers publishing through the last ack (not the interpreter's
start or the connection handshake)."""
import json
import sys
import time

import pika


def main():
    url, n = sys.argv[1], int(sys.argv[2])
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    ch.exchange_declare("warren.bench", "direct", durable=True)
    queue = ch.queue_declare("", exclusive=True).method.queue
    ch.queue_bind(queue, "warren.bench", "k")
    body = b"0123456789abcdef"
    t0 = time.perf_counter()
    for _ in range(n):
        ch.basic_publish("warren.bench", "k", body)
    ch.basic_qos(prefetch_count=1000)
    got = 0
    for method, _props, _body in ch.consume(queue, inactivity_timeout=30):
        if method is None:
            sys.exit("pika_bench: no delivery for 30 s after %d of %d" % (got, n))
        ch.basic_ack(method.delivery_tag)
        got += 1
        if got == n:
            break
    seconds = time.perf_counter() - t0
    ch.cancel()
    conn.close()
    print(json.dumps({"client": "pika", "messages": n, "seconds": seconds}))


if __name__ == "__main__":
    main()
