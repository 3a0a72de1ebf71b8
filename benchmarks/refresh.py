"""Time a no-op refresh, a daily-delta refresh, and delta re-screening of a large customer book.

Usage: python benchmarks/refresh.py [--customers 100000] [--keep DIR]

A local HTTP server on 127.0.0.1 serves the real SDN sdn.csv of 2024-05-02 and then of
2024-05-03 (the project's test fixtures), as OFAC's site would.  The store first gets the
whole bundled list set, so matching and consolidation work at their real size.  Steps:

1. refresh SDN to 2024-05-01; register ``--customers`` synthetic customers (a full screen);
2. no-op refresh: the server answers 304 (conditional request), and the same again from a
   local folder (same sha256);
3. two daily deltas: to 2024-05-02 (7 entries added) and to 2024-05-03 (8 removed), each with the
   entity rebuild and the matcher's index rebuild (which any screen after a change needs), then
   ``rescreen`` (only what changed);
4. a full re-screen of the same customers, for comparison.  Target: rescreen at least 10x faster.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_customers import customer_mix  # noqa: E402

from screening.fetch import FetchOptions  # noqa: E402
from screening.pipeline import load_lists  # noqa: E402
from screening.match import Customer, get_matcher, screen_records  # noqa: E402
from screening.pipeline import rebuild_entities, refresh_lists  # noqa: E402
from screening.rescreen import register_customers, rescreen  # noqa: E402
from screening.sources import all_sources  # noqa: E402

SDN = ROOT / "tests" / "fixtures" / "lists" / "us_ofac_sdn"


class _Files:
    body = b""
    stamp = ""


def _server() -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            etag = f'"{hash(_Files.body) & 0xFFFFFFFF:x}"'
            if not self.path.endswith("/sdn.csv"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", _Files.stamp)
            self.send_header("Content-Length", str(len(_Files.body)))
            self.end_headers()
            self.wfile.write(_Files.body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, httpd.server_address[1]


def _publish(day: str) -> None:
    _Files.body = (SDN / day / "sdn.csv").read_bytes()
    y, m, d = (int(p) for p in day.split("-"))
    _Files.stamp = format_datetime(datetime(y, m, d, 12, tzinfo=timezone.utc), usegmt=True)


def _timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s", flush=True)
    return value, seconds


def run(workdir: Path, n_customers: int) -> None:
    db = workdir / "bench.duckdb"
    httpd, port = _server()
    url = f"http://127.0.0.1:{port}/ofac/"
    fast = FetchOptions(timeout=(5, 30), retries=1, backoff=0.1)
    try:
        _timed("load bundled lists", load_lists, db, [s.name for s in all_sources() if s.bundled], consolidate=True)
        _publish("2024-05-01")
        (first,), _ = _timed("refresh SDN to 2024-05-01 (+ consolidation)", refresh_lists, db, ["us_ofac_sdn"], url,
                             fetch_options=fast)
        print(f"  {first.status} {first.version}: {first.entries} entries")
        _timed("matcher index", get_matcher, db)

        con = get_matcher(db).con
        rows = customer_mix(con, n_customers)
        book = workdir / "customers.csv"
        with book.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["id", "name", "type", "country", "dob", "address"],
                                    extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        summary, _ = _timed(f"customers add ({n_customers} rows, full screen + registration)",
                            register_customers, book, "book", None, db)
        print(f"  {summary.hit_rows} rows with hits, {summary.hits} hits")

        noop = [_timed("no-op refresh (HTTP 304)", _unchanged, db, url, fast)[1] for _ in range(3)]
        local = [_timed("no-op refresh (local folder, same sha256)", _unchanged, db, str(SDN / "2024-05-01"), None)[1]
                 for _ in range(3)]

        deltas = {}
        for day in ("2024-05-02", "2024-05-03"):
            _publish(day)
            (delta,), delta_s = _timed(f"daily-delta refresh to {day} (no consolidation)", refresh_lists, db,
                                       ["us_ofac_sdn"], url, fetch_options=fast, consolidate=False)
            print(f"  {delta.status}: {delta.previous_entries} -> {delta.entries} entries")
            _, consolidation_s = _timed("entity rebuild after the delta", rebuild_entities, db)
            _, index_s = _timed("matcher index rebuild after the delta (needed by any screen)", get_matcher, db)
            result, rescreen_s = _timed("rescreen (delta)", rescreen, db)
            print(f"  {result.files[0]}")
            deltas[day] = (delta_s, consolidation_s, index_s, rescreen_s)
        customers = [Customer(name=r["name"], address=r["address"], country=r["country"], dob=r["dob"],
                              type=r["type"], id=r["id"]) for r in rows]
        _, full_s = _timed("full re-screen of the same customers", screen_records, customers, db)
    finally:
        httpd.shutdown()
    print()
    print(f"no-op refresh: HTTP 304 median {statistics.median(noop):.2f} s; local sha256 median "
          f"{statistics.median(local):.2f} s")
    for day, (delta_s, consolidation_s, index_s, rescreen_s) in deltas.items():
        print(f"daily delta to {day}: refresh {delta_s:.2f} s + entity rebuild {consolidation_s:.2f} s + "
              f"matcher index {index_s:.2f} s; rescreen {rescreen_s:.2f} s vs full re-screen {full_s:.2f} s "
              f"-> {full_s / max(rescreen_s, 1e-9):.0f}x faster (target >= 10x)")


def _unchanged(db: Path, origin: str, fast: FetchOptions | None) -> None:
    (outcome,) = refresh_lists(db, ["us_ofac_sdn"], origin, fetch_options=fast)
    assert outcome.status == "unchanged", outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it (default: a temp folder).")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.keep, args.customers)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp), args.customers)


if __name__ == "__main__":
    main()
