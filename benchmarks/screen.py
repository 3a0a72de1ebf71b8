"""Batch screening benchmark on realistic customer files, old and new code side by side.

    python benchmarks/screen.py --db STORE [--sizes 100000,1000000] [--baseline REF] [--workdir DIR]

Each file mixes the legitimate customer book (benchmarks/legit_book.py: Faker, twenty locales,
mostly distinct names) with list-derived variants (benchmarks/synthetic_customers.py, 10% of the
rows), shuffled, so that nearly every row carries a name the matcher has not seen: the way a new
user's book is screened. Files are made once per size and seed and kept in the work folder.

Every file is screened end to end by a fresh ``screening screen FILE -o OUT.csv`` process
(reading, screening, writing), on this checkout and, with ``--baseline REF``, on REF checked out
into a temporary git worktree, on the same files, each side with its own copy of the store whose
match index a probe screening builds before any timing (a side that cannot read the store's
format gets its own store, built by its own ``lists load``). Reported per file and side:
rows/s, wall time, CPU time (user + system, the child and its workers: steadier than wall time
on a shared machine), peak RSS of the largest process, peak RSS of the whole process tree (the
screening process and its workers, summed, sampled every ``TREE_SAMPLE_SECONDS``), the
share of distinct names in the file, and whether both sides wrote the same hits (byte for byte,
``cmp``). ``--results FILE`` writes the table as Markdown with the command and the load average.
"""
from __future__ import annotations

import argparse
import csv
import filecmp
import os
import random
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

LISTED_SHARE = 0.1  # rows derived from listed names
COLUMNS = ["customer_id", "name", "entity_type", "address", "country", "date_of_birth"]
BOOK_PART = 50_000  # book rows made per seed: a million rows are made in parts, each reproducible
TREE_SAMPLE_SECONDS = 0.5  # how often the process tree's memory is sampled


@dataclass
class Run:
    """One screening of one file by one side."""

    side: str
    rows: int
    seconds: float
    peak_mib: float
    tree_peak_mib: float  # the whole process tree's RSS, summed, at its sampled peak
    cpu_seconds: float  # user + system time of the child and its worker processes
    summary: str
    output: Path

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def realistic_rows(con, n: int, seed: int) -> list[dict]:
    """``n`` customers: the legitimate book with ``LISTED_SHARE`` list-derived variants, shuffled."""
    from legit_book import make_book
    from synthetic_customers import LocalAddresses, listed_variants

    rng = random.Random(seed)
    n_listed = int(n * LISTED_SHARE)
    rows = listed_variants(con, n_listed, rng, LocalAddresses(seed))
    book: list[dict] = []
    part = 0
    while len(book) < n - n_listed:
        book += make_book(min(BOOK_PART, n - n_listed - len(book)), seed * 1000 + part)
        part += 1
    rows += book
    rng.shuffle(rows)
    for i, row in enumerate(rows, start=1):
        row["id"] = f"C{i:07d}"
    return rows


def write_file(rows: list[dict], path: Path) -> None:
    """The customer CSV ``screening screen`` reads (columns named as a customer export would)."""
    tmp = path.with_suffix(".part")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r["id"], r["name"], r.get("type") or "", r.get("address") or "",
                             r.get("country") or "", r.get("dob") or ""])
    tmp.replace(path)


def distinct_share(path: Path) -> float:
    """Distinct names / rows of a customer file."""
    with path.open(encoding="utf-8", newline="") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    return len(set(names)) / len(names)


def make_file(db: str, size: int, seed: int, work: Path) -> Path:
    """The realistic file of ``size`` rows (made once, kept in ``work``)."""
    path = work / f"realistic_{size}_{seed}.csv"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        import duckdb

        con = duckdb.connect(db, read_only=True)
        try:
            write_file(realistic_rows(con, size, seed), path)
        finally:
            con.close()
    return path


@contextmanager
def baseline_checkout(ref: str) -> Iterator[Path]:
    """``ref`` checked out into a temporary git worktree (removed afterwards)."""
    where = Path(tempfile.mkdtemp(prefix="screen-baseline-")) / "src"
    subprocess.run(["git", "worktree", "add", "--detach", str(where), ref], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        yield where
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT, capture_output=True)
        shutil.rmtree(where.parent, ignore_errors=True)


def screen_command(src: Path, db: str, path: Path, out: Path) -> list[str]:
    """``screening screen`` of the checkout ``src`` (its own sources first on the path)."""
    return [sys.executable, "-m", "cli.main", "screen", str(path), "-o", str(out), "--db", db]


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            out.setdefault(ppid, []).append(int(entry.name))
    return out


def tree_rss_kib(root: int) -> int:
    """The summed RSS of ``root``'s descendants (not ``root`` itself), in KiB."""
    children, total = _children(), 0
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process's descendants until stopped; ``peak_kib`` the largest sample."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak_kib, self.done = root, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(TREE_SAMPLE_SECONDS):
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.root))


def run_screen(side: str, src: Path, db: str, path: Path, rows: int) -> Run:
    """Screen ``path`` in a fresh process of checkout ``src``; wall time, the child's peak RSS and the
    sampled peak of its process tree (the child and its workers)."""
    out = path.with_name(f"{path.stem}.{side}.hits.csv")
    env = dict(os.environ, PYTHONPATH=str(src))
    # peak RSS of this one child: measured through a wrapper, as RUSAGE_CHILDREN keeps the maximum
    # of every child so far
    wrapper = [sys.executable, "-c",
               "import resource,subprocess,sys;r=subprocess.run(sys.argv[1:]).returncode;"
               "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
               "sys.stderr.write('\\nPEAK_KIB %d %.2f\\n' % (u.ru_maxrss, u.ru_utime + u.ru_stime));"
               "sys.exit(r)"]
    start = time.perf_counter()
    proc = subprocess.Popen(wrapper + screen_command(src, db, path, out), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=src)
    sampler = TreeSampler(proc.pid)  # the wrapper's descendants: the screening process and its workers
    sampler.start()
    _, stderr = proc.communicate()
    sampler.done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    lines = stderr.strip().splitlines()
    # only a run that wrote its output counts (a baseline's CLI may exit 1, as for hits, on a crash)
    if proc.returncode not in (0, 1) or not out.exists() or not any(" screened, " in line for line in lines):
        raise SystemExit(f"{side}: screen failed ({proc.returncode}): {stderr[-2000:]}")
    peak, cpu = next(line.split()[1:] for line in reversed(lines) if line.startswith("PEAK_KIB"))
    summary = next((line for line in reversed(lines) if "rows:" in line), "")
    return Run(side, rows, seconds, int(peak) / 1024, sampler.peak_kib / 1024, float(cpu), summary, out)


def prepare_store(src: Path, db: str, side: str, work: Path) -> str:
    """The store a side screens with: its own copy of ``db``, whose match index a probe screening
    brings up to date for the side's code before any timing (the index's fingerprint covers the
    model and reference files: two sides sharing one store would rebuild it in turn inside the
    timed runs); a store the side's code cannot read is replaced by its own ``lists load``."""
    own = str(work / f"store.{side}.duckdb")
    shutil.copyfile(db, own)
    probe = work / "probe.csv"
    probe.write_text("name\nJohn Smith\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.run([sys.executable, "-m", "cli.main", "screen", str(probe), "-o", str(work / "probe.out.csv"),
                           "--db", own], capture_output=True, text=True, env=env, cwd=src)
    if proc.returncode in (0, 1):
        return own
    print(f"{side}: cannot screen with {db} ({proc.stderr.strip().splitlines()[-1:]}), building {own}", flush=True)
    Path(own).unlink()
    subprocess.run([sys.executable, "-m", "cli.main", "lists", "load", "--db", own], env=env, cwd=src, check=True)
    return own


def table(results: list[tuple[int, float, list[Run], bool | None]]) -> list[str]:
    """The results as Markdown table rows."""
    out = ["| rows | distinct names | side | seconds | rows/s | CPU seconds | peak RSS (MiB) | process tree (MiB) "
           "| same hits as baseline |",
           "|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for size, share, runs, same in results:
        for run in runs:
            cell = "" if run.side == "baseline" or same is None else ("yes (cmp)" if same else "NO")
            out.append(f"| {size:,} | {share:.1%} | {run.side} | {run.seconds:,.1f} | {run.rate:,.0f} | "
                       f"{run.cpu_seconds:,.0f} | {run.peak_mib:,.0f} | {run.tree_peak_mib:,.0f} | {cell} |")
    return out


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="the store both sides screen with, each a copy of it (made by `screening lists load`)")
    ap.add_argument("--sizes", default="100000,1000000", help="rows per file, comma-separated")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--baseline", help="a git ref screened on the same files (e.g. main)")
    ap.add_argument("--workdir", help="where the customer files and outputs go (default: a temp folder)")
    ap.add_argument("--results", help="write the table as Markdown here")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="screen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = []
    with (baseline_checkout(args.baseline) if args.baseline else _nothing()) as base_src:
        base_db = prepare_store(base_src, args.db, "baseline", work) if base_src else None
        new_db = prepare_store(ROOT, args.db, "new", work)
        for size in sizes:
            start = time.perf_counter()
            path = make_file(args.db, size, args.seed, work)
            share = distinct_share(path)
            print(f"{size:,} rows ({share:.1%} distinct names): file ready in {time.perf_counter() - start:.0f} s, "
                  f"load average {load_average()}", flush=True)
            runs = []
            if base_src:
                runs.append(run_screen("baseline", base_src, base_db, path, size))
                print(f"  baseline {runs[-1].rate:8,.0f} rows/s, {runs[-1].seconds:7.1f} s, CPU {runs[-1].cpu_seconds:,.0f} s, "
                      f"peak {runs[-1].peak_mib:,.0f} MiB, tree {runs[-1].tree_peak_mib:,.0f} MiB\n    {runs[-1].summary}", flush=True)
            runs.append(run_screen("new", ROOT, new_db, path, size))
            print(f"  new      {runs[-1].rate:8,.0f} rows/s, {runs[-1].seconds:7.1f} s, CPU {runs[-1].cpu_seconds:,.0f} s, "
                  f"peak {runs[-1].peak_mib:,.0f} MiB, tree {runs[-1].tree_peak_mib:,.0f} MiB\n    {runs[-1].summary}", flush=True)
            same = filecmp.cmp(runs[0].output, runs[-1].output, shallow=False) if base_src else None
            if same is not None:
                print(f"  same hits file as the baseline (cmp): {'yes' if same else 'NO'}", flush=True)
            results.append((size, share, runs, same))
    lines = table(results)
    print("\n".join(lines))
    if args.results:
        command = "python benchmarks/screen.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        Path(args.results).write_text(
            "\n".join([f"# Batch screening benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
                       f"Command: `{command}`", "", f"Load average at the end: {load_average()} "
                       f"({os.cpu_count()} cores)", "", *lines, ""]), encoding="utf-8")
    return 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


if __name__ == "__main__":
    sys.exit(main())
