"""Time and peak memory of consolidating the bundled lists, and how they grow with input size.

    python benchmarks/consolidate.py [--factors 1,2,4]

Loads the bundled lists into a temporary store, then for each factor k adds k-1 copies of every
entry (source_id suffixed '~i', every name perturbed: one letter doubled, word order rotated, so
copies are near-duplicates that blocking and scoring must handle) and runs consolidate_entities in a
fresh process, reporting wall time and the child's peak resident memory.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from screening.pipeline import load_lists

TABLES = ("entries", "names", "addresses", "identifiers", "birth_dates", "nationalities")
RUN = "import json,sys; from screening.consolidate import consolidate_entities as c; print(json.dumps(c(sys.argv[1]).as_dict()))"


def duplicate(db: Path, copies: int) -> None:
    """Add ``copies`` perturbed copies of every active entry to the store."""
    con = duckdb.connect(str(db))
    for i in range(1, copies + 1):
        for table in TABLES:
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            select = []
            for c in cols:
                if c == "source_id":
                    select.append(f"source_id || '~{i}' AS source_id")
                elif c in ("name", "primary_name"):
                    select.append(_perturb(c, i))
                else:
                    select.append(c)
            con.execute(f"INSERT INTO {table} SELECT {', '.join(select)} FROM {table} "
                        f"WHERE version_id IN (SELECT version_id FROM active_versions) AND source_id NOT LIKE '%~%'")
    con.close()


def _perturb(col: str, i: int) -> str:
    # copy i: double the i-th vowel and move the first word to the end
    doubled = f"regexp_replace({col}, '^(([^aeiouAEIOU]*[aeiouAEIOU]){{{i - 1}}}[^aeiouAEIOU]*)([aeiouAEIOU])', '\\1\\3\\3')"
    return (f"CASE WHEN {col} LIKE '% %' THEN regexp_replace({doubled}, '^(\\S+) (.*)$', '\\2 \\1') "
            f"ELSE {doubled} END AS {col}")


def measure(db: Path) -> dict:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-c", RUN, str(db)], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return {"entries": report["entries"], "entities": report["entities"], "largest_entity": report["largest_entity"],
            "splink_pairs": report["splink_pairs"], "wall_s": round(wall, 2), "inner_s": report["seconds"],
            "peak_rss_mib": round(max(peak_kib, before) / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", default="1,2,4", help="input sizes as multiples of the bundled set")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.duckdb"
        load_lists(base)
        for factor in [int(f) for f in args.factors.split(",")]:
            db = Path(tmp) / f"x{factor}.duckdb"
            shutil.copy(base, db)
            if factor > 1:
                duplicate(db, factor - 1)
            # each size in its own process, so ru_maxrss of the children grows only when the peak does
            results.append({"factor": factor, **measure(db)})
            print(json.dumps(results[-1]), flush=True)
            db.unlink()


if __name__ == "__main__":
    main()
