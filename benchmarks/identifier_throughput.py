"""Batch throughput with and without customer identifiers, side by side in one run.

    python benchmarks/identifier_throughput.py --db DB [--rows 10000] [--listed-share 0.1]
                                               [--repeats 3] [--seed 7] [--keep FILE]

One realistic customer file: a legitimate book (benchmarks/legit_book.py, mostly distinct names in
twenty locales) and a share of list-derived rows (a listed party holding an identifier, with that
party's real listed identifier: IMO numbers of vessels, passports of people, registration numbers of
companies), half under the party's primary name (a name hit that gains the identifier), half under
a book name (found by the identifier alone). Every row carries an identifier: the book's rows a made-up
passport or registration number that no list holds, so that every row costs a lookup (the worst
case for the identifier path). The identifier columns are named so that no header names a kind
(``ref_passport``... would be guessed): without ``--identifier-column`` they are ordinary columns.

The file is screened end to end (read, screen, write, run recorded) by ``screen_file`` in this
process, alternately without and with the identifier columns (A B A B ...), after one warm-up of
each; the store is copied first, as every screening records a run in it. Reports rows/s of each
screening (wall clock and CPU time of this process), the medians and the cost in percent (the median of
the pairs' ratios; issue 13's target: under 10%),
and how many identifier hits the run with them found. On a shared machine the screenings' times
spread more than that cost, so the identifier work is also timed alone, as the run does it: keying
and validating the file's values, and looking them all up in one query (a lower bound of the cost,
free of the noise), per row and as a share of a row's median screening time.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import duckdb  # noqa: E402

from legit_book import make_book  # noqa: E402
from screening.identifiers import find_listed, normalize_identifier  # noqa: E402
from screening.match import screen_file  # noqa: E402

# file column -> (identifier kind, the entity type whose rows carry it)
ID_COLUMNS = {"doc_a": ("passport", "person"), "doc_b": ("registration", "organization"), "doc_c": ("imo", "vessel")}
COLUMNS = ["id", "name", "address", "country", "dob", "type", *ID_COLUMNS]
LISTED_SQL = """
    SELECT DISTINCT e.primary_name, e.entity_type, i.value
    FROM current_identifiers i
    JOIN current_entries e USING (version_id, source, source_id)
    WHERE i.id_type = ? AND e.entity_type = ? AND e.primary_name IS NOT NULL
    ORDER BY ALL
"""


def listed_rows(db: str, count: int, rng: random.Random, other_names: list[str]) -> list[dict[str, str]]:
    """``count`` rows of listed parties with one of their real listed identifiers, every other one
    under a name of ``other_names``."""
    con = duckdb.connect(db, read_only=True)
    try:
        pools = {col: con.execute(LISTED_SQL, [kind, etype]).fetchall() for col, (kind, etype) in ID_COLUMNS.items()}
    finally:
        con.close()
    rows = []
    for i in range(count):
        col = rng.choice([c for c, pool in pools.items() if pool])
        name, etype, value = rng.choice(pools[col])
        shown = name if i % 2 == 0 else rng.choice(other_names)
        rows.append({"id": f"L{i + 1:06d}", "name": shown, "type": etype, col: value})
    return rows


def book_rows(count: int, seed: int, rng: random.Random) -> list[dict[str, str]]:
    """``count`` legitimate customers, each with a made-up document number of its type."""
    rows = make_book(count, seed)
    for row in rows:
        col = "doc_a" if row["type"] == "person" else "doc_b"
        row[col] = f"{rng.choice('ACKMPX')}{rng.randrange(10 ** 7, 10 ** 8)}"
    return rows


def write_file(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)


def screen_once(path: Path, out: Path, db: str, with_ids: bool) -> tuple[float, float, int]:
    """Wall and CPU seconds (this process, all its threads) of one end-to-end screening of ``path``,
    and its identifier hits."""
    given = [f"{col}={kind}" for col, (kind, _) in ID_COLUMNS.items()] if with_ids else []
    wall, cpu = time.perf_counter(), time.process_time()
    summary = screen_file(path, out, "csv", db=db, identifier_columns=given)
    return time.perf_counter() - wall, time.process_time() - cpu, summary.identifier_hits


def identifier_work(rows: list[dict[str, str]], db: str) -> float:
    """Seconds to key and validate every row's identifier and look them all up (as screening does)."""
    values = [(kind, row[col], row.get("country") or None) for row in rows
              for col, (kind, _) in ID_COLUMNS.items() if row.get(col)]
    con = duckdb.connect(db, read_only=True)
    try:
        find_listed(con, [normalize_identifier("imo", "9187629")])  # builds the listed identifiers once
        start = time.perf_counter()
        keyed = [normalize_identifier(kind, value, country) for kind, value, country in values]
        find_listed(con, keyed)
        return time.perf_counter() - start
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a store with the lists loaded (copied, not changed)")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--listed-share", type=float, default=0.1, help="share of list-derived rows")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", help="also write the customer file here")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "store.duckdb")
        shutil.copyfile(args.db, db)
        listed = round(args.rows * args.listed_share)
        book = book_rows(args.rows - listed, args.seed, rng)
        rows = book + listed_rows(db, listed, rng, [r["name"] for r in book if r["type"] == "organization"])
        rng.shuffle(rows)
        path = Path(tmp) / "customers.csv"
        write_file(rows, path)
        if args.keep:
            shutil.copyfile(path, args.keep)
        out = Path(tmp) / "hits.csv"
        for with_ids in (False, True):  # warm-up: the matcher and the listed identifiers are built once
            screen_once(path, out, db, with_ids)
        times: dict[str, dict[bool, list[float]]] = {"wall": {False: [], True: []}, "cpu": {False: [], True: []}}
        found = 0
        for _ in range(args.repeats):
            for with_ids in (False, True):
                wall, cpu, hits = screen_once(path, out, db, with_ids)
                times["wall"][with_ids].append(wall)
                times["cpu"][with_ids].append(cpu)
                found = hits if with_ids else found
        alone = identifier_work(rows, db)
    names = len({r["name"] for r in rows})
    print(f"{args.rows} rows ({listed} list-derived with real listed identifiers, {names} distinct names), "
          f"every row with one identifier; {args.repeats} repeats, alternating; {found} identifier hits; "
          f"load {os.getloadavg()[0]:.2f}")
    for clock, what in (("wall", "rows/s"), ("cpu", "rows per CPU second")):
        print(f"  {clock} ({what}):")
        for with_ids, label in ((False, "without --identifier-column"), (True, "with --identifier-column")):
            rates = ", ".join(f"{args.rows / s:,.0f}" for s in times[clock][with_ids])
            print(f"    {label:28s} {rates}; median {args.rows / statistics.median(times[clock][with_ids]):,.0f}")
        print(f"    cost of identifiers: {cost_line(times[clock][False], times[clock][True])}")
    per_row = statistics.median(times["cpu"][False]) / args.rows
    print(f"  identifier work alone (keying, validation, one lookup): {1e6 * alone / args.rows:.1f} us/row, "
          f"{100 * alone / args.rows / per_row:.1f}% of a row's median screening CPU time ({1e3 * per_row:.2f} ms)")


def cost_line(without: list[float], with_ids: list[float]) -> str:
    """The added time in percent: the median of the pairs' ratios (pairing keeps a ratio meaningful
    when the machine's speed drifts), each pair's, and the ratio of the medians."""
    pairs = [b / a - 1 for a, b in zip(without, with_ids)]
    medians = statistics.median(with_ids) / statistics.median(without) - 1
    return (f"{100 * statistics.median(pairs):+.1f}% (median of pairs: "
            f"{', '.join(f'{100 * p:+.1f}%' for p in pairs)}; ratio of medians {100 * medians:+.1f}%)")


if __name__ == "__main__":
    main()
