"""Train the consolidation model (screening/models/consolidate_model.json) on the bundled lists.

    python benchmarks/train_consolidate_model.py [--db STORE] [--out PATH]

Without --db the bundled lists are loaded into a temporary store first. The settings (comparisons,
blocking, training method) are documented in the docstring of screening/consolidate.py.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from screening.consolidate import MODEL_PATH, train_model
from screening.pipeline import load_lists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="store with the lists loaded (default: load the bundled lists into a temp store)")
    parser.add_argument("--out", default=str(MODEL_PATH), help="model JSON to write")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "lists.duckdb")
        if not args.db:
            load_lists(db)
        model = train_model(db, args.out)
    print(json.dumps(model["consolidate_training"], indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
