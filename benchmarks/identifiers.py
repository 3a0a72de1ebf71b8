"""Identifier benchmark: the per-row cost of keying and validating customer identifiers, of
keying the list side, and of looking identifiers up in it.

    python benchmarks/identifiers.py --db DB [--rows 100000] [--seed 3]

The customer identifiers are drawn from the store's own listed identifiers (every kind, in their
proportions on the lists), half of them altered by one character (so that the lookups also miss
and validation also fails), written as customers write them (lower case, spaces). Reports the list
side build (sql/list_identifiers.sql), keying + python-stdnum validation per value, and
find_listed over the whole batch, each in microseconds per row: the yardstick, once identifiers are
wired into screening, is a batch's screening time per row (benchmarks/screen.py; about 1.5 ms per
row for 5,000 rows).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from screening.identifiers import build_list_identifiers, find_listed, normalize_identifier  # noqa: E402


def customer_values(con: duckdb.DuckDBPyConnection, rows: int, seed: int) -> list[tuple[str, str, str | None]]:
    """(kind, value, country) drawn from the listed identifiers, half altered by one character."""
    listed = con.execute("SELECT kind, value, country_code FROM list_identifiers ORDER BY ALL").fetchall()
    rng = random.Random(seed)
    out = []
    for _ in range(rows):
        kind, value, country = rng.choice(listed)
        if rng.random() < 0.5 and value:
            at = rng.randrange(len(value))
            value = value[:at] + rng.choice("0123456789") + value[at + 1:]
        out.append((kind, value.lower().replace("-", " "), country))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a store with the lists loaded and consolidated")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    con = duckdb.connect(args.db, read_only=True)
    start = time.perf_counter()
    listed = build_list_identifiers(con)
    build = time.perf_counter() - start
    values = customer_values(con, args.rows, args.seed)
    start = time.perf_counter()
    keyed = [normalize_identifier(kind, value, country) for kind, value, country in values]
    keying = time.perf_counter() - start
    start = time.perf_counter()
    found = find_listed(con, keyed)
    lookup = time.perf_counter() - start
    invalid = sum(k.valid is False for k in keyed)
    hits = len({r["qid"] for r in found})
    print(f"list side: {listed} identifiers keyed in {build:.2f} s")
    print(f"{args.rows} customer identifiers: keyed and validated in {keying:.2f} s "
          f"({1e6 * keying / args.rows:.1f} us/row; {invalid} invalid)")
    print(f"looked up in {lookup:.2f} s ({1e6 * lookup / args.rows:.1f} us/row; {hits} found on the lists)")


if __name__ == "__main__":
    main()
