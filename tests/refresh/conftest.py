"""A real HTTP server on 127.0.0.1 (ephemeral port) serving dated list files, with fault injection.

Tests point a refresh at it with ``--from http://127.0.0.1:<port>/<prefix>/``: the refresh asks
for each official file name under that base, exactly as it would from the publisher.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from screening.fetch import FetchOptions

from ..conftest import FIXTURES, LISTS

SDN_DATES = ("2024-04-26", "2024-05-01", "2024-05-02", "2024-05-03")
UN_DATES = ("2018-06-07", "2018-06-21")
DPL_SNAPSHOTS = (FIXTURES / "lists" / "us_bis_dpl" / "2019-06", FIXTURES / "lists" / "us_bis_dpl" / "2022-09",
                 LISTS / "us_bis_dpl" / "2023-11")
SLOW_SECONDS = 2.0  # how long a "timeout" fault stalls; longer than FAST.timeout, bounded for the test run

# Short timeouts and backoff so fault tests finish in seconds.
FAST = FetchOptions(timeout=(2.0, 0.5), retries=1, backoff=0.01)


def sdn_snapshot(day: str) -> Path:
    return FIXTURES / "lists" / "us_ofac_sdn" / day


def un_snapshot(day: str) -> Path:
    return FIXTURES / "lists" / "un_sc" / day


@dataclass
class Served:
    body: bytes
    last_modified: str | None = None
    content_type: str = "application/octet-stream"


@dataclass
class ListServer:
    """Files by URL path, faults by URL path, and a log of every request seen."""

    files: dict[str, Served] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)  # path -> slow | http500 | cut | html
    requests: list[tuple[str, dict]] = field(default_factory=list)
    port: int = 0

    def url(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.port}/{prefix}/"

    def publish(self, prefix: str, folder: Path, day: str | None = None) -> None:
        """Serve a snapshot folder's files under ``/<prefix>/``, replacing what was there."""
        for key in [k for k in self.files if k.startswith(f"/{prefix}/")]:
            del self.files[key]
        stamp = None
        if day:
            parts = [int(p) for p in day.split("-")] + [1]
            stamp = format_datetime(datetime(parts[0], parts[1], parts[2], 12, tzinfo=timezone.utc), usegmt=True)
        for path in sorted(folder.iterdir()):
            if path.is_file():
                self.files[f"/{prefix}/{path.name}"] = Served(path.read_bytes(), stamp)

    def put(self, path: str, body: bytes, content_type: str = "application/octet-stream") -> None:
        self.files[path] = Served(body, None, content_type)


def _handler(server: ListServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            server.requests.append((self.path, dict(self.headers)))
            fault = server.faults.get(self.path)
            if fault == "slow":
                time.sleep(SLOW_SECONDS)
            if fault == "http500":
                return self._send(500, b"internal error", "text/plain")
            served = server.files.get(self.path)
            if served is None:
                return self._send(404, b"not found", "text/plain")
            if fault == "html":
                page = b"<!DOCTYPE html><html><head><title>Error</title></head><body>Service unavailable</body></html>"
                return self._send(200, page, "text/html; charset=utf-8")
            etag = '"' + hashlib.sha256(served.body).hexdigest()[:32] + '"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", None, etag=etag)
            if fault == "cut":
                self.send_response(200)
                self.send_header("Content-Length", str(len(served.body)))
                self.end_headers()
                self.wfile.write(served.body[: len(served.body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return None
            return self._send(200, served.body, served.content_type, etag=etag, last_modified=served.last_modified)

        def _send(self, status: int, body: bytes, content_type: str | None, etag: str | None = None,
                  last_modified: str | None = None) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if etag:
                self.send_header("ETag", etag)
            if last_modified:
                self.send_header("Last-Modified", last_modified)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up early (a timeout test, a refused body) is expected here: no traceback."""


@pytest.fixture
def list_server() -> Iterator[ListServer]:
    """A list server on 127.0.0.1 with an ephemeral port, shut down after the test."""
    state = ListServer()
    httpd = _QuietServer(("127.0.0.1", 0), _handler(state))
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "screening.duckdb"


@pytest.fixture(autouse=True)
def _no_consolidation(request, monkeypatch) -> None:
    """Refresh tests skip rebuilding entities (slow, tested elsewhere) unless marked ``consolidate``."""
    if request.node.get_closest_marker("consolidate") is None:
        monkeypatch.setattr("screening.pipeline.rebuild_entities", lambda db_path: None)


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "consolidate: let refreshes rebuild the consolidated entities")
