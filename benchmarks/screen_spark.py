"""Spark engine benchmark: realistic customer books of 1M and 10M rows screened in local mode.

    python benchmarks/screen_spark.py [--db DB] [--sizes 1000000,10000000] [--master local[2]]

The books are made by benchmarks/synthetic_customers.py (about 10% list-derived variants, the rest
a multi-locale legitimate book and generated names: mostly distinct names), written once as
Parquet parts of ``--part-rows`` rows, each part from its own seed; a size takes the first parts.
Each size is screened end to end by a fresh `screening screen PARTS -o OUT/ --engine spark`
process (Spark start, reading, screening, writing Parquet parts), timed by wall clock. Reported
per size: rows/s, seconds per million rows, the marginal seconds per million from the size before
(the start-up cost left out: flat when time grows linearly with rows), the share of distinct
names, and the machine's load average (`uptime`) before and after, since the machine may be shared.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening.match import get_matcher, release  # noqa: E402
from synthetic_customers import customer_mix  # noqa: E402

CLI = [sys.executable, "-m", "cli.main"]
COLUMNS = ("id", "name", "type", "address", "country", "dob")
HEADERS = ("customer_id", "name", "entity_type", "address", "country", "date_of_birth")


def make_parts(db: str | None, rows: int, part_rows: int, folder: Path) -> tuple[list[Path], float]:
    """Parquet parts holding ``rows`` customers (parts already there are kept); the seconds spent."""
    start = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    con = get_matcher(db).con
    for k in range(-(-rows // part_rows)):
        path = folder / f"part-{k:05d}.parquet"
        if not path.exists():
            batch = customer_mix(con, part_rows, seed=1000 + k)
            table = pa.table({h: [f"P{k:05d}-{r['id']}" if c == "id" else (r[c] or None) for r in batch]
                              for c, h in zip(COLUMNS, HEADERS)})
            pq.write_table(table, path)
        parts.append(path)
    release(db)
    return parts, time.perf_counter() - start


def distinct_share(parts: list[Path]) -> float:
    names: set[str] = set()
    total = 0
    for path in parts:
        column = pq.read_table(path, columns=["name"]).column("name").to_pylist()
        names.update(column)
        total += len(column)
    return len(names) / total


def load() -> str:
    return os.getloadavg().__repr__()


def run(parts: list[Path], work: Path, db: str | None, master: str, env: dict) -> tuple[float, str]:
    """Screen the parts (linked into one folder) in a fresh process; (seconds, summary line)."""
    folder = work / f"input_{len(parts)}"
    folder.mkdir(exist_ok=True)
    for path in parts:
        link = folder / path.name
        if not link.exists():
            link.symlink_to(path)
    out = work / f"hits_{len(parts)}"
    cmd = CLI + ["screen", str(folder), "-o", f"{out}/", "--engine", "spark",
                 "--spark-master", master] + (["--db", db] if db else [])
    log = work / f"screen_{len(parts)}.log"  # the whole stderr, kept: a failure is diagnosed from it
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as handle:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=handle, text=True, env=env)
    seconds = time.perf_counter() - start
    lines = log.read_text(encoding="utf-8").strip().splitlines()
    # only a run that wrote its output counts (an old CLI exited 1, as for hits, on a crash)
    if proc.returncode not in (0, 1) or not out.is_dir() or not lines or " screened, " not in lines[-1]:
        raise SystemExit(f"screening failed ({proc.returncode}) after {seconds:.0f} s, see {log}:\n"
                         + "\n".join(lines[-40:]))
    return seconds, lines[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="store (default: $SCREENING_DB or the per-user store)")
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--part-rows", type=int, default=20_000)
    ap.add_argument("--workdir", help="where to write the books and results (default: a temp folder)")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    work = Path(args.workdir or tempfile.mkdtemp(prefix="screen-spark-bench-"))
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    parts, made = make_parts(args.db, sizes[-1], args.part_rows, work / "parts")
    print(f"book of {sizes[-1]:,} rows in {len(parts)} Parquet parts made in {made:.0f} s", flush=True)
    before = None
    for size in sizes:
        chosen = parts[:-(-size // args.part_rows)]
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in chosen)
        load_before = load()
        seconds, summary = run(chosen, work, args.db, args.master, env)
        marginal = ""
        if before:
            marginal = f", marginal {(seconds - before[1]) / (rows - before[0]) * 1e6:,.0f} s per million"
        print(f"{rows:>10,} rows: {seconds:8.1f} s, {rows / seconds:7,.0f} rows/s, {seconds / rows * 1e6:,.0f} s per "
              f"million{marginal}; distinct names {distinct_share(chosen):.0%}; load before {load_before}, after "
              f"{load()}\n    {summary}", flush=True)
        before = (rows, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
