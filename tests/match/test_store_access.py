"""How screening opens the store: the index is built by the load, readers open it read-only,
and a reader waits (bounded) for another process writing the store."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from screening import store
from screening.match import get_matcher, release
from screening.match import index as match_index
from screening.match.index import list_fingerprint, stored_fingerprint
from screening.store import StoreBusy


def test_consolidating_load_leaves_a_fresh_match_index(screen_db):
    con = store.connect(screen_db, read_only=True)
    try:
        assert stored_fingerprint(con) == list_fingerprint(con)
    finally:
        con.close()


@pytest.mark.parametrize("changed", ["data/name_titles.csv", "models/screen_model.json",
                                     "models/screen_config.json"])
def test_reference_data_or_model_change_makes_the_index_stale(screen_db, tmp_path, monkeypatch, changed):
    package = tmp_path / "screening"
    for folder in ("data", "models"):
        shutil.copytree(match_index._PACKAGE / folder, package / folder)
    monkeypatch.setattr(match_index, "_PACKAGE", package)
    con = store.connect(screen_db, read_only=True)
    try:
        match_index.reference_digest.cache_clear()
        same = list_fingerprint(con)
        assert same == stored_fingerprint(con)  # an identical copy: still fresh
        with (package / changed).open("a", encoding="utf-8") as handle:
            handle.write("\n")
        match_index.reference_digest.cache_clear()
        assert list_fingerprint(con) != same
    finally:
        con.close()
        monkeypatch.undo()
        match_index.reference_digest.cache_clear()


def test_matcher_reads_the_store_read_only_and_other_processes_can_read_too(screen_db):
    release(screen_db)
    matcher = get_matcher(screen_db)
    assert not matcher.writable
    assert not matcher.info.rebuilt
    code = f"import duckdb; duckdb.connect({screen_db!r}, read_only=True).execute('SELECT 1').fetchall()"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_reader_waits_then_fails_clearly_while_another_process_writes(tmp_path):
    db = tmp_path / "busy.duckdb"
    store.connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                               "print('held', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        messages: list[str] = []
        start = time.monotonic()
        with pytest.raises(StoreBusy, match="locked by another process"):
            store.connect(db, read_only=True, wait=0.6, on_message=messages.append)
        assert time.monotonic() - start >= 0.6
        assert messages and "busy" in messages[0]
    finally:
        holder.kill()
        holder.wait()
    store.connect(db, read_only=True, wait=5).close()  # free again once the writer is gone


# a fresh store loads the bundled lists; one small source keeps the test quick, the path is the same
_FRESH_STORE_CHECK = """
import sys
from screening import pipeline
real_load = pipeline.load_lists
pipeline.load_lists = lambda db, consolidate=False, **kw: real_load(db, sources=["us_bis_dpl"], consolidate=consolidate)
from screening.cli.main import main
main(sys.argv[1:])
"""


def test_check_on_a_fresh_store_loads_the_lists_then_answers(tmp_path):
    """Loading an empty store closes this process's matchers (release()) while get_matcher() is
    making one: that must not wait on the matcher cache's own lock."""
    db = tmp_path / "new" / "screening.duckdb"
    try:
        done = subprocess.run([sys.executable, "-c", _FRESH_STORE_CHECK, "check", "Abdul Majid Saidi",
                               "--db", str(db)], capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail("`screening check` on a fresh store did not finish (the matcher cache deadlocked)")
    assert "loading the bundled lists first" in done.stderr
    assert done.returncode == 1, done.stderr
    assert "us_bis_dpl:" in done.stdout and "ABDUL MAJID SAIDI" in done.stdout


def test_release_while_another_thread_makes_a_matcher_does_not_block(screen_db, monkeypatch):
    """The cache lock is free while a matcher is being made (the store opened or loaded)."""
    import threading

    from screening.match import cache as match

    release(screen_db)
    opening = threading.Event()
    finish = threading.Event()
    real_open = match.open_store

    def slow_open(*args, **kwargs):
        opening.set()
        finish.wait(30)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(match, "open_store", slow_open)
    maker = threading.Thread(target=get_matcher, args=(screen_db,), daemon=True)
    maker.start()
    assert opening.wait(30)
    releaser = threading.Thread(target=release, args=(screen_db,), daemon=True)
    releaser.start()
    releaser.join(10)
    blocked = releaser.is_alive()
    finish.set()
    maker.join(60)
    assert not blocked, "release() waited for the matcher being made"
    assert not maker.is_alive() and get_matcher(screen_db).info.fingerprint


def test_duckdb_draws_no_progress_bar_of_its_own(screen_db, tmp_path):
    """A statement over two seconds (a checkpoint at commit) must not print DuckDB's bar to a log's stderr."""
    for con in (store.connect(screen_db, read_only=True), store.connect(tmp_path / "new.duckdb"), store.scratch()):
        try:
            assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
        finally:
            con.close()
