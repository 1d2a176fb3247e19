#!/usr/bin/python3
"""`warren serve`'s control API under bad input, and the resource-alarm fault.

    control_api_test.py WARREN_BINARY

Starts `warren serve` on free loopback ports (no namespace needed) with an
input log and a trace, then checks these rules, each able to fail:
  1. a body field of the wrong JSON type is a 400 naming the problem, and
     the server goes on serving (it used to throw out of the event loop);
  2. POST /warren/v1/faults {"block_connection": "*"} blocks as a RabbitMQ
     memory alarm does: connection.blocked reaches a pika client at its next
     publish, that publish is still taken, later frames are not read (the
     queue does not grow) until {"unblock_connection": "*"}, which sends
     connection.unblocked and lets them through in order;
  3. definitions naming a vhost other than "/" are refused whole (nothing
     half-imported), operator policies round-trip through export/import;
  4. `warren replay-wire` of the input log, blocks included, gives the live
     trace byte for byte.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pika

WARREN = sys.argv[1]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def http(port, method, path, body=None, raw=None):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method)
    req.add_header("Authorization", "Basic " + base64.b64encode(b"guest:guest").decode())
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text.strip().startswith(("{", "[")) else text)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text


def main():
    tmp = tempfile.mkdtemp(prefix="warren-control-")
    log, trace = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "live.jsonl")
    server = subprocess.Popen([WARREN, "serve", "--amqp-port", "0", "--http-port", "0",
                               "--input-log", log, "--trace", trace],
                              stdout=subprocess.PIPE, text=True)
    try:
        ready = server.stdout.readline().split()
        amqp, port = int(ready[1].split("=")[1]), int(ready[2].split("=")[1])

        # 1. wrong types are 400s, and the server lives on
        for path, body in [("/warren/v1/faults", {"close_connection": 5}),
                           ("/warren/v1/faults", {"block_connection": ["x"]}),
                           ("/warren/v1/await", {"queue": "q", "ready": "two"}),
                           ("/warren/v1/clock/advance", {"ms": "soon"}),
                           ("/warren/v1/clock/run", {"settle_ms": {}}),
                           ("/api/policies/%2F/p", {"pattern": 7, "definition": {}})]:
            method = "PUT" if path.startswith("/api/policies") else "POST"
            status, reply = http(port, method, path, body)
            check(status == 400 and "type" in json.dumps(reply),
                  "%s %s -> 400 naming a type error (got %s %s)" % (path, json.dumps(body), status, reply))
        status, _ = http(port, "GET", "/warren/v1/clock")
        check(status == 200, "the server still answers after the bad requests")
        status, _ = http(port, "POST", "/warren/v1/faults", raw=b"{nope")
        check(status == 400, "a body that is not JSON is a 400")

        # 2. block / unblock
        events = []
        conn = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", amqp))
        conn.add_on_connection_blocked_callback(
            lambda c, m: events.append(("blocked", m.method.reason)))
        conn.add_on_connection_unblocked_callback(lambda c, m: events.append(("unblocked",)))
        confirmed = conn.channel()
        confirmed.confirm_delivery()
        confirmed.queue_declare("alarm_q")
        plain = conn.channel()
        status, reply = http(port, "POST", "/warren/v1/faults",
                             {"block_connection": "*", "reason": "low on memory"})
        check(status == 200 and len(reply.get("blocked", [])) == 1,
              "block_connection * names the one connection (got %s %s)" % (status, reply))
        confirmed.basic_publish("", "alarm_q", b"first")  # waits for its confirm
        conn.process_data_events(time_limit=0.2)
        check(events[:1] == [("blocked", "low on memory")],
              "connection.blocked reached the publisher with the reason (got %s)" % events)
        plain.basic_publish("", "alarm_q", b"second")  # written, not read by the server
        status, reply = http(port, "POST", "/warren/v1/await",
                             {"queue": "alarm_q", "ready": 2, "wall_timeout_ms": 400})
        check(status == 408 and reply["queue"]["messages_ready"] == 1,
              "while blocked the server reads nothing more: 1 message, not 2 (got %s %s)"
              % (status, reply.get("queue")))
        status, reply = http(port, "POST", "/warren/v1/faults", {"unblock_connection": "*"})
        check(status == 200, "unblock_connection * answers 200")
        status, reply = http(port, "POST", "/warren/v1/await",
                             {"queue": "alarm_q", "ready": 2, "wall_timeout_ms": 5000})
        check(status == 200, "after the alarm clears the held publish arrives (got %s)" % status)
        conn.process_data_events(time_limit=0.2)
        check(events == [("blocked", "low on memory"), ("unblocked",)],
              "connection.unblocked followed (got %s)" % events)
        # The ready messages as the control API lists them (a dangling view of
        # a temporary once closed this connection: the regression check).
        status, listed = http(port, "GET", "/warren/v1/queues/alarm_q/messages")
        check(status == 200 and [m.get("payload") for m in listed] == ["first", "second"],
              "GET queues/alarm_q/messages lists both, head first (got %s %s)" % (status, listed))
        status, _ = http(port, "GET", "/warren/v1/queues/alarm_qq/messages")
        check(status == 404, "a queue that does not exist is a 404 (got %s)" % status)
        got = [confirmed.basic_get("alarm_q", auto_ack=True)[2] for _ in range(2)]
        check(got == [b"first", b"second"], "both publishes, in order (got %s)" % got)
        conn.close()

        # 3. definitions: one vhost, refused whole; operator policies round-trip
        defs = {"queues": [{"name": "ok_q", "vhost": "/", "durable": True, "auto_delete": False,
                            "arguments": {}},
                           {"name": "elsewhere", "vhost": "staging", "durable": True,
                            "auto_delete": False, "arguments": {}}]}
        status, reply = http(port, "POST", "/api/definitions", defs)
        check(status == 400 and "vhost 'staging'" in reply.get("reason", "")
              and "queues[1]" in reply.get("reason", ""),
              "definitions naming vhost staging are refused, naming where (got %s %s)" % (status, reply))
        status, _ = http(port, "GET", "/api/queues/%2F/ok_q")
        check(status == 404, "nothing of a refused import was applied (ok_q: %s)" % status)
        status, reply = http(port, "POST", "/api/definitions",
                             {"policies": [{"name": "p", "pattern": ".", "priority": "high",
                                            "definition": {}}]})
        check(status == 400, "a definitions field of the wrong type is a 400 (got %s)" % status)
        status, _ = http(port, "PUT", "/api/operator-policies/%2F/cap",
                         {"pattern": "^cap", "definition": {"max-length": 5}, "apply-to": "queues"})
        status, exported = http(port, "GET", "/api/definitions")
        names = [p["name"] for p in exported.get("operator_policies", [])]
        check(names == ["cap"], "operator policies are exported (got %s)" % names)
    finally:
        server.terminate()
        server.wait(timeout=30)

    # 4. the input log replays to the live trace
    replayed = os.path.join(tmp, "replayed.jsonl")
    rc = subprocess.run([WARREN, "replay-wire", log, "--trace", replayed]).returncode
    same = rc == 0 and open(trace, "rb").read() == open(replayed, "rb").read()
    check(same and os.path.getsize(trace) > 0,
          "replay-wire gives the live trace byte for byte, blocks included")
    if failures:
        print("%d rule(s) failed; files in %s" % (len(failures), tmp))
        sys.exit(1)


if __name__ == "__main__":
    main()
