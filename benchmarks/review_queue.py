"""The analysts' queue after a realistic batch: how long its open hits take to read with their
listed entities, a query per hit (as before) against one query for all of them, in one run.

    python benchmarks/review_queue.py --db STORE [--rows 20000] [--workdir DIR]

A copy of STORE screens a realistic customer book (benchmarks/synthetic_customers.py
``customer_mix``: about 10% list-derived variants, the rest a multi-locale legitimate book and
generated names) as ``screening screen`` does, recording the run; then that run's open hits are
read with their entities both ways (the same entries, checked), each timed by wall clock. What a
review page or ``screening review list`` waits for before it shows anything.
"""
from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening.match import get_matcher, release  # noqa: E402
from screening.match.batch import screen_file  # noqa: E402
from screening.review import open_review  # noqa: E402
from screening.review.queue import entities_entries, entity_entries, hits_now  # noqa: E402
from screening.store import resolve_db_path  # noqa: E402
from synthetic_customers import customer_mix  # noqa: E402

COLUMNS = ("id", "name", "type", "address", "country", "dob")


def book(db: str, rows: int, path: Path) -> Path:
    """A realistic customer book of ``rows`` rows, written as CSV."""
    data = customer_mix(get_matcher(db).con, rows, seed=21)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([r[c] or "" for c in COLUMNS] for r in data)
    release(db)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="store (default: $SCREENING_DB or the per-user store); a copy is screened")
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--workdir", help="where to put the store copy and the book (default: a temp folder)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="review-queue-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = str(work / "store.duckdb")
    shutil.copyfile(resolve_db_path(args.db), db)
    summary = screen_file(book(db, args.rows, work / "book.csv"), work / "hits.csv", db=db)
    release(db)
    print(f"{summary.rows:,} rows screened: {summary.hits:,} hits recorded as run {summary.run_id}")
    con = open_review(db, read_only=True)
    try:
        start = time.perf_counter()
        found = hits_now(con, summary.run_id, open_only=True)  # this run's (the store may hold others)
        judged = time.perf_counter() - start
        start = time.perf_counter()
        per_hit = [entity_entries(con, h["entity_id"], h.get("list_refs")) for h in found]
        before = time.perf_counter() - start
        start = time.perf_counter()
        batched = entities_entries(con, found)
        after = time.perf_counter() - start
    finally:
        con.close()
    same = per_hit == [batched[(h["entity_id"], h.get("list_refs"))] for h in found]
    entries = sum(len(e) for e in per_hit)
    print(f"{len(found):,} open hits judged in {judged:.2f} s; their {entries:,} list entries read "
          f"a query per hit: {before:.2f} s; in one query: {after:.2f} s ({before / after:.0f} times as fast); "
          f"same entries: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
