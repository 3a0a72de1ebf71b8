"""What the store commands say when there is no store, or another process holds it."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening import store
from screening.cli.main import main

READERS = [
    ["lists", "stats"],
    ["lists", "issues"],
    ["lists", "show", "us_bis_dpl", "X1"],
    ["entity", "show", "E000000000000"],
    ["lists", "versions", "us_ofac_sdn"],
    ["lists", "diff", "us_ofac_sdn"],
    ["lists", "rollback", "us_ofac_sdn"],
    ["lists", "consolidate"],
    ["lists", "export", "-o", "out.csv"],
]


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_store_is_one_line_exit_2_and_nothing_created(tmp_path: Path, command: list[str]):
    db = tmp_path / "none" / "s.duckdb"
    result = CliRunner().invoke(main, command + ["--db", str(db)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert result.stderr == f"error: no screening store at {db}: run `screening lists load` first\n"
    assert not db.parent.exists()


@pytest.mark.parametrize("command", READERS + [["check", "Rosneft"], ["lists", "load", "--source", "us_bis_dpl"],
                                     ["lists", "refresh", "--source", "us_bis_dpl"]],
                         ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("content", [b"", b"not a database\n"], ids=["empty", "text"])
def test_a_file_that_is_not_a_store_is_one_line_exit_2_and_left_alone(tmp_path: Path, command: list[str],
                                                                      content: bytes):
    db = tmp_path / "s.duckdb"
    db.write_bytes(content)
    result = CliRunner().invoke(main, command + ["--db", str(db)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert result.stderr.splitlines()[-1] == (f"error: {db} is not a screening store (not a DuckDB database file): "
                                              "give another --db path, or remove the file and run `screening lists load`")
    assert db.read_bytes() == content


@pytest.fixture
def held_store(tmp_path: Path):
    """A store held read-write by another process; yields (db, that process)."""
    db = tmp_path / "busy.duckdb"
    store.connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                               "print('held', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield db, holder
    finally:
        holder.kill()
        holder.wait()


def test_busy_store_names_its_holder_after_the_wait_given(held_store):
    db, holder = held_store
    start = time.monotonic()
    result = CliRunner().invoke(main, ["lists", "stats", "--db", str(db), "--wait", "0.5"])
    waited = time.monotonic() - start
    assert result.exit_code == 1
    assert 0.5 <= waited < 10
    line = result.stderr.strip()
    assert "\n" not in line
    assert f"PID {holder.pid} (" in line and "writing it" in line and "waited 0.5 s" in line
    assert "load or refresh?" not in line


@pytest.mark.parametrize("command", [["check", "Ivan Petrov"], ["screen", "{csv}", "-o", "{out}"], ["rescreen"],
                                     ["customers", "add", "{csv}"]], ids=lambda c: c[0])
def test_screening_commands_take_wait_too(held_store, tmp_path: Path, command: list[str]):
    db, holder = held_store
    csv = tmp_path / "customers.csv"
    csv.write_text("id,name\nC1,Ivan Petrov\n", encoding="utf-8")
    args = [a.format(csv=csv, out=tmp_path / "hits.csv") for a in command]
    start = time.monotonic()
    result = CliRunner().invoke(main, args + ["--db", str(db), "--wait", "0.3"])
    assert 0.3 <= time.monotonic() - start < 10
    assert result.exit_code == 2, result.output
    assert f"PID {holder.pid} (" in result.stderr and "waited 0.3 s" in result.stderr


def test_lock_wait_comes_from_the_environment(held_store, monkeypatch):
    db, holder = held_store
    monkeypatch.setenv(store.LOCK_WAIT_ENV, "0.3")
    start = time.monotonic()
    with pytest.raises(store.StoreBusy, match=f"PID {holder.pid} "):
        store.connect(db, read_only=True)
    assert 0.3 <= time.monotonic() - start < 10
    monkeypatch.setenv(store.LOCK_WAIT_ENV, "soon")
    bad = CliRunner().invoke(main, ["lists", "stats", "--db", str(db)])
    assert bad.exit_code == 2 and "SCREENING_LOCK_WAIT='soon': not a number of seconds" in bad.stderr


def test_a_reader_holding_the_store_is_named_as_a_reader(tmp_path: Path):
    db = tmp_path / "read.duckdb"
    store.connect(db).close()
    reader = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}, "
                               "read_only=True); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "held"
        with pytest.raises(store.StoreBusy) as caught:
            store.connect(db, wait=0.2)
        assert f"PID {reader.pid} (" in str(caught.value) and "reading it" in str(caught.value)
    finally:
        reader.kill()
        reader.wait()
