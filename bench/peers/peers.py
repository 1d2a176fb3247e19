#!/usr/bin/python3
"""Python peers for run_peers.sh: the core loop (publish -> direct route ->
deliver -> ack, prefetch 100) and the TTL + DLX workload (10 ms queue TTL,
dead-lettered into a consumed dlq) on pika against the real RabbitMQ, and on
kombu's in-process memory:// transport. One JSON line per (peer, workload)."""
import json
import os
import time

N = int(os.environ.get("PEER_MESSAGES", "20000"))
N_TTL = int(os.environ.get("PEER_TTL_MESSAGES", "2000"))


def consume_n(ch, queue, n):
    """Consumes and acks until n messages arrived."""
    seen = [0]

    def on_message(c, method, props, body):
        c.basic_ack(method.delivery_tag)
        seen[0] += 1
        if seen[0] == n:
            c.stop_consuming()

    ch.basic_consume(queue, on_message)
    ch.start_consuming()


def pika_core(n):
    import pika
    conn = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    ch = conn.channel()
    ch.exchange_declare("peer_py_x", "direct", auto_delete=True)
    ch.queue_declare("peer_py_q", auto_delete=True)
    ch.queue_bind("peer_py_q", "peer_py_x", "k")
    ch.basic_qos(prefetch_count=100)
    t0 = time.perf_counter()
    for _ in range(n):
        ch.basic_publish("peer_py_x", "k", b"m")
    consume_n(ch, "peer_py_q", n)
    rate = n / (time.perf_counter() - t0)
    conn.close()
    return rate


def pika_ttl_dlx(n):
    import pika
    conn = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
    ch = conn.channel()
    ch.queue_declare("peer_py_dlq", auto_delete=True)
    ch.queue_declare("peer_py_ttl", arguments={"x-message-ttl": 10, "x-dead-letter-exchange": "",
                                               "x-dead-letter-routing-key": "peer_py_dlq"})
    t0 = time.perf_counter()
    for _ in range(n):
        ch.basic_publish("", "peer_py_ttl", b"m")
    consume_n(ch, "peer_py_dlq", n)
    rate = n / (time.perf_counter() - t0)
    ch.queue_delete("peer_py_ttl")
    conn.close()
    return rate


def kombu_core(n):
    from kombu import Connection, Exchange, Queue
    x = Exchange("x", type="direct")
    q = Queue("q", x, routing_key="k")
    acked = [0]
    with Connection("memory://") as conn:
        producer = conn.Producer(serializer="raw")

        def on_message(body, message):
            message.ack()
            acked[0] += 1

        t0 = time.perf_counter()
        with conn.Consumer(q, callbacks=[on_message], prefetch_count=100):
            for _ in range(n):
                producer.publish(b"m", exchange=x, routing_key="k", declare=[q])
            while acked[0] < n:
                conn.drain_events(timeout=5)
        return n / (time.perf_counter() - t0)


def kombu_ttl_dlx(n):
    raise RuntimeError("kombu 5.2 virtual transports ignore x-message-ttl and dead-lettering")


for peer, runs in [("pika + RabbitMQ 3.10.8", (pika_core, pika_ttl_dlx)),
                   ("kombu memory://", (kombu_core, kombu_ttl_dlx))]:
    for workload, fn, n in [("core", runs[0], N), ("ttl_dlx", runs[1], N_TTL)]:
        try:
            print(json.dumps({"peer": peer, "workload": workload, "msgs": n, "msg_per_s": fn(n)}))
        except Exception as e:  # noqa: BLE001 - a peer's failure is a table entry
            print(json.dumps({"peer": peer, "workload": workload, "error": str(e)[:120]}))
