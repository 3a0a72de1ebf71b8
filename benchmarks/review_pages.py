"""The analysts' queue of a store that has recorded large runs: how long one page of open hits
takes (what `GET /review` and `screening review list --limit --offset` wait for), against the
whole queue read at once, on this checkout and on an older one, in one run.

    python benchmarks/review_pages.py --db STORE [--baseline REF] [--page 100] [--decided 1000]

STORE should hold recorded runs (e.g. after `benchmarks/screen.py` or `benchmarks/screen_spark.py`
recorded a million-row run); it is copied first, and in the copy ``--decided`` hits spread over
the queue are decided as analysts would (one in three confirmed, the rest cleared), so that a page
down the queue has decided hits before it. Each side then runs in a process of its own, timed by
wall clock: the first page, a page in the middle of the queue, a page near its end, and the whole
queue (`open_hits` with and without `limit`; a baseline without pages reads only the whole queue).
Both sides must give the same open hits (their ids are compared), and each page must be the
whole queue's slice.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screen import baseline_checkout  # noqa: E402

PAGES = (("first page", 0.0), ("page in the middle", 0.5), ("page near the end", 0.95))

# Run inside each side's checkout: times open_hits (the whole queue, and pages where the side has them)
PROBE = r"""
import inspect, json, sys, time
from screening.review import open_hits
db, page, wheres = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
paged = "offset" in inspect.signature(open_hits).parameters
out = {"paged": paged}
def timed(name, **kw):
    start = time.perf_counter()
    found = open_hits(db, **kw)
    out[name] = {"seconds": time.perf_counter() - start, "hits": len(found)}
    return found
whole = timed("whole queue")
out["ids"] = [h["hit_id"] for h in whole]
if paged:
    for name, where in wheres:
        offset = int(len(whole) * where)
        got = timed(name, limit=page, offset=offset)
        out[name]["same"] = [h["hit_id"] for h in got] == out["ids"][offset:offset + page]
print(json.dumps(out))
"""


def probe(src: Path, db: Path, page: int) -> dict:
    """Run the probe in checkout ``src`` against ``db``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", PROBE, str(db), str(page), json.dumps(PAGES)],
                          cwd=src, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def decide_spread(db: Path, count: int) -> float:
    """Decide ``count`` open hits spread evenly over the queue (every third confirmed, the rest
    cleared) in one connection; the seconds it took."""
    from screening.review import decide, hits_now, open_review

    start = time.perf_counter()
    con = open_review(db)
    try:
        ids = [h["hit_id"] for h in hits_now(con, open_only=True)]
        step = max(1, len(ids) // max(count, 1))
        for k, hit_id in enumerate(ids[::step][:count]):
            if k % 3 == 0:
                decide(con, hit_id, "true_match", "benchmark", "bench", "same_identity")
            else:
                decide(con, hit_id, "false_positive", "benchmark", "bench", "different_dob")
    finally:
        con.close()
    return time.perf_counter() - start


def report(label: str, side: dict) -> bool:
    """Print one side's times; whether its pages were the whole queue's slices."""
    print(f"{label}: {len(side['ids']):,} open hits")
    same = True
    for name in ("whole queue", *(n for n, _ in PAGES)):
        if name in side:
            slice_ok = side[name].get("same", True)
            same = same and slice_ok
            print(f"  {name:20} {side[name]['seconds']:8.2f} s ({side[name]['hits']:,} hits)"
                  + ("" if slice_ok else "  NOT the whole queue's slice"))
    return same


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a store with recorded runs (copied; the copy gets the decisions)")
    ap.add_argument("--baseline", help="a git ref timed beside this checkout")
    ap.add_argument("--page", type=int, default=100, help="hits on a page")
    ap.add_argument("--decided", type=int, default=1000, help="hits decided in the copy before timing")
    ap.add_argument("--workdir", help="where to put the copy of the store (default: a temp folder)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="review-pages-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "store.duckdb"
    shutil.copyfile(args.db, db)
    if args.decided:
        print(f"{args.decided:,} hits decided in the copy in {decide_spread(db, args.decided):.0f} s")
    new = probe(ROOT, db, args.page)
    same = report("this checkout", new)
    if args.baseline:
        with baseline_checkout(args.baseline) as src:
            old = probe(src, db, args.page)
        same = report(f"baseline {args.baseline}", old) and same
        agree = old["ids"] == new["ids"]
        print(f"same open hits in the same order on both sides: {'yes' if agree else 'NO'}")
        same = same and agree
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
