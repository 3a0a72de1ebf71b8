"""Screen the dev evaluation set and score it with its own scorer.

    python benchmarks/eval_screen.py [--shared ../shared] [--db DB] [--threshold T] [--baseline exact]

Runs ``screening screen <shared>/eval/queries.csv`` through the library (the same code path as
the CLI), writes the hits to a temporary CSV, and prints the output of ``score.py`` at the
product's default threshold (``--threshold`` overrides; ``--sweep`` prints the scorer's full
threshold table). ``--baseline exact`` scores a names-only baseline instead: a hit whenever the
normalised query name equals a listed name exactly.
"""
from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.match import get_matcher  # noqa: E402
from screening.match.features import name_features  # noqa: E402
from screening.match.model import load_config  # noqa: E402
from screening.match.batch import screen_file  # noqa: E402


def exact_baseline(queries: Path, db: str | None, out: Path) -> None:
    """Hits where the normalised query name equals a listed name (no other evidence)."""
    matcher = get_matcher(db)
    by_core: dict[str, set[str]] = {}
    for core, refs in matcher.con.execute(
            "SELECT n.core, e.list_refs FROM match_names n JOIN match_entities e USING (entity_id)").fetchall():
        by_core.setdefault(core, set()).add(refs)
    with queries.open(encoding="utf-8") as fin, out.open("w", newline="", encoding="utf-8") as fout:
        writer = csv.writer(fout)
        writer.writerow(["input_id", "score", "list_refs"])
        for row in csv.DictReader(fin):
            core = name_features(row["name"], row["entity_type"] or None).core
            for refs in sorted(by_core.get(core, ())):
                writer.writerow([row["query_id"], 1.0, refs])


def score_command(eval_dir: Path, hits: Path, threshold: float | None, sweep: bool) -> list[str]:
    """The score.py call: at the threshold the hits were screened at (the product's default unless
    given), so that its report names the threshold in use; a sweep lets score.py pick its own."""
    command = [sys.executable, str(eval_dir / "score.py"), "--expected", str(eval_dir / "expected.csv"),
               "--hits", str(hits)]
    if not sweep:
        command += ["--threshold", str(threshold if threshold is not None else load_config().threshold)]
    return command


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default="../shared", help="folder holding eval/ (default ../shared)")
    ap.add_argument("--db", help="store to use (default: $SCREENING_DB or the per-user store)")
    ap.add_argument("--threshold", type=float, help="hit threshold (default: the product's)")
    ap.add_argument("--sweep", action="store_true", help="also print score.py's threshold table")
    ap.add_argument("--baseline", choices=["exact"], help="score a baseline instead of the product")
    ap.add_argument("--keep", help="keep the hits CSV at this path")
    args = ap.parse_args()
    eval_dir = Path(args.shared) / "eval"
    queries = eval_dir / "queries.csv"
    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp()) / "hits.csv"
    start = time.perf_counter()
    if args.baseline == "exact":
        exact_baseline(queries, args.db, out)
    else:
        threshold = args.threshold if args.threshold is not None else (0.0 if args.sweep else None)
        summary = screen_file(queries, out, "csv", threshold, db=args.db, on_message=lambda m: print(m, file=sys.stderr))
        print(summary.line(), file=sys.stderr)
    print(f"screened in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if args.sweep and args.baseline is None:
        print(f"(default threshold: {load_config().threshold})")
    # the exact baseline's hits all score 1.0: any threshold in (0, 1] scores them the same
    return subprocess.call(score_command(eval_dir, out, args.threshold, args.sweep))


if __name__ == "__main__":
    sys.exit(main())
