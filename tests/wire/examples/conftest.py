# A pytest fixture that starts `warren serve` for one test (the README's).
import json, os, subprocess, urllib.request
import pytest

WARREN = os.environ.get("WARREN", "warren")

@pytest.fixture
def warren():
    p = subprocess.Popen([WARREN, "serve", "--amqp-port", "0", "--http-port", "0"],
                         stdout=subprocess.PIPE, text=True)
    ports = dict(kv.split("=") for kv in p.stdout.readline().split()[1:])  # READY amqp=N http=M
    def control(path, body=None):  # POST with a body, GET without
        req = urllib.request.Request(f"http://127.0.0.1:{ports['http']}/warren/v1/{path}",
                                     data=None if body is None else json.dumps(body).encode())
        return json.load(urllib.request.urlopen(req))
    yield f"amqp://guest:guest@127.0.0.1:{ports['amqp']}/", control
    p.terminate(); p.wait()
