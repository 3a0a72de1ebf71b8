"""Load test of `screening serve`: single-query POST /match at 1, 8 and 32 concurrent clients.

    python benchmarks/serve.py --db /path/store.duckdb --workers 2            # starts the server itself
    python benchmarks/serve.py --url http://127.0.0.1:8000                    # a running server
    python benchmarks/serve.py --db STORE --refresh-from LISTS/ofac_sdn/2024-04-26 --clients 8

Bounded: each level sends a fixed number of requests (``--requests``) over keep-alive
connections and stops; the report gives req/s and p50/p95/p99 latency per level, and the
errors (any status but 200, or a broken connection). With ``--refresh-from`` the load runs
while another process applies `screening lists refresh --source us_ofac_sdn --from PATH` to the
store, and the report adds the refresh's exit code, how long after it ended ``/catalog`` showed
the new index version, and how many responses each index version (``X-Index-Version``) answered.
The client is asyncio over raw sockets, so that it takes as little of the machine as it can.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

# names sent in turn: listed parties (spelt as a customer would) and ordinary customers
NAMES = ("Vladimir Putin", "Channel Rich Electronics Co Ltd", "Harbour Bright Trading Limited", "John Smith",
         "Maria Garcia Lopez", "Rosneft Holding", "Banco Nacional de Cuba", "Acme Trading Ltd",
         "Kim Jong Un", "Mohammed Al Rashid", "Shenzhen Huawei Technologies", "Oceanic Shipping SA",
         "Anna Petrova", "Islamic Revolutionary Guard Corps", "Global Parts GmbH", "Li Wei")


def body(i: int) -> bytes:
    schema = "Person" if i % 2 == 0 else "Organization"
    return json.dumps({"queries": {"q": {"schema": schema, "properties": {"name": [NAMES[i % len(NAMES)]]}}}}).encode()


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host: str, port: int, headers: str) -> None:
        self.host, self.port, self.headers = host, port, headers
        self.reader = self.writer = None

    async def request(self, method: str, path: str, payload: bytes = b"") -> tuple[int, dict, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n{self.headers}\r\n")
        self.writer.write(head.encode() + payload)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            key, _, value = line.decode().partition(":")
            headers[key.strip().lower()] = value.strip()
        data = await self.reader.readexactly(int(headers.get("content-length", 0)))
        return status, headers, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def run_level(url: str, clients: int, requests: int, headers: str, versions: list[str] | None = None,
                    stop: asyncio.Event | None = None) -> dict:
    """Send ``requests`` /match requests over ``clients`` connections (or until ``stop`` is set)."""
    parts = urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(10**9))

    async def worker() -> None:
        client = Client(parts.hostname, parts.port or 80, headers)
        try:
            while True:
                i = next(counter)
                if (stop is None and i >= requests) or (stop is not None and stop.is_set()):
                    return
                start = time.perf_counter()
                try:
                    status, head, _ = await client.request("POST", "/match/default", body(i))
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    client.close()
                    continue
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    errors.append(f"HTTP {status}")
                if versions is not None:
                    versions.append(head.get("x-index-version", "?"))
        finally:
            client.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    seconds = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2) if latencies else 0.0

    return {"clients": clients, "requests": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "seconds": round(seconds, 2), "req_per_s": round(len(latencies) / seconds, 1) if seconds else 0.0,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": round(1000 * statistics.fmean(latencies), 2) if latencies else 0.0}


def get_json(url: str, headers: dict) -> tuple[dict, dict]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as reply:
        return json.loads(reply.read()), dict(reply.headers)


def wait_ready(url: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not become ready in {seconds:.0f} s")


async def under_refresh(url: str, args, headers: str, auth: dict) -> dict:
    """The load test while a refresh of us_ofac_sdn runs in another process."""
    before = get_json(f"{url}/catalog", auth)[0]["datasets"][0]["index_version"]
    stop = asyncio.Event()
    versions: list[str] = []
    load = asyncio.create_task(run_level(url, args.refresh_clients, 0, headers, versions, stop))
    await asyncio.sleep(1.0)
    env = {**os.environ, "SCREENING_DB": args.db}
    command = [sys.executable, "-m", "screening.cli.main", "lists", "refresh", "--source", "us_ofac_sdn",
               "--from", args.refresh_from, "--allow-partial", "--json"]
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(*command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await proc.communicate()
    ended = time.perf_counter()
    seen_after = None
    while time.perf_counter() - ended < 30:
        now = await asyncio.to_thread(lambda: get_json(f"{url}/catalog", auth)[0]["datasets"][0]["index_version"])
        if now != before:
            seen_after = round(time.perf_counter() - ended, 2)
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)
    stop.set()
    result = await load
    counts = {v: versions.count(v) for v in dict.fromkeys(versions)}
    return {**result, "refresh_exit": proc.returncode, "refresh_seconds": round(ended - started, 1),
            "refresh_outcome": _outcome(out), "refresh_stderr": err.decode()[-300:] if proc.returncode else "",
            "index_before": before, "responses_per_version": counts,
            "catalog_new_version_after_s": seen_after}


def _outcome(out: bytes) -> object:
    try:
        return [{k: o.get(k) for k in ("source", "status", "version", "previous_version", "error")}
                for o in json.loads(out)]
    except (ValueError, AttributeError, TypeError):
        return out.decode()[-300:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="A running server (default: start one on --db)")
    parser.add_argument("--db", help="The store to serve (started here with `screening serve`)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--clients", default="1,8,32", help="Concurrency levels, comma-separated")
    parser.add_argument("--requests", type=int, default=2000, help="Requests per level")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--api-key", default=os.environ.get("SCREENING_API_KEY"))
    parser.add_argument("--refresh-from", help="Run the load while `lists refresh` applies this SDN snapshot")
    parser.add_argument("--refresh-clients", type=int, default=8)
    parser.add_argument("--out", help="Write the report as JSON here too")
    args = parser.parse_args()
    if not args.url and not args.db:
        parser.error("give --url or --db")
    server = None
    url = args.url
    if url is None:
        url = f"http://127.0.0.1:{args.port}"
        env = {**os.environ, "SCREENING_DB": args.db}
        server = subprocess.Popen([sys.executable, "-m", "screening.cli.main", "serve", "--port", str(args.port),
                                   "--workers", str(args.workers)], env=env)
    headers = f"Authorization: ApiKey {args.api_key}\r\n" if args.api_key else ""
    auth = {"Authorization": f"ApiKey {args.api_key}"} if args.api_key else {}
    report: dict = {"url": url, "workers": args.workers if server else None, "cpus": os.cpu_count(), "levels": []}
    try:
        wait_ready(url)
        asyncio.run(run_level(url, 8, args.warmup, headers))
        if args.refresh_from:
            if not args.db:
                parser.error("--refresh-from needs --db (the store the refresh writes)")
            report["under_refresh"] = asyncio.run(under_refresh(url, args, headers, auth))
        else:
            for clients in (int(c) for c in args.clients.split(",")):
                level = asyncio.run(run_level(url, clients, args.requests, headers))
                report["levels"].append(level)
                print(json.dumps(level), flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(report, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
