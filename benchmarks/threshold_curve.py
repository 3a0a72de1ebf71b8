"""Choose the screen's default threshold: per threshold, dev recall and FPR, third-country recall and
the alert rate on a legitimate book; written to screening/models/screen_threshold_curve.csv.

    python benchmarks/threshold_curve.py --db DB [--shared PATH] [--third N] [--book 20000 | --book-file book.csv]
                                         [--seed 11] [--book-seed 7] [--alerts 50] [--out curve.csv]

Screens, once each and at the lowest threshold of the grid (0.10, 0.15 .. 0.95 and the
default threshold):

* the third-country positives of benchmarks/third_country.py (every listed person and
  organisation name of two words or more, with a country that is not its own and an ordinary
  street address; verbatim and with a legal-form or word-order variant): recall
  (``third_country_recall``, ``third_country_variant_recall``);
* a legitimate customer book (``--book-file``, or ``--book`` rows made by
  benchmarks/legit_book.py): the share of rows with any alert (``book_alert_rate``);
* with ``--shared``, the dev evaluation set (``PATH/eval/queries.csv``, scored with its own
  ``score.py`` as benchmarks/eval_screen.py does): recall, FPR and the weakest category.

A hit found at a low threshold is counted at a higher one by the matcher's own rule, so one pass
gives the whole curve. Prints the table, writes it as CSV (``--out``), and lists ``--alerts``
random book alerts at the product's default threshold for a look. Its seeds differ from those of
the training script (benchmarks/train_screen_model.py).
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import legit_book  # noqa: E402
import third_country  # noqa: E402
from third_country import hit_at  # noqa: E402

from screening.match.files import read_customer_file  # noqa: E402
from screening.match import Customer, RowResult, screen_records  # noqa: E402
from screening.match.model import MODELS_DIR, load_config  # noqa: E402

# 0.10 .. 0.95, and the product's default threshold
GRID = tuple(sorted({round(0.10 + 0.05 * k, 2) for k in range(18)} | {load_config().threshold}))
CURVE_COLUMNS = ("threshold", "third_country_recall", "third_country_variant_recall", "book_alert_rate",
                 "dev_recall", "dev_fpr", "dev_min_category_recall", "dev_min_category")
CURVE_PATH = MODELS_DIR / "screen_threshold_curve.csv"


def screen_path(path: str | Path, db: str | Path, threshold: float) -> tuple[list[RowResult], dict[str, list]]:
    """Read a customer file as ``screening screen`` does and screen it; also return each screening
    field's values (name, address, country...) per row."""
    table = read_customer_file(path)
    fields = table.field_values()
    customers = [Customer(**{key: (values[i] if values else None) for key, values in fields.items()})
                 for i in range(len(table))]
    results = screen_records(customers, db=db, threshold=threshold, read_errors=table.errors)
    return results, {key: values or [None] * len(table) for key, values in fields.items()}


def _load_scorer(shared: Path):
    """The evaluation set's own scorer module (score.py beside queries.csv)."""
    spec = importlib.util.spec_from_file_location("eval_score", shared / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def dev_curve(shared: Path, db: str | Path, floor: float) -> dict[float, dict]:
    """Dev recall, FPR and weakest category per grid threshold, by score.py's Scorer."""
    score = _load_scorer(shared)
    expected = score.load_expected(str(shared / "eval" / "expected.csv"))
    results, _ = screen_path(shared / "eval" / "queries.csv", db, floor)
    out = {}
    for t in GRID:
        hits: dict[str, list] = {}
        order = 0
        for res in results:
            for hit in res.hits:
                if hit_at(hit, t):
                    refs = [tuple(r.split(":", 1)) for r in hit.list_refs.split(";") if r]
                    hits.setdefault(res.input_id, []).append((hit.score, order, refs))
                    order += 1
        at = score.Scorer(expected, hits).at(t)
        cats = {c: v["recall"] for c, v in at["per_category"].items() if v["expect"] == "match"}
        weakest = min(cats, key=cats.__getitem__)
        out[t] = {"dev_recall": at["recall"], "dev_fpr": at["fpr"], "dev_min_category_recall": cats[weakest],
                  "dev_min_category": weakest}
    return out


def third_country_curve(db: str | Path, floor: float, seed: int, sample: int | None) -> dict[float, dict]:
    positives = third_country.make_positives(db, seed, sample)
    results = third_country.screen(positives, db, floor)
    out = {}
    for t in GRID:
        table = third_country.recall_table(positives, results, t)
        verbatim = table["variant=verbatim"]
        variants = [v for k, v in table.items() if k in ("variant=legal_form", "variant=word_order")]
        found, rows = sum(v[0] for v in variants), sum(v[1] for v in variants)
        out[t] = {"third_country_recall": round(verbatim[0] / verbatim[1], 4),
                  "third_country_variant_recall": round(found / rows, 4) if rows else None}
    return out


def book_curve(results: list[RowResult]) -> dict[float, dict]:
    out = {}
    for t in GRID:
        alerts = sum(any(hit_at(h, t) for h in res.hits) for res in results)
        out[t] = {"book_alert_rate": round(alerts / len(results), 5)}
    return out


def sample_alerts(results: list[RowResult], fields: dict[str, list], threshold: float, n: int,
                  seed: int) -> list[str]:
    """``n`` random book rows with an alert at ``threshold``, one line each with their best hit."""
    names, countries = fields["name"], fields["country"]
    alerted = [(res, [h for h in res.hits if hit_at(h, threshold)]) for res in results]
    alerted = [(res, hits) for res, hits in alerted if hits]
    picked = random.Random(seed).sample(alerted, min(n, len(alerted)))
    lines = []
    for res, hits in sorted(picked, key=lambda p: p[0].row):
        best = hits[0]
        lines.append(f"{res.input_id} {names[res.row]!r} ({countries[res.row]}) -> {best.matched_name!r} "
                     f"[{best.list_refs.split(';')[0]}] {best.score:.2f} {best.match_kind}: {best.explanation}")
    return lines


def write_book(rows: int, seed: int, path: Path) -> Path:
    """A legitimate book of ``rows`` customers (benchmarks/legit_book.py) as a CSV at ``path``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["id", "name", "address", "country", "dob", "type"])
        writer.writeheader()
        writer.writerows(legit_book.make_book(rows, seed))
    return path


def print_curve(curve: dict[float, dict]) -> None:
    columns = [c for c in CURVE_COLUMNS if any(curve[t].get(c) is not None for t in GRID)]
    print(" ".join(f"{c[:14]:>14}" for c in columns))
    for t in GRID:
        print(" ".join(f"{curve[t].get(c, ''):>14}" if isinstance(curve[t].get(c), str)
                       else f"{curve[t].get(c) or 0:14.4f}" for c in columns))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a store loaded with 'screening lists load --db DB'")
    ap.add_argument("--shared", help="folder holding eval/ (queries.csv, expected.csv, score.py): adds the dev columns")
    ap.add_argument("--third", type=int, default=0, help="third-country positives from this many entries (0: all)")
    ap.add_argument("--book", type=int, default=20_000, help="legitimate book rows made with legit_book.py")
    ap.add_argument("--book-file", help="screen this legitimate book CSV instead")
    ap.add_argument("--seed", type=int, default=11, help="seed of the third-country positives")
    ap.add_argument("--book-seed", type=int, default=7)
    ap.add_argument("--alerts", type=int, default=50, help="random book alerts to list at the default threshold")
    ap.add_argument("--out", default=str(CURVE_PATH), help="curve CSV to write (default: the product's)")
    args = ap.parse_args()
    floor, default = GRID[0], load_config().threshold
    start = time.perf_counter()
    curve = {t: {"threshold": t} for t in GRID}
    parts = [third_country_curve(args.db, floor, args.seed, args.third or None)]
    if args.shared:
        parts.append(dev_curve(Path(args.shared), args.db, floor))
    with tempfile.TemporaryDirectory() as tmp:
        book = args.book_file or write_book(args.book, args.book_seed, Path(tmp) / "legit_book.csv")
        results, fields = screen_path(book, args.db, floor)
    parts.append(book_curve(results))
    for part in parts:
        for t, values in part.items():
            curve[t].update(values)
    print(f"screened in {time.perf_counter() - start:.0f} s; default threshold {default}", file=sys.stderr)
    print_curve(curve)
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        columns = [c for c in CURVE_COLUMNS if any(curve[t].get(c) is not None for t in GRID)]
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(curve[t] for t in GRID)
    print(f"curve -> {args.out}", file=sys.stderr)
    if args.alerts:
        print(f"\n{args.alerts} random book alerts at threshold {default}:")
        for line in sample_alerts(results, fields, max(default, floor), args.alerts, args.book_seed):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
