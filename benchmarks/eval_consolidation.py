"""Score the consolidation against the labelled pairs of the consolidation dev set.

    python benchmarks/eval_consolidation.py [--shared ../shared/eval/consolidation] [--db STORE]
                                            [--thresholds 0.5,0.9,0.99]

Loads the bundled lists into a temporary store (unless --db), consolidates, exports the members with
`screening lists export --members-only` and runs the set's score_pairs.py on them. Also scores a
names-only exact baseline: entries grouped when their primary names are equal after removing accents,
case and punctuation and sorting the words. With --thresholds the Splink threshold is swept.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
from anyascii import anyascii

from screening.consolidate import THRESHOLD, consolidate_entities
from screening.export import export_entities
from screening.pipeline import load_lists


def score(shared: Path, members: Path) -> dict:
    out = subprocess.run([sys.executable, str(shared / "score_pairs.py"), "--pairs", str(shared / "pairs.csv"),
                          "--members", str(members), "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def baseline_members(db: str, path: Path) -> None:
    """Names-only exact baseline: one group per normalised, word-sorted primary name."""
    con = duckdb.connect(db, read_only=True)
    rows = con.execute("SELECT DISTINCT source, source_id, primary_name FROM current_entries ORDER BY 1, 2").fetchall()
    con.close()
    seen: dict[tuple[str, str], str] = {}
    for source, source_id, name in rows:
        key = " ".join(sorted(re.findall(r"[a-z0-9]+", anyascii(name or "").lower()))) or f"{source}:{source_id}"
        seen.setdefault((source, source_id), key)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["entity_id", "source", "source_id"])
        for (source, source_id), key in seen.items():
            writer.writerow([key, source, source_id])


def summary(result: dict) -> dict:
    """The figures the project tracks, from score_pairs.py --json output."""
    return {
        "pair_recall": result["pair_recall"],
        "macro_recall": result["macro_channel_recall"],
        "false_merge_rate": result["false_merge_rate"],
        "recall_by_channel": {k: _rate(v, "recall") for k, v in result["recall_by_channel"].items()},
        "false_merge_by_channel": {k: _rate(v, "false_merge_rate")
                                   for k, v in result["false_merge_by_channel"].items()},
        "entities": result["clusters"]["entities"],
        "largest_entity": result["clusters"]["max_size"],
        "entities_over_20": result["clusters"]["entities_over_20"],
    }


def _rate(channel: dict, key: str):
    return channel.get(key, channel)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default="../shared/eval/consolidation", help="folder with pairs.csv and score_pairs.py")
    parser.add_argument("--db", help="store with the lists loaded (default: bundled lists in a temp store)")
    parser.add_argument("--thresholds", default=str(THRESHOLD), help="comma-separated Splink thresholds to score")
    args = parser.parse_args()
    shared = Path(args.shared)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "lists.duckdb")
        if not args.db:
            load_lists(db)
        results = {}
        for threshold in [float(t) for t in args.thresholds.split(",")]:
            report = consolidate_entities(db, threshold=threshold)
            members = Path(tmp) / f"members-{threshold}.csv"
            export_entities(members, "csv", db, members_only=True)
            results[f"consolidate@{threshold}"] = {"seconds": report.seconds["total"], **summary(score(shared, members))}
        base = Path(tmp) / "baseline.csv"
        baseline_members(db, base)
        results["names_only_exact_baseline"] = summary(score(shared, base))
        if args.thresholds != str(THRESHOLD):
            consolidate_entities(db)  # leave the store as the product builds it
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
