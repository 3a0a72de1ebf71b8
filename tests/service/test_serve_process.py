"""`screening serve --workers 2` as a real server: both workers answer, and it stops cleanly."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

QUERY = json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": "Vladimir Putin"}}}}).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_workers_serve_and_stop(served_db):
    port = free_port()
    env = {**os.environ, "SCREENING_DB": str(served_db)}
    env.pop("SCREENING_API_KEYS", None)
    server = subprocess.Popen([sys.executable, "-m", "screening.cli.main", "serve", "--port", str(port),
                               "--workers", "2"], env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "not ready in 120 s"
                time.sleep(0.3)
        workers = set()
        for _ in range(40):  # a new connection each time: the kernel spreads them over the workers
            request = urllib.request.Request(f"{base}/match/default", data=QUERY,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as reply:
                assert reply.status == 200
                assert json.loads(reply.read())["responses"]["q"]["results"]
            with urllib.request.urlopen(f"{base}/healthz", timeout=10) as reply:
                workers.add(reply.headers.get("X-Worker"))
    finally:
        server.terminate()
        code = server.wait(timeout=60)
    assert code == 0
    assert len(workers) == 2, workers
