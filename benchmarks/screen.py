"""Screening benchmark: batch files of 10k / 100k / 1M customers and single lookups.

    python benchmarks/screen.py [--db DB] [--sizes 10000,100000,1000000] [--lookups 200]

Customer files are made by the script (benchmarks/synthetic_customers.py): about 10% list-derived
variants, the rest generated legitimate names. Each file is screened end to end by a fresh
`screening screen FILE -o OUT.csv` process (reading, screening, writing); its wall time and peak
memory (max RSS of the child) are reported. Lookups: `check()` in-process (after one warm-up
call) p50/p95, and `screening check NAME` as a fresh process (median of 5). The store is read
read-only by every step, so the benchmark's own matcher does not block the child processes.
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening.match import check, get_matcher, release  # noqa: E402
from synthetic_customers import customer_mix  # noqa: E402

CLI = [sys.executable, "-m", "cli.main"]


def write_file(rows: list[dict], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "name", "entity_type", "address", "country", "date_of_birth"])
        for r in rows:
            writer.writerow([r["id"], r["name"], r["type"] or "", r["address"] or "", r["country"] or "", r["dob"] or ""])


def run_batch(path: Path, db: str | None, env: dict) -> dict:
    out = path.with_suffix(".hits.csv")
    args = CLI + ["screen", str(path), "-o", str(out)] + (["--db", db] if db else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        raise SystemExit(f"screen failed: {proc.stderr}")
    return {"seconds": seconds, "peak_mib": max(peak_kib, before) / 1024, "summary": proc.stderr.strip().splitlines()[-1]}


def lookups(db: str | None, rows: list[dict], n: int) -> dict:
    release(db)  # a fresh matcher: its first lookup runs the SQL path, its second prepares the Python one
    warm = []
    for name in ("warm up", "warm up again"):
        start = time.perf_counter()
        check(name, db=db)
        warm.append((time.perf_counter() - start) * 1000)
    times = []
    for r in rows[:n]:
        start = time.perf_counter()
        check(r["name"], country=r["country"], address=r["address"], dob=r["dob"], entity_type=r["type"], db=db)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))], "n": len(times),
            "max_ms": times[-1], "first_ms": warm[0], "second_ms": warm[1],
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def fresh_check(db: str | None, env: dict) -> float:
    args = CLI + ["check", "Centre Bright Electronics Co., Ltd.", "--country", "HK"] + (["--db", db] if db else [])
    best = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, env=env, cwd=ROOT)
        best.append(time.perf_counter() - start)
    return statistics.median(best)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="store (default: $SCREENING_DB or the per-user store)")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--lookups", type=int, default=200)
    ap.add_argument("--workdir", help="where to write the customer files (default: a temp folder)")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    matcher = get_matcher(args.db)  # brings the list index up to date once, outside the timings
    work = Path(args.workdir or tempfile.mkdtemp(prefix="screen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sample = customer_mix(matcher.con, max(args.lookups, 1000), seed=3)
    rates = {}
    for size in [int(s) for s in args.sizes.split(",") if s]:
        path = work / f"customers_{size}.csv"
        start = time.perf_counter()
        if not path.exists():
            write_file(customer_mix(matcher.con, size, seed=size), path)
        made = time.perf_counter() - start
        res = run_batch(path, args.db, env)
        rates[size] = size / res["seconds"]
        print(f"{size:>9} rows: {res['seconds']:7.1f} s end to end, {rates[size]:8,.0f} rows/s, "
              f"peak RSS {res['peak_mib']:,.0f} MiB (file made in {made:.1f} s)\n    {res['summary']}", flush=True)
    if len(rates) > 1:
        first = min(rates)
        print("throughput relative to", first, "rows:",
              ", ".join(f"{size}: {rate / rates[first]:.2f}x" for size, rate in sorted(rates.items())))
    res = lookups(args.db, sample, args.lookups)
    print(f"in-process check(): p50 {res['p50_ms']:.1f} ms, p95 {res['p95_ms']:.1f} ms, max {res['max_ms']:.1f} ms "
          f"over {res['n']} lookups (first lookup of a matcher {res['first_ms']:.0f} ms, second, which "
          f"prepares the in-memory list side, {res['second_ms']:.0f} ms; peak RSS {res['rss_mib']:,.0f} MiB)")
    release(args.db)
    print(f"fresh process `screening check`: {fresh_check(args.db, env):.2f} s (median of 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
