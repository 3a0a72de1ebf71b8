"""A run's hits are stored a batch at a time (a large batch has more than memory holds), and keep
what one insert of them all kept: the same rows, the same order, the same counts."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from screening.match.batch import screen_file
from screening.report import SpilledOutput
from screening.review import runs


def _kept(db: Path, run_id: int) -> tuple[list[tuple], tuple]:
    """A run's hits in the order kept (without their ids) and its counts."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        hits = con.execute("SELECT * EXCLUDE (hit_id, run_id) FROM review_hits WHERE run_id = ? ORDER BY hit_id",
                           [run_id]).fetchall()
        counts = con.execute("SELECT rows, hit_rows, hits, cleared FROM review_runs WHERE run_id = ?",
                             [run_id]).fetchone()
        return hits, counts
    finally:
        con.close()


def test_hits_stored_in_batches_are_the_hits_of_one_insert(db: Path, customers: Path, tmp_path: Path, monkeypatch):
    whole = screen_file(customers, tmp_path / "whole.csv", db=db).run_id
    monkeypatch.setattr(runs, "HIT_BATCH", 1)
    batched = screen_file(customers, tmp_path / "batched.csv", db=db).run_id
    hits, counts = _kept(db, batched)
    assert (hits, counts) == _kept(db, whole)
    assert counts == (4, 3, 3, 0) and [h[0] for h in hits] == sorted(h[0] for h in hits)


def test_a_batch_never_splits_an_input_row():
    hits = [{"input_row": r, "entity_id": e} for r, e in [(1, "a"), (1, "b"), (2, "a"), (3, "c"), (3, "a"), (3, "b")]]
    batches = list(runs._row_batches(iter(hits), 2))
    assert [[h["input_row"] for h in b] for b in batches] == [[1, 1], [2, 3, 3, 3]]
    assert [h for b in batches for h in b] == hits


def _run_count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM review_runs").fetchone()[0]
    finally:
        con.close()


def test_a_batch_whose_output_fails_records_no_run(db: Path, customers: Path, tmp_path: Path, monkeypatch):
    """The output is written while the run is recorded; the record is kept only once the output
    and its context file are written."""
    kept = screen_file(customers, tmp_path / "first.csv", db=db)
    assert kept.run_id is not None and (tmp_path / "first.csv.context.json").exists()
    before = _run_count(db)

    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SpilledOutput, "write", full_disk)
    with pytest.raises(OSError, match="No space left"):
        screen_file(customers, tmp_path / "second.csv", db=db)
    assert _run_count(db) == before
    assert not (tmp_path / "second.csv").exists() and not (tmp_path / "second.csv.context.json").exists()
