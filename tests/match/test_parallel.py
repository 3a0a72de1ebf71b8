"""A batch screened in chunks with worker processes normalising names ahead gives exactly the hits
of the serial screen, row for row and in input order, on a realistic customer file."""
from __future__ import annotations

import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("faker")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import screen as screen_benchmark  # noqa: E402

from screening.match import api  # noqa: E402
from screening.match.cache import get_matcher  # noqa: E402
from screening.match.customers import Customer  # noqa: E402
from screening.match.parallel import (POOL_MIN_ROWS, chunk_values, default_workers, features_ahead,  # noqa: E402
                                      made_ahead)

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
    threads = threading.active_count()
    monkeypatch.setattr(api, "CHUNK_ROWS", 600)  # several chunks, computed ahead by two workers
    parallel = api.screen_records(realistic, db=screen_db, workers=2)
    assert len(parallel) == len(realistic)
    assert [r.row for r in parallel] == list(range(len(realistic)))  # every input row, in input order
    assert [r.input_id for r in parallel] == [c.id for c in realistic]
    assert _flat(parallel) == _flat(serial)
    assert threading.active_count() == threads  # the thread that built chunks ahead is gone
    statuses = {r.status for r in serial}
    assert {"hit", "no_hit", "error"} <= statuses  # the file exercises every outcome
    assert sum(r.status == "hit" for r in serial) >= ROWS // 50  # the list-derived rows do hit


def test_chunk_values_are_distinct_names_and_addresses():
    rows = [Customer(name="Anna Berg", type="person", address="1 Main St"),
            Customer(name="Anna Berg", type="Person", address="1 Main St"),
            Customer(name="Anna Berg", type=None), Customer(name="  "), Customer(name=None, address="2 High St")]
    names, addresses = chunk_values(rows)
    assert names == [("Anna Berg", "person"), ("Anna Berg", None)]
    assert addresses == ["1 Main St", "2 High St"]


def test_without_workers_nothing_is_computed_ahead():
    assert list(features_ahead([[Customer(name="A")], [Customer(name="B")]], workers=0)) == [None, None]


def test_only_a_large_batch_starts_workers():
    assert default_workers(POOL_MIN_ROWS - 1) == 0
    assert default_workers(POOL_MIN_ROWS) >= 1


def test_made_ahead_is_in_order_one_item_ahead_in_another_thread():
    read: list[int] = []

    def items():
        for i in range(5):
            read.append(i)
            yield i

    seen = []
    for item, made in made_ahead(items(), lambda i: (i * i, threading.current_thread().name)):
        seen.append((item, made[0]))
        assert made[1] != threading.current_thread().name  # made in the builder thread
        assert len(read) <= item + 2  # the item consumed and at most the next one
    assert seen == [(i, i * i) for i in range(5)]


def test_an_error_making_an_item_ahead_is_raised_in_order():
    def make(i: int) -> int:
        if i == 2:
            raise ValueError("row 3 is bad")
        return i

    got = []
    with pytest.raises(ValueError, match="row 3 is bad"):
        for item, _ in made_ahead(range(5), make):
            got.append(item)
    assert got == [0, 1]
