#!/usr/bin/python3
"""Warren's hand-typed AMQP method table against an independent source:
pika's spec.py, generated from RabbitMQ's amqp-rabbitmq-0.9.1.json. For every
method pika knows (Debian python3-pika 1.2.0), the ids, the name, whether
content follows, and each argument's wire type, in order, must agree; and
Warren must know no method pika does not.

  method_table_crosscheck.py METHOD_TABLE_DUMP_BINARY
"""
import inspect
import json
import re
import subprocess
import sys

import pika.spec as spec

PACK = {"'>H'": "short", "'>I'": "long", "'>Q'": "longlong", "'B'": "octet"}


def pika_layout(method_class):
    """(type, name) per argument, read off pika's generated encode()."""
    src = inspect.getsource(method_class.encode).splitlines()
    out = []
    pending_bits = []
    for i, line in enumerate(src):
        line = line.strip()
        m = re.match(r"if self\.(\w+):", line)
        if m and i + 1 < len(src) and "bit_buffer |=" in src[i + 1]:
            out.append(("bit", m.group(1)))
            continue
        m = re.match(r"pieces\.append\(struct\.pack\(('[^']+'), self\.(\w+)\)\)", line)
        if m:
            out.append((PACK[m.group(1)], m.group(2)))
            continue
        m = re.match(r"data\.encode_short_string\(pieces, self\.(\w+)\)", line)
        if m:
            out.append(("shortstr", m.group(1)))
            continue
        m = re.match(r"data\.encode_table\(pieces, self\.(\w+)\)", line)
        if m:
            out.append(("table", m.group(1)))
            continue
        m = re.match(r"value = self\.(\w+)\.encode", line)
        if m:
            out.append(("longstr", m.group(1)))
    return out


def pika_methods():
    for cls in [spec.Connection, spec.Channel, spec.Access, spec.Exchange, spec.Queue,
                spec.Basic, spec.Confirm, spec.Tx]:
        for _, m in vars(cls).items():
            if inspect.isclass(m) and getattr(m, "INDEX", None):
                yield m


def amqp_name(pika_name):
    klass, method = pika_name.split(".")
    return klass.lower() + "." + re.sub(r"(?<!^)([A-Z])", r"-\1", method).lower()


def main():
    ours = json.loads(subprocess.run([sys.argv[1]], capture_output=True, check=True, text=True).stdout)
    by_id = {(m["class"], m["method"]): m for m in ours}
    problems = []
    seen = set()
    for pm in pika_methods():
        key = (pm.INDEX >> 16, pm.INDEX & 0xFFFF)
        seen.add(key)
        mine = by_id.get(key)
        if mine is None:
            problems.append("%s %s: missing from Warren's table" % (pm.NAME, key))
            continue
        if mine["name"] != amqp_name(pm.NAME):
            problems.append("%s: named %s" % (pm.NAME, mine["name"]))
        content = bool(getattr(pm, "_content", False)) or pm.NAME in (
            "Basic.Publish", "Basic.Return", "Basic.Deliver", "Basic.GetOk")
        if mine["content"] != content:
            problems.append("%s: content %s, pika %s" % (pm.NAME, mine["content"], content))
        theirs = [t for t, _ in pika_layout(pm)]
        types = [t for t, _ in mine["args"]]
        if types != theirs:
            problems.append("%s: arguments %s, pika %s" % (pm.NAME, types, theirs))
    for key, m in by_id.items():
        if key not in seen and m["name"] not in ("connection.update-secret",
                                                 "connection.update-secret-ok"):
            problems.append("%s %s: not in pika's spec" % (m["name"], key))
    for p in problems:
        print("MISMATCH " + p)
    print("%d methods checked, %d mismatches" % (len(seen), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
