"""A batch screened in chunks by worker processes gives exactly the hits of the serial screen, row
for row and in input order, on a realistic customer file."""
from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("faker")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import screen as screen_benchmark  # noqa: E402

from screening.match import api  # noqa: E402
from screening.match.cache import get_matcher  # noqa: E402
from screening.match.customers import Customer  # noqa: E402
from screening.match.parallel import (AHEAD, POOL_MIN_ROWS, customer_columns, default_workers,  # noqa: E402
                                      from_columns, screened_in_workers, worker_pool)
from screening.match.selection import Selection  # noqa: E402

ROWS = 2000


@pytest.fixture(scope="module")
def realistic(screen_db: str) -> list[Customer]:
    """A realistic file (legitimate book and list-derived variants) with repeated names, rows that
    cannot be screened and rows of the same name in both type columns."""
    rows = screen_benchmark.realistic_rows(get_matcher(screen_db).con, ROWS, seed=5)
    customers = [Customer(name=r["name"], address=r.get("address"), country=r.get("country"), dob=r.get("dob"),
                          type=r.get("type"), id=r["id"]) for r in rows]
    customers[10] = replace(customers[10], name="")
    customers[11] = replace(customers[11], name="--- ***")
    customers += [replace(c, id=f"D{i}") for i, c in enumerate(customers[100:150])]  # names seen again
    customers.append(replace(customers[0], type="organization" if customers[0].type != "organization" else "person"))
    return customers


def _flat(results) -> list[tuple]:
    return [(r.row, r.input_id, r.status, r.error,
             [(h.entity_id, h.score, h.match_kind, h.matched_name, h.list_refs, h.explanation, h.ofac_score)
              for h in r.hits]) for r in results]


def test_chunked_parallel_screen_equals_serial(realistic, screen_db, monkeypatch):
    serial = api.screen_records(realistic, db=screen_db, workers=0)
    monkeypatch.setattr(api, "CHUNK_ROWS", 600)  # several chunks, screened by two workers
    parallel = api.screen_records(realistic, db=screen_db, workers=2)
    assert len(parallel) == len(realistic)
    assert [r.row for r in parallel] == list(range(len(realistic)))  # every input row, in input order
    assert [r.input_id for r in parallel] == [c.id for c in realistic]
    assert _flat(parallel) == _flat(serial)
    assert not multiprocessing.active_children()  # the workers are gone
    statuses = {r.status for r in serial}
    assert {"hit", "no_hit", "error"} <= statuses  # the file exercises every outcome
    assert sum(r.status == "hit" for r in serial) >= ROWS // 50  # the list-derived rows do hit


def test_only_a_large_batch_starts_workers():
    assert default_workers(POOL_MIN_ROWS - 1) == 0
    assert default_workers(POOL_MIN_ROWS) >= 1


def _chunks(made: list[int], count: int):
    for k in range(count):
        made.append(k)
        yield [Customer(name=f"Anna Berg {k}", id=str(k))]


def test_workers_read_the_chunks_lazily_and_give_them_back_in_order(screen_db):
    """At most workers + AHEAD chunks are out beyond the one being used; results come in order."""
    made: list[int] = []
    seen = []
    with worker_pool(screen_db, 2) as pool:
        assert len(multiprocessing.active_children()) == 2  # started before the first chunk
        for k, (chunk, customers, (errors, _)) in enumerate(
                screened_in_workers(_chunks(made, 6), lambda chunk: chunk, pool, Selection())):
            assert customers == chunk and customers[0].id == str(k)
            assert errors == [None]
            assert len(made) - (k + 1) <= 2 + AHEAD
            seen.append(k)
    assert seen == list(range(6)) and made == list(range(6))
    assert not multiprocessing.active_children()


def test_an_error_in_a_worker_is_raised_in_order(screen_db):
    def chunks():
        yield [Customer(name="Anna Berg")]
        yield [Customer(name="Erik Berg", identifiers=("not an identifier",))]  # fails in the worker
        yield [Customer(name="Olaf Berg")]

    got = []
    with pytest.raises(AttributeError), worker_pool(screen_db, 2) as pool:
        for chunk, _, _ in screened_in_workers(chunks(), lambda chunk: chunk, pool, Selection()):
            got.append(chunk)
    assert got == [[Customer(name="Anna Berg")]]
    assert not multiprocessing.active_children()


def test_chunks_are_shared_evenly_by_the_workers():
    assert api.chunk_rows(1_000_000, 0) == api.CHUNK_ROWS
    assert api.chunk_rows(1_000_000, 2) == api.CHUNK_ROWS
    assert api.chunk_rows(20_000, 2) == 10_000  # one chunk each, not one chunk for one worker
    assert api.chunk_rows(30_000, 2) == 15_000
    assert api.chunk_rows(60_000, 2) == 15_000  # four chunks, not 25,000 + 25,000 + 10,000
    assert api.chunk_rows(30_000, 0) == 15_000  # two chunks of one size either way
    assert api.chunk_rows(1, 2) == 1 and api.chunk_rows(0, 2) == 1


def test_a_worker_that_dies_is_said(screen_db):
    """A worker killed mid-batch (out of memory, say) ends the batch with an error naming it, not a
    pool's internals; no result of the lost chunks is made up."""
    made: list[int] = []
    with pytest.raises(RuntimeError, match="stopped abruptly"), worker_pool(screen_db, 2) as pool:
        batch = screened_in_workers(_chunks(made, 40), lambda chunk: chunk, pool, Selection())
        next(batch)
        for child in multiprocessing.active_children():
            child.kill()
        for _ in batch:
            pass
    assert len(made) < 40
    assert not multiprocessing.active_children()


def _mark_then_sleep(path: str, seconds: float) -> None:
    """A worker's task: say it runs (a file), then take long."""
    Path(path).touch()
    time.sleep(seconds)


def test_an_interrupted_batch_stops_its_workers_at_once(screen_db, tmp_path):
    """Ctrl-C during a batch: the workers stop with it, their chunks unfinished, instead of the
    batch waiting for every chunk out (here, tasks of a minute each)."""
    marks = [tmp_path / f"task{i}" for i in range(2)]
    with pytest.raises(KeyboardInterrupt), worker_pool(screen_db, 2) as pool:
        busy = [pool.executor.submit(_mark_then_sleep, str(mark), 60) for mark in marks]
        while not all(mark.exists() for mark in marks):  # both workers busy
            time.sleep(0.1)
        started = time.monotonic()
        raise KeyboardInterrupt
    assert time.monotonic() - started < 30
    assert not any(future.done() and not future.cancelled() and future.exception() is None for future in busy)
    assert not multiprocessing.active_children()


def test_a_script_without_a_main_guard_is_told_what_to_do(screen_db, tmp_path):
    """A script that screens with workers at its top level breaks them (each imports the script
    again, and Python refuses a new process there): the error names the guard the script needs,
    not only a worker that stopped."""
    script = tmp_path / "screen_unguarded.py"
    script.write_text("import screening\n"
                      f"screening.screen_records([{{'name': 'Anna Berg'}}], db={screen_db!r}, workers=2)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    said = [line for line in done.stderr.splitlines() if line.startswith("RuntimeError: a worker process")]
    assert done.returncode != 0 and said
    assert "if __name__ == \"__main__\":" in said[-1]
    guarded = tmp_path / "screen_guarded.py"
    guarded.write_text("import screening\n"
                       "if __name__ == '__main__':\n"
                       f"    print(screening.screen_records([{{'name': 'Anna Berg'}}], db={screen_db!r}, workers=2)[0].status)\n")
    done = subprocess.run([sys.executable, str(guarded)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["no_hit"]


def test_a_chunk_goes_to_a_worker_as_columns_and_comes_back_the_same(realistic):
    from screening.identifiers import normalize_identifier
    chunk = realistic[:50] + [Customer(name="Acme", identifiers=(normalize_identifier("lei", "5493001KJTIIGC8Y1R12"),))]
    columns = customer_columns(chunk)
    assert len(columns) == 7 and all(len(values) == len(chunk) for values in columns)
    assert from_columns(columns) == chunk
    assert from_columns(customer_columns([])) == []
