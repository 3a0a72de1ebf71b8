"""Several worker processes on one port, the kernel sharing the connections out evenly.

uvicorn's own ``--workers`` has every worker accept from one shared socket: a worker that wakes
first takes a burst of new keep-alive connections, and those stay with it for their life, so
under a steady load of a few clients one worker can serve them all while the other idles (seen
as 8 clients getting no more req/s than 1). Here each worker binds its own socket with
``SO_REUSEPORT``, and Linux spreads new connections over the sockets by their addresses.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import time

APP = "screening.service.app:create_app_from_env"
BACKLOG = 2048
UVICORN = {"log_level": "warning", "access_log": False, "server_header": False}


def can_share_port() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def _socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int, env: dict[str, str]) -> None:
    import uvicorn

    os.environ.update(env)
    sock = _socket(host, port)
    sock.listen(BACKLOG)
    uvicorn.Server(uvicorn.Config(APP, factory=True, **UVICORN)).run(sockets=[sock])


def run_workers(host: str, port: int, workers: int, env: dict[str, str]) -> int:
    """Run ``workers`` processes serving the app on host:port until SIGINT/SIGTERM or until one
    of them exits (then the others are stopped too, so a supervisor restarts the whole); return
    the exit code."""
    probe = _socket(host, port)  # address in use by another program: fail here, in one line
    probe.close()
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(host, port, env), name=f"screening-worker-{i}")
                 for i in range(workers)]
    for process in processes:
        process.start()
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(p.is_alive() for p in processes):
        time.sleep(0.2)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=30)
    if stopping:
        return 0
    print("error: a worker process stopped; stopping the others", file=sys.stderr)
    return 1
