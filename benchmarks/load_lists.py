"""Time and peak memory of loading the whole bundled list set into a fresh store.

Usage: python benchmarks/load_lists.py [--runs 3] [--keep PATH]
Prints wall seconds per run, the median, and the process's peak RSS (MiB).
Target: under 20 s and under 1 GiB on a 2-core machine.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from screening.pipeline import load_lists
from screening.sources import all_sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bundled = [s.name for s in all_sources() if s.bundled]
    times = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            outcome = load_lists(Path(tmp) / "bench.duckdb", bundled)
            times.append(time.perf_counter() - start)
        failed = [o.source for o in outcome if o.status != "loaded"]
        entries = sum(o.entries for o in outcome)
        print(f"run {run + 1}: {times[-1]:.2f} s, {len(outcome)} sources, {entries} entries, failed: {failed or 'none'}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load_lists (parse + load, no consolidation): median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}); peak RSS {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
