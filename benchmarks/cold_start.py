"""A first run's wait: ``screening lists load`` into an empty store (parse, load, consolidate, build
the match index), or a first ``screening screen FILE`` on an empty store (which loads the bundled
lists first), on this checkout and on ``--baseline REF``, in turn (A B A B ...).

    python benchmarks/cold_start.py [--runs 5] [--baseline REF] [--screen FILE] [--results RESULTS.md]

Each run is a fresh process of the side's checkout with a new empty store (``SCREENING_DB``).
Reported per side: median, min and max wall seconds, the median CPU seconds (the process and its
children) and the median peak RSS of the largest process. With ``--screen``, both sides' hits files
of the last run are compared byte for byte.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from screen import baseline_checkout, load_average  # noqa: E402

# runs the command, then prints the peak RSS (KiB) and CPU seconds of its process tree's children
WRAPPER = ("import resource,subprocess,sys;r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL).returncode;"
           "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
           "sys.stderr.write('\\nPEAK_KIB %d %.2f\\n' % (u.ru_maxrss, u.ru_utime + u.ru_stime));sys.exit(r)")


def one_run(src: Path, work: Path, side: str, screen_file: Path | None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MiB of one cold command of checkout ``src``."""
    db = work / f"{side}.duckdb"
    for stale in work.glob(f"{side}.duckdb*"):
        stale.unlink()
    command = ["lists", "load"] if screen_file is None else [
        "screen", str(screen_file), "-o", str(work / f"{side}.hits.csv")]
    env = dict(os.environ, PYTHONPATH=str(src), SCREENING_DB=str(db))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-m", "cli.main", *command],
                          cwd=src, env=env, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{side}: {' '.join(command)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    peak, cpu = next(line.split()[1:] for line in reversed(proc.stderr.splitlines()) if line.startswith("PEAK_KIB"))
    return seconds, float(cpu), int(peak) / 1024


def summary(side: str, runs: list[tuple[float, float, float]]) -> str:
    walls = [r[0] for r in runs]
    return (f"| {side} | {statistics.median(walls):.1f} | {min(walls):.1f} | {max(walls):.1f} "
            f"| {statistics.median(r[1] for r in runs):.1f} | {statistics.median(r[2] for r in runs):.0f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", help="a git ref timed in turn with this checkout (e.g. main)")
    ap.add_argument("--screen", help="time a first `screening screen FILE` instead of `lists load`")
    ap.add_argument("--results", help="write the table as Markdown here")
    args = ap.parse_args()
    screen_file = Path(args.screen).resolve() if args.screen else None
    runs: dict[str, list] = {"new": []}
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp, \
            (baseline_checkout(args.baseline) if args.baseline else nullcontext()) as old:
        work = Path(tmp)
        sides = [("new", ROOT)] + ([("baseline", old)] if old else [])
        for run in range(args.runs):
            for side, src in sides:
                runs.setdefault(side, []).append(one_run(src, work, side, screen_file))
                print(f"run {run + 1} {side}: {runs[side][-1][0]:.1f} s", flush=True)
        same = (filecmp.cmp(work / "new.hits.csv", work / "baseline.hits.csv", shallow=False)
                if screen_file and old else None)
    what = f"`screening screen {args.screen}` on an empty store" if screen_file else "`screening lists load` into an empty store"
    lines = [f"{what}, {args.runs} runs per side in turn; load average {load_average()} at the end.", "",
             "| side | median s | min s | max s | CPU s (median) | peak RSS MiB (median) |",
             "|---|---:|---:|---:|---:|---:|"] + [summary(side, r) for side, r in runs.items()]
    if same is not None:
        lines += ["", f"same hits file byte for byte: {'yes' if same else 'NO'}"]
    print("\n".join(lines))
    if args.results:
        Path(args.results).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0 if same is not False else 1


if __name__ == "__main__":
    sys.exit(main())
