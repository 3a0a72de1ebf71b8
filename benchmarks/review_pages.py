"""The analysts' queue of a store that has recorded large runs: how long one page of open hits
takes (what `GET /review` and `screening review list --limit` wait for), against the whole queue
read at once, on this checkout and on an older one, in one run.

    python benchmarks/review_pages.py --db STORE [--baseline REF] [--page 100] [--workdir DIR]

STORE should hold recorded runs (e.g. after `benchmarks/screen.py` or `benchmarks/screen_spark.py`
recorded a million-row run); it is copied first and only read. Each side runs in a process of its
own, timed by wall clock: this checkout's first page, a page in the middle of the queue and the
whole queue (`open_hits` with and without `limit`); the baseline's whole queue (before pages,
that was the only way). Both sides must give the same open hits (their ids are compared).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from screen import baseline_checkout  # noqa: E402

# Run inside each side's checkout: times open_hits (the whole queue, and pages where the side has them)
PROBE = r"""
import json, sys, time
from screening.review import open_hits
db, page, paged = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
out = {}
def timed(name, **kw):
    start = time.perf_counter()
    found = open_hits(db, **kw)
    out[name] = {"seconds": time.perf_counter() - start, "hits": len(found)}
    return found
if paged:
    timed("first page", limit=page)
whole = timed("whole queue")
if paged:
    middle = len(whole) // 2
    got = timed("page in the middle", limit=page, offset=middle)
    out["same middle page"] = [h["hit_id"] for h in got] == [h["hit_id"] for h in whole[middle:middle + page]]
out["ids"] = [h["hit_id"] for h in whole]
print(json.dumps(out))
"""


def probe(src: Path, db: Path, page: int, paged: bool) -> dict:
    """Run the probe in checkout ``src`` against ``db``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", PROBE, str(db), str(page), "1" if paged else "0"],
                          cwd=src, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a store with recorded runs (copied, only read)")
    ap.add_argument("--baseline", help="a git ref whose whole-queue read is timed beside this checkout's pages")
    ap.add_argument("--page", type=int, default=100, help="hits on a page")
    ap.add_argument("--workdir", help="where to put the copy of the store (default: a temp folder)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="review-pages-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "store.duckdb"
    shutil.copyfile(args.db, db)
    new = probe(ROOT, db, args.page, paged=True)
    print(f"this checkout: {len(new['ids']):,} open hits")
    for name in ("first page", "page in the middle", "whole queue"):
        print(f"  {name:20} {new[name]['seconds']:8.2f} s ({new[name]['hits']:,} hits)")
    print(f"  the middle page is the whole queue's slice: {'yes' if new['same middle page'] else 'NO'}")
    same = new["same middle page"]
    if args.baseline:
        with baseline_checkout(args.baseline) as src:
            old = probe(src, db, args.page, paged=False)
        print(f"baseline {args.baseline}: whole queue {old['whole queue']['seconds']:8.2f} s "
              f"({old['whole queue']['hits']:,} hits); same open hits in the same order: "
              f"{'yes' if old['ids'] == new['ids'] else 'NO'}")
        same = same and old["ids"] == new["ids"]
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
