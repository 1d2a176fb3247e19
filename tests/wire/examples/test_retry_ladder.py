# The README's example test: a message rejected by its consumer waits in a
# 30 s retry queue and comes back, with x-death saying so, in no wall time.
import pika


def test_a_rejected_message_comes_back_after_the_retry_delay(warren):
    url, control = warren
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    ch.queue_declare("work", arguments={"x-dead-letter-exchange": "",
                                        "x-dead-letter-routing-key": "retry"})
    ch.queue_declare("retry", arguments={"x-message-ttl": 30000, "x-dead-letter-exchange": "",
                                         "x-dead-letter-routing-key": "work"})
    ch.basic_publish("", "work", b"job")
    method, _, _ = ch.basic_get("work")
    ch.basic_reject(method.delivery_tag, requeue=False)     # -> retry, 30 s TTL

    control("clock/run", {"until": "idle"})                   # 30 virtual seconds, no wall time
    method, props, body = ch.basic_get("work", auto_ack=True)
    assert body == b"job"
    assert [(d["queue"], d["reason"]) for d in props.headers["x-death"]] == [
        ("retry", "expired"), ("work", "rejected")]
    conn.close()
