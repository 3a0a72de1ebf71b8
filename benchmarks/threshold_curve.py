"""Choose the screen's default threshold: recall and alert rates per threshold, written to
screening/models/screen_threshold_curve.csv.

    python benchmarks/threshold_curve.py [--db DB] [--shared DIR] [--third 3000] [--book 20000] [--seed 29]

Per threshold:

* ``third_country_recall`` / ``third_country_variant_recall``: listed primary names of persons
  and organisations (two words or more) screened verbatim / as a legal-form or word-order
  variant, each with a country that is not its listed one and an unrelated local street address;
  the share that hits its own entity (``benchmarks/synthetic_customers.py``);
* ``book_alert_rate``: the share of a multi-locale legitimate book (Faker) that raises an alert;
* ``dev_recall`` / ``dev_fpr``: the development evaluation set (with ``--shared``), as its own
  scorer counts them.

Seeds differ from those of the training script. Scores are taken at threshold 0 and cut here,
so one screening run gives the whole curve.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening.match import get_matcher, screen_records  # noqa: E402
from screening.match_model import MODELS_DIR  # noqa: E402
from synthetic_customers import LocalAddresses, legit_book, third_country_customers  # noqa: E402

THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 20)]
CURVE_PATH = MODELS_DIR / "screen_threshold_curve.csv"


def own_scores(rows: list[dict], db: str | None) -> list[float]:
    """Per row, the best score of a hit on its own entity (0 when none)."""
    results = screen_records(rows, db=db, threshold=0.0)
    return [max((h.score for h in r.hits if h.entity_id == row["truth"] and h.match_kind != "address"),
                default=0.0) for r, row in zip(results, rows)]


def alert_scores(rows: list[dict], db: str | None) -> list[float]:
    """Per row, the best score of any hit (0 when none)."""
    return [max((h.score for h in r.hits), default=0.0) for r in screen_records(rows, db=db, threshold=0.0)]


def dev_scores(shared: Path, db: str | None) -> tuple[dict[str, float], dict[str, float]]:
    """Per dev match query the best score of an acceptable hit; per no-match query the best score."""
    expected: dict[str, set[str]] = defaultdict(set)
    no_match = set()
    with (shared / "eval" / "expected.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["expect"] == "match":
                expected[row["query_id"]].add(f"{row['source']}:{row['source_id']}")
            else:
                no_match.add(row["query_id"])
    with (shared / "eval" / "queries.csv").open(encoding="utf-8") as handle:
        queries = [{"id": r["query_id"], "name": r["name"], "type": r["entity_type"], "address": r["address"],
                    "country": r["country"], "dob": r["date_of_birth"]} for r in csv.DictReader(handle)]
    results = screen_records(queries, db=db, threshold=0.0)
    match, other = {}, {}
    for query, result in zip(queries, results):
        qid = query["id"]
        if qid in expected:
            match[qid] = max((h.score for h in result.hits if set(h.list_refs.split(";")) & expected[qid]), default=0.0)
        elif qid in no_match:
            other[qid] = max((h.score for h in result.hits), default=0.0)
    return match, other


def share_at(scores, t: float) -> float:
    scores = list(scores)
    return round(sum(1 for s in scores if s >= t) / max(len(scores), 1), 4)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="store with the lists loaded (default: $SCREENING_DB or the per-user store)")
    ap.add_argument("--shared", help="folder holding the dev evaluation set (eval/)")
    ap.add_argument("--third", type=int, default=3000, help="third-country names sampled (0: all)")
    ap.add_argument("--book", type=int, default=20000, help="legitimate book rows")
    ap.add_argument("--seed", type=int, default=29)
    ap.add_argument("--out", default=str(CURVE_PATH))
    args = ap.parse_args()
    con = get_matcher(args.db).con
    columns: dict[str, tuple[list, str]] = {}
    for varied in (False, True):
        rows = third_country_customers(con, args.seed, args.third or None, varied=varied)
        columns["third_country_variant_recall" if varied else "third_country_recall"] = (own_scores(rows, args.db), "ge")
    cores = {r[0] for r in con.execute("SELECT lower(name) FROM match_names").fetchall()}
    book = legit_book(args.book, random.Random(args.seed), cores, LocalAddresses(args.seed + 1000))
    columns["book_alert_rate"] = (alert_scores(book, args.db), "ge")
    if args.shared:
        match, other = dev_scores(Path(args.shared), args.db)
        columns["dev_recall"] = (list(match.values()), "ge")
        columns["dev_fpr"] = (list(other.values()), "ge")
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["threshold", *columns])
        for t in THRESHOLDS:
            writer.writerow([t, *(share_at(scores, t) for scores, _ in columns.values())])
    print(Path(args.out).read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
