#!/usr/bin/python3
"""Differential conformance: Warren against a real RabbitMQ 3.10.8.

Each scenario in tests/conformance/scenarios/ is a Warren scenario file that
uses broker features only. This script runs its broker part against a real
RabbitMQ (pika, wall-clock waits) and records what the AMQP clients saw, in
the shape `warren observe FILE` prints for a Warren run; then it compares.

  conformance.py live   --warren BIN [--record DIR] SCENARIO...
      run against the broker on localhost (guest/guest, management plugin on
      15672), compare with Warren; --record also writes the broker's
      observations (the committed recordings are made this way)
  conformance.py check  --warren BIN --recorded DIR SCENARIO...
      compare Warren with the committed recordings (no broker needed)

Exit status: 0 all equal, 1 a mismatch, 2 bad usage or a broken environment.
Only Debian's /usr/bin/python3 with python3-pika is needed (stdlib otherwise).
"""

import argparse
import base64
import calendar
import datetime
import decimal
import html
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

MGMT = "http://localhost:15672/api"
VHOST = "%2F"


# ---------------------------------------------------------------- JSON shape


def header_value(v, in_x_death=False):
    """A decoded AMQP field value as the JSON Warren prints for it."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, datetime.datetime):
        return {"timestamp": calendar.timegm(v.utctimetuple())}
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(v)  # pika decodes 'l' as its own int subclass
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, list):
        return [header_value(e, in_x_death) for e in v]
    if isinstance(v, dict):
        return {k: header_value(x, k == "x-death") for k, x in v.items()
                if not (in_x_death and k == "time")}
    return v


PROPERTY_NAMES = ["content_type", "content_encoding", "headers", "delivery_mode",
                  "priority", "correlation_id", "reply_to", "expiration",
                  "message_id", "timestamp", "type", "user_id", "app_id", "cluster_id"]


def properties_json(p):
    out = {}
    for name in PROPERTY_NAMES:
        v = getattr(p, name, None)
        if v is None:
            continue
        if name == "headers":
            v = header_value(v)
        out[name] = v
    return out


def message_json(method, props, body, redelivered=True):
    m = {"exchange": method.exchange, "routing_key": method.routing_key,
         "properties": properties_json(props),
         "body": body.decode("utf-8", "replace")}
    if redelivered:
        m["redelivered"] = bool(method.redelivered)
    return m


def to_amqp(v):
    """A scenario JSON value -> what pika encodes with the same wire type."""
    import pika.compat
    if isinstance(v, list):
        return [to_amqp(e) for e in v]
    if isinstance(v, dict):
        if "$type" in v:
            t, x = v["$type"], v["value"]
            if t == "long":
                return pika.compat.long(x)
            if t == "signedint" or t == "longstr":
                return x
            if t == "timestamp":
                return datetime.datetime.utcfromtimestamp(x)
            if t == "binary":
                return x.encode()
            raise Unsupported("field type %s cannot be sent with pika" % t)
        return {k: to_amqp(e) for k, e in v.items()}
    if isinstance(v, float):
        raise Unsupported("pika cannot send a float field")
    return v


class Unsupported(Exception):
    pass


# ------------------------------------------------------------ the broker side


def http(method, path, body=None):
    req = urllib.request.Request(MGMT + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Authorization", "Basic " + base64.b64encode(b"guest:guest").decode())
    req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            data = r.read()
            return r.status, (json.loads(data) if data else None)
    except urllib.error.HTTPError as e:
        data = e.read()
        try:
            return e.code, json.loads(data)
        except ValueError:
            return e.code, {"reason": data.decode("utf-8", "replace")}


def reset_broker():
    """Deletes every queue, non-default exchange and (operator) policy on '/'."""
    for kind in ("policies", "operator-policies"):
        _, items = http("GET", "/%s/%s" % (kind, VHOST))
        for p in items or []:
            http("DELETE", "/%s/%s/%s" % (kind, VHOST, urllib.parse.quote(p["name"], safe="")))
    _, queues = http("GET", "/queues/%s?columns=name" % VHOST)
    for q in queues or []:
        http("DELETE", "/queues/%s/%s" % (VHOST, urllib.parse.quote(q["name"], safe="")))
    _, exchanges = http("GET", "/exchanges/%s?columns=name" % VHOST)
    for x in exchanges or []:
        if x["name"] and not x["name"].startswith("amq."):
            http("DELETE", "/exchanges/%s/%s" % (VHOST, urllib.parse.quote(x["name"], safe="")))


def rabbitmqctl(*args):
    """rabbitmqctl's stdout (through sudo when not root: it needs the cookie)."""
    cmd = ["rabbitmqctl"] + list(args)
    if os.geteuid() != 0:
        cmd = ["sudo", "-n"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def unacked_counts():
    out = rabbitmqctl("list_queues", "-q", "--formatter", "json", "name",
                      "messages_unacknowledged")
    return {q["name"]: q["messages_unacknowledged"] for q in json.loads(out)}


class Endpoint:
    """A connection + channel reopened lazily after an error, as Warren does."""

    def __init__(self, on_new_channel=None):
        self.conn = None
        self.ch = None
        self.on_new_channel = on_new_channel

    def channel(self):
        import pika
        if self.conn is None or not self.conn.is_open:
            self.conn = pika.BlockingConnection(pika.ConnectionParameters("localhost"))
            self.ch = None
        if self.ch is None or not self.ch.is_open:
            self.ch = self.conn.channel()
            if self.on_new_channel:
                self.on_new_channel(self.ch)
        return self.ch

    def poll(self):
        if self.conn is not None and self.conn.is_open:
            self.conn.process_data_events(time_limit=0)

    def close(self):
        if self.conn is not None and self.conn.is_open:
            self.conn.close()


class Named(Endpoint):
    """A connection of the scenario's own naming and its channels by number,
    each (re)opened at the first step that needs it, as the Warren runner does."""

    def __init__(self, name, run):
        super().__init__()
        self.name = name
        self.run = run
        self.channels = {}
        self.given_tags = set()  # consumer tags the scenario chose

    def key(self, number):
        return self.name if number == 1 else "%s/%d" % (self.name, number)

    def channel(self, number):
        import pika
        if self.conn is None or not self.conn.is_open:
            params = pika.ConnectionParameters(
                "localhost", client_properties={"connection_name": self.name})
            self.conn = pika.BlockingConnection(params)
            self.channels = {}
        ch = self.channels.get(number)
        if ch is None or not ch.is_open:
            ch = self.channels[number] = self.conn.channel(channel_number=number)
            key = self.key(number)
            ch.add_on_return_callback(self.run.on_return)
            ch.add_on_cancel_callback(
                lambda frame, key=key: self.run.obs["client_events"].setdefault(key, []).append(
                    "cancel " + self.shown(frame.method.consumer_tag)))
        return ch

    def shown(self, tag):
        return tag if tag in self.given_tags else "*"

    # poll() and close() are Endpoint's.


def round_trip(ch):
    """A synchronous no-op on `ch`: an asynchronous method the broker refused
    (an ack of an unknown tag, a publish to a missing exchange) closes the
    channel before its reply, so the refusal is charged to the step."""
    ch.exchange_declare("amq.direct", passive=True)


def error_of(exc):
    import pika.exceptions as pe
    if isinstance(exc, pe.ChannelClosedByBroker):
        return {"code": exc.reply_code, "closes": "channel", "text": exc.reply_text}
    if isinstance(exc, pe.ConnectionClosedByBroker):
        return {"code": exc.reply_code, "closes": "connection", "text": exc.reply_text}
    raise exc


class Client:
    """A scenario client: consumes and follows its rules, like ScriptedClient."""

    def __init__(self, spec, run):
        self.spec = spec
        self.run = run
        self.endpoint = Endpoint()
        self.attempts = {}
        self.outstanding = set()  # delivery tags neither settled nor lost

    def start(self):
        import pika.exceptions as pe
        name = self.spec["name"]
        self.run.obs["deliveries"].setdefault(name, [])
        try:
            ch = self.endpoint.channel()
            ch.add_on_cancel_callback(lambda _frame: self.event("cancel"))
            ch.basic_qos(prefetch_count=self.spec.get("prefetch", 0))
            ch.basic_consume(self.spec["queue"], self.on_message)
        except (pe.ChannelClosedByBroker, pe.ConnectionClosedByBroker) as e:
            err = error_of(e)
            self.event("%d %s" % (err["code"], err["text"]))

    def event(self, what):
        self.run.obs["client_events"].setdefault(self.spec["name"], []).append(what)

    def on_message(self, ch, method, props, body):
        self.run.obs["deliveries"][self.spec["name"]].append(message_json(method, props, body))
        self.outstanding.add(method.delivery_tag)
        attempt = self.attempts[body] = self.attempts.get(body, 0) + 1
        rule = self.choose(method, props, attempt) or {"do": "ack"}
        delay = rule.get("delay_ms", 0) / 1000.0
        self.run.later(delay, lambda: self.act(rule, ch, method, props, body))

    def choose(self, method, props, attempt):
        headers = props.headers or {}
        for rule in self.spec.get("rules", []):
            w = rule.get("when", {})
            if "attempt" in w and w["attempt"] != attempt:
                continue
            if "redelivered" in w and w["redelivered"] != bool(method.redelivered):
                continue
            deaths = sum(d.get("count", 0) for d in headers.get("x-death", [])
                         if "x_death_queue" not in w or d.get("queue") == w["x_death_queue"])
            if "x_death_count_at_least" in w and deaths < w["x_death_count_at_least"]:
                continue
            if "x_death_count_below" in w and deaths >= w["x_death_count_below"]:
                continue
            if "header" in w:
                if w["header"] not in headers:
                    continue
                if "header_equals" in w and header_value(headers[w["header"]]) != w["header_equals"]:
                    continue
            return rule
        return None

    def act(self, rule, ch, method, props, body):
        import pika.exceptions as pe
        if not ch.is_open:
            return
        tag = method.delivery_tag
        if rule["do"] not in ("hold", "crash"):
            self.outstanding.discard(tag)
        try:
            do = rule["do"]
            if do == "ack":
                ch.basic_ack(tag)
            elif do == "reject":
                ch.basic_reject(tag, requeue=False)
            elif do == "requeue":
                ch.basic_reject(tag, requeue=True)
            elif do == "nack":
                ch.basic_nack(tag, multiple=False, requeue=False)
            elif do == "republish":
                ch.basic_publish(rule.get("exchange", ""), rule["routing_key"], body, props)
                ch.basic_ack(tag)
            elif do == "crash":
                self.stop()
        except (pe.ChannelClosedByBroker, pe.ConnectionClosedByBroker) as e:
            err = error_of(e)
            self.event("%d %s" % (err["code"], err["text"]))

    def stop(self):
        self.outstanding.clear()  # the broker requeues them
        self.endpoint.close()

    def unacked(self):
        open_ = self.endpoint.ch is not None and self.endpoint.ch.is_open
        return len(self.outstanding) if open_ else 0


class LiveRun:
    def __init__(self, scenario):
        self.sc = scenario
        self.obs = {"steps": [], "deliveries": {}, "client_events": {}, "channels": {}, "returns": [],
                    "confirms": [], "queues": {}, "exchanges": []}
        self.pending = []  # (due, order, fn)
        self.order = 0
        self.t0 = None
        self.confirm = False
        self.admin = Endpoint()
        self.publisher = Endpoint(self.setup_publisher)
        self.clients = {}
        self.named = {}  # connection name -> Named
        self.reply = None  # what the current step's ok-reply carried

    def now(self):
        return time.monotonic() - self.t0

    def later(self, delay, fn):
        self.order += 1
        self.pending.append((self.now() + delay, self.order, fn))

    def setup_publisher(self, ch):
        ch.add_on_return_callback(self.on_return)
        if self.confirm:
            ch.confirm_delivery()

    def on_return(self, ch, method, props, body):
        m = message_json(method, props, body, redelivered=False)
        m["reply_code"] = method.reply_code
        m["reply_text"] = method.reply_text
        self.obs["returns"].append(m)

    # -- topology, as the scenario runner's Setup() does it
    def setup(self):
        ch = self.admin.channel()
        for x in self.sc.get("exchanges", []):
            ch.exchange_declare(x["name"], x.get("type", "direct"), durable=x.get("durable", False),
                                auto_delete=x.get("auto_delete", False),
                                internal=x.get("internal", False),
                                arguments=to_amqp(x.get("arguments", {})))
        for q in self.sc.get("queues", []):
            self.declare_queue(ch, q)
        for b in self.sc.get("bindings", []):
            self.bind(ch, b, True)
        for p in self.sc.get("policies", []):
            err = self.set_policy(p)
            if err:
                raise RuntimeError("policy %s: %s" % (p["name"], err["text"]))

    def declare_queue(self, ch, q):
        return ch.queue_declare(q["name"], passive=q.get("passive", False),
                                durable=q.get("durable", False),
                                exclusive=q.get("exclusive", False),
                                auto_delete=q.get("auto_delete", False),
                                arguments=to_amqp(q.get("arguments", {})))

    def bind(self, ch, b, bind):
        args = to_amqp(b.get("arguments", {}))
        key = b.get("routing_key", "")
        if "to_exchange" in b:
            f = ch.exchange_bind if bind else ch.exchange_unbind
            f(b["to_exchange"], b["exchange"], key, arguments=args)
        else:
            f = ch.queue_bind if bind else ch.queue_unbind
            f(b["queue"], b["exchange"], key, arguments=args)

    def set_policy(self, p):
        kind = "operator-policies" if p.get("operator") else "policies"
        body = {"pattern": p["pattern"], "definition": p.get("definition", {}),
                "priority": p.get("priority", 0), "apply-to": p.get("apply_to", "all")}
        status, reply = http("PUT", "/%s/%s/%s" % (kind, VHOST, urllib.parse.quote(p["name"], safe="")),
                             body)
        if status >= 300:
            return {"code": 0, "closes": "", "text": html.unescape((reply or {}).get("reason", ""))}
        return None

    # -- timeline
    def step(self, i, s):
        import pika.exceptions as pe
        record = {"pointer": "/timeline/%d" % i, "code": 0}
        self.reply = None
        try:
            err = self.execute(s)
        except (pe.ChannelClosedByBroker, pe.ConnectionClosedByBroker) as e:
            err = error_of(e)
        if err:
            record.update(err)
        elif self.reply is not None:
            record["reply"] = self.reply
        self.obs["steps"].append(record)

    def named_channel(self, s):
        name = s["connection"]
        if name not in self.named:
            self.named[name] = Named(name, self)
        return self.named[name], self.named[name].channel(s.get("channel", 1))

    def consume(self, named, ch, s):
        c = s["consume"]
        key = named.key(s.get("channel", 1))
        self.obs["channels"].setdefault(key, [])
        tag = c.get("consumer_tag")
        if tag:
            named.given_tags.add(tag)

        def on_message(_ch, method, props, body):
            d = message_json(method, props, body)
            d["consumer_tag"] = named.shown(method.consumer_tag)
            d["delivery_tag"] = method.delivery_tag
            self.obs["channels"][key].append(d)
        ch.basic_consume(c["queue"], on_message, auto_ack=c.get("no_ack", False),
                         exclusive=c.get("exclusive", False), consumer_tag=tag or None,
                         arguments=to_amqp(c.get("arguments", {})))

    def channel_method(self, s):
        """The steps that need a named connection; None if `s` is none of them."""
        named, ch = self.named_channel(s)
        if "consume" in s:
            self.consume(named, ch, s)
        elif "cancel" in s:
            ch.basic_cancel(s["cancel"])
        elif "qos" in s:
            q = s["qos"]
            ch.basic_qos(prefetch_size=q.get("prefetch_size", 0),
                         prefetch_count=q.get("prefetch_count", 0),
                         global_qos=q.get("global", False))
        elif "ack" in s:
            ch.basic_ack(s["ack"]["delivery_tag"], multiple=s["ack"].get("multiple", False))
            round_trip(ch)
        elif "nack" in s:
            n = s["nack"]
            ch.basic_nack(n["delivery_tag"], multiple=n.get("multiple", False),
                          requeue=n.get("requeue", True))
            round_trip(ch)
        elif "reject" in s:
            ch.basic_reject(s["reject"]["delivery_tag"], requeue=s["reject"].get("requeue", True))
            round_trip(ch)
        elif "recover" in s:
            ch.basic_recover(requeue=s["recover"].get("requeue", True))
        elif "tx" in s:
            {"select": ch.tx_select, "commit": ch.tx_commit, "rollback": ch.tx_rollback}[s["tx"]]()
        elif "close" in s:
            if s["close"] == "connection":
                named.conn.close()
            else:
                ch.close()
        else:
            return False
        return True

    def execute(self, s):
        import pika
        import pika.exceptions as pe
        if "connection" in s and self.channel_method(s):
            return None
        if "publish" in s and "connection" in s:
            p = s["publish"]
            _, ch = self.named_channel(s)
            props = p.get("properties", {})
            bp = pika.BasicProperties(**{k: (to_amqp(v) if k == "headers" else v)
                                         for k, v in props.items()})
            for _ in range(p.get("count", 1)):
                ch.basic_publish(p.get("exchange", ""), p.get("routing_key", ""),
                                 p.get("body", "").encode(), bp,
                                 mandatory=p.get("mandatory", False))
            round_trip(ch)
            return None
        if "publish" in s:
            p = s["publish"]
            if p.get("confirm") and not self.confirm:
                self.confirm = True
                if self.publisher.ch is not None and self.publisher.ch.is_open:
                    self.publisher.ch.confirm_delivery()
            ch = self.publisher.channel()
            props = p.get("properties", {})
            bp = pika.BasicProperties(**{k: (to_amqp(v) if k == "headers" else v)
                                         for k, v in props.items()})
            for _ in range(p.get("count", 1)):
                try:
                    ch.basic_publish(p.get("exchange", ""), p.get("routing_key", ""),
                                     p.get("body", "").encode(), bp,
                                     mandatory=p.get("mandatory", False))
                    if self.confirm:
                        self.obs["confirms"].append("ack")
                except pe.NackError:
                    self.obs["confirms"].append("nack")
                except pe.UnroutableError:
                    # confirm mode: the return reached on_return already;
                    # the broker then acked the publish
                    self.obs["confirms"].append("ack")
            if not self.confirm:
                # A round trip on the same channel: a publish the broker
                # refuses (404, 406) closes the channel before the reply.
                ch.basic_qos(prefetch_count=0)
            self.publisher.poll()  # hand over returns queued before the reply
            return None
        if "set_policy" in s:
            return self.set_policy(s["set_policy"])
        if "clear_policy" in s:
            status, reply = http("DELETE", "/policies/%s/%s" % (
                VHOST, urllib.parse.quote(s["clear_policy"], safe="")))
            if status >= 300:
                return {"code": 0, "closes": "", "text": (reply or {}).get("reason", "")}
            return None
        if "stop_client" in s:
            self.clients[s["stop_client"]].stop()
            return None
        ch = self.named_channel(s)[1] if "connection" in s else self.admin.channel()
        if "declare_exchange" in s:
            x = s["declare_exchange"]
            ch.exchange_declare(x["name"], x.get("type", "direct"), passive=x.get("passive", False),
                                durable=x.get("durable", False),
                                auto_delete=x.get("auto_delete", False),
                                internal=x.get("internal", False),
                                arguments=to_amqp(x.get("arguments", {})))
        elif "declare_queue" in s:
            ok = self.declare_queue(ch, s["declare_queue"])
            self.reply = {"message_count": ok.method.message_count,
                          "consumer_count": ok.method.consumer_count}
        elif "bind" in s or "unbind" in s:
            self.bind(ch, s.get("bind") or s.get("unbind"), "bind" in s)
        elif "delete_queue" in s:
            d = s["delete_queue"]
            d = d if isinstance(d, dict) else {"name": d}
            ok = ch.queue_delete(d["name"], if_unused=d.get("if_unused", False),
                                 if_empty=d.get("if_empty", False))
            self.reply = {"message_count": ok.method.message_count}
        elif "purge_queue" in s:
            ok = ch.queue_purge(s["purge_queue"])
            self.reply = {"message_count": ok.method.message_count}
        elif "delete_exchange" in s:
            d = s["delete_exchange"]
            d = d if isinstance(d, dict) else {"name": d}
            ch.exchange_delete(d["name"], if_unused=d.get("if_unused", False))
        elif "get" in s:
            g = s["get"]
            method, props, body = ch.basic_get(g["queue"], auto_ack=g.get("no_ack", False))
            if method is None:
                self.reply = {"empty": True}
            else:
                m = message_json(method, props, body)
                m["consumer_tag"] = ""
                m["delivery_tag"] = method.delivery_tag
                self.reply = {"message_count": method.message_count, "message": m}
        else:
            raise Unsupported("step %s" % sorted(s))
        return None

    def run(self):
        reset_broker()
        self.setup()
        agenda = []
        n = 0
        for c in self.sc.get("clients", []):
            client = self.clients[c["name"]] = Client(c, self)
            agenda.append((c.get("start_ms", 0), 0, n, client.start))
            n += 1
        for i, s in enumerate(self.sc.get("timeline", [])):
            agenda.append((s["at_ms"], 0, n, (lambda i=i, s=s: self.step(i, s))))
            n += 1
        agenda.sort(key=lambda a: (a[0], a[1], a[2]))
        end_ms = max([self.sc.get("run_for_ms", 600000)] + [a[0] for a in agenda])
        self.t0 = time.monotonic()
        while True:
            now_ms = self.now() * 1000
            while agenda and agenda[0][0] <= now_ms:
                agenda.pop(0)[3]()
            self.pending.sort()
            while self.pending and self.pending[0][0] <= self.now():
                self.pending.pop(0)[2]()
            if now_ms >= end_ms:
                break
            for e in ([self.publisher] + [c.endpoint for c in self.clients.values()] +
                      list(self.named.values())):
                e.poll()
            time.sleep(0.001)
        self.observe_end()
        for c in self.clients.values():
            c.stop()
        for n in self.named.values():
            n.close()
        self.publisher.close()
        self.admin.close()
        return self.obs

    def observe_end(self):
        """Clients are frozen from here: drain every queue, then count unacked."""
        import pika.exceptions as pe
        self.publisher.poll()  # late returns / confirms
        _, queues = http("GET", "/queues/%s?columns=name,type" % VHOST)
        queues = [q for q in queues or [] if not q["name"].startswith("amq.gen-")]
        names = sorted(q["name"] for q in queues)
        quorum = {q["name"] for q in queues if q.get("type") == "quorum"}
        for name in names:
            ready = []
            try:
                while True:
                    method, props, body = self.admin.channel().basic_get(name, auto_ack=True)
                    if method is None:
                        break
                    ready.append(message_json(method, props, body))
            except (pe.ChannelClosedByBroker, pe.ConnectionClosedByBroker):
                continue  # vanished meanwhile (x-expires)
            self.obs["queues"][name] = {"ready": ready, "unacked": 0}
        for name, unacked in unacked_counts().items():
            if name in self.obs["queues"] and name not in quorum:
                self.obs["queues"][name]["unacked"] = unacked
        # Quorum queues report unacked counts on their 5 s metrics tick: count
        # the deliveries the (frozen) clients of each still hold instead.
        for c in self.clients.values():
            q = self.obs["queues"].get(c.spec["queue"])
            if q is not None and c.spec["queue"] in quorum:
                q["unacked"] += c.unacked()
        _, exchanges = http("GET", "/exchanges/%s?columns=name" % VHOST)
        self.obs["exchanges"] = sorted(x["name"] for x in exchanges or []
                                       if x["name"] and not x["name"].startswith("amq."))


# ------------------------------------------------------------------ comparing


def warren_observe(binary, path):
    r = subprocess.run([binary, "observe", path], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("warren observe %s exited %d: %s" % (path, r.returncode, r.stderr))
    return json.loads(r.stdout)


def differences(a, b, path=""):
    """Human-readable differences between two JSON values (a: real, b: Warren)."""
    if type(a) != type(b):
        return ["%s: rabbitmq %s, warren %s" % (path or "/", json.dumps(a), json.dumps(b))]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append("%s/%s: only warren has %s" % (path, k, json.dumps(b[k])))
            elif k not in b:
                out.append("%s/%s: only rabbitmq has %s" % (path, k, json.dumps(a[k])))
            else:
                out += differences(a[k], b[k], "%s/%s" % (path, k))
        return out
    if isinstance(a, list):
        out = []
        for i in range(max(len(a), len(b))):
            if i >= len(a):
                out.append("%s/%d: only warren has %s" % (path, i, json.dumps(b[i])))
            elif i >= len(b):
                out.append("%s/%d: only rabbitmq has %s" % (path, i, json.dumps(a[i])))
            else:
                out += differences(a[i], b[i], "%s/%d" % (path, i))
        return out
    return [] if a == b else ["%s: rabbitmq %s, warren %s" % (path or "/", json.dumps(a),
                                                               json.dumps(b))]


def report(name, diffs):
    if diffs:
        print("MISMATCH %s" % name)
        for d in diffs[:20]:
            print("  " + d)
        if len(diffs) > 20:
            print("  ... %d more" % (len(diffs) - 20))
    else:
        print("ok       %s" % name)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["live", "check"])
    ap.add_argument("--warren", required=True)
    ap.add_argument("--record", help="live: write the broker's observations here")
    ap.add_argument("--recorded", help="check: the committed observations")
    ap.add_argument("scenarios", nargs="+")
    args = ap.parse_args()
    failed = 0
    for path in args.scenarios:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            scenario = json.load(f)
        mine = warren_observe(args.warren, path)
        if args.mode == "check":
            rec = os.path.join(args.recorded, name + ".json")
            if not os.path.exists(rec):
                print("MISSING  %s: no recording %s" % (name, rec))
                failed += 1
                continue
            with open(rec, encoding="utf-8") as f:
                real = json.load(f)
        else:
            real = LiveRun(scenario).run()
            if args.record:
                os.makedirs(args.record, exist_ok=True)
                with open(os.path.join(args.record, name + ".json"), "w", encoding="utf-8") as f:
                    json.dump(real, f, indent=1, sort_keys=True, ensure_ascii=False)
                    f.write("\n")
        diffs = differences(real, mine)
        report(name, diffs)
        failed += bool(diffs)
    print("%d of %d scenarios match" % (len(args.scenarios) - failed, len(args.scenarios)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
