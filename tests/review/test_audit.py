"""The audit trail: every run and decision an event in a hash chain that tells an edit or a deletion."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from screening.audit import chain
from screening.cli.main import main
from screening.review import decide_hit, hits_now, open_review
from screening.match.batch import screen_file
from screening.match.model import load_config


def _trail(db: Path, customers: Path, tmp_path: Path) -> None:
    """Two screenings and a decision between them."""
    run = screen_file(customers, tmp_path / "one.csv", "csv", db=db).run_id
    con = open_review(db, read_only=True)
    try:
        hit = next(h["hit_id"] for h in hits_now(con, run) if h["input_id"] == "K1")
    finally:
        con.close()
    decide_hit(db, hit, "false_positive", "other date of birth", "alice", "different_dob", channel="cli")
    screen_file(customers, tmp_path / "two.csv", "csv", db=db)


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_runs_and_decisions_are_logged_with_who_when_and_what(db: Path, customers: Path, tmp_path: Path):
    _trail(db, customers, tmp_path)
    result = _cli("audit", "log", "--json", "--db", str(db))
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.output.splitlines()]
    runs = [e for e in events if e["kind"] == "run"]
    assert [e["kind"] for e in events if e["kind"] != "list_change"] == ["run", "decision", "run"]
    first = runs[0]["data"]
    assert first["input_file"] == "customers.csv" and len(first["input_sha256"]) == 64
    assert first["rows"] == 4 and first["hits"] == 3 and first["cleared"] == 0
    assert first["list_versions"]["us_ofac_sdn"]["version"] == "2023-12-28"
    assert first["settings"]["threshold"]["default"] == load_config().threshold and first["settings"]["model"]["file"]
    assert first["selection"]["screened"] == ["us_ofac_sdn"]
    assert runs[1]["data"]["cleared"] == 1
    decision = next(e for e in events if e["kind"] == "decision")
    assert decision["actor"] == "alice" and decision["data"]["verdict"] == "false_positive"
    later = _cli("audit", "log", "--since", "2999-01-01", "--db", str(db))
    assert later.exit_code == 0 and later.output == ""


def test_audit_verify_names_an_event_edited_in_the_database(db: Path, customers: Path, tmp_path: Path):
    _trail(db, customers, tmp_path)
    intact = _cli("audit", "verify", "--db", str(db))
    assert intact.exit_code == 0 and "audit trail intact" in intact.output
    con = duckdb.connect(str(db))
    seq = con.execute("SELECT seq FROM audit_events WHERE kind = 'decision'").fetchone()[0]
    con.execute("UPDATE audit_events SET data = replace(data, 'false_positive', 'true_match') WHERE seq = ?", [seq])
    con.close()
    broken = _cli("audit", "verify", "--db", str(db))
    assert broken.exit_code == 1
    assert f"BROKEN event {seq}: edited" in broken.output


def test_audit_verify_names_an_event_deleted_or_rehashed(db: Path, customers: Path, tmp_path: Path):
    _trail(db, customers, tmp_path)
    con = duckdb.connect(str(db))
    last = con.execute("SELECT max(seq) FROM audit_events").fetchone()[0]
    decision = con.execute("SELECT seq FROM audit_events WHERE kind = 'decision'").fetchone()[0]
    con.execute("DELETE FROM audit_events WHERE seq = ?", [decision])
    con.close()
    result = _cli("audit", "verify", "--db", str(db))
    assert result.exit_code == 1 and f"BROKEN event {decision}: deleted" in result.output
    con = duckdb.connect(str(db))  # the last event gone too: the chain ends before its head
    con.execute("DELETE FROM audit_events WHERE seq = ?", [last])
    con.close()
    assert f"BROKEN event {last}: deleted" in _cli("audit", "verify", "--db", str(db)).output


def test_an_edit_that_recomputes_the_events_own_hash_breaks_the_next_link(db: Path, customers: Path, tmp_path: Path):
    _trail(db, customers, tmp_path)
    con = duckdb.connect(str(db))
    seq, at, actor, kind, subject, data, prev = con.execute(
        "SELECT seq, at_utc, actor, kind, subject, data, prev_hash FROM audit_events WHERE kind = 'decision'").fetchone()
    forged = data.replace("alice", "mallory")
    con.execute("UPDATE audit_events SET data = ?, actor = 'mallory', hash = ? WHERE seq = ?",
                [forged, chain.event_hash(seq, at, "mallory", kind, subject, forged, prev), seq])
    con.close()
    con = duckdb.connect(str(db), read_only=True)
    problems = chain.verify(con)
    con.close()
    assert [p.seq for p in problems] == [seq] and "edited or replaced" in problems[0].problem


def test_retention_removes_only_events_older_than_the_period_and_the_chain_still_verifies(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "audit.duckdb"))
    now = chain.utc_now()
    ages = [12 * 365, 11 * 365, 9 * 365, 30, 0]  # days
    for n, days in enumerate(ages):
        chain.append_event(con, "run", n, {"n": n}, actor="cron", at=now - timedelta(days=days))
    assert chain.prune(con, now=now) == 2  # 10 years by default
    kept = [e.data.get("n") for e in chain.events(con) if e.kind == "run"]
    assert kept == [2, 3, 4]
    assert chain.verify(con) == []
    assert chain.prune(con, years=5, now=now) == 1  # the 9-year-old one; the retention event itself is young
    assert [e.data.get("n") for e in chain.events(con) if e.kind == "run"] == [3, 4]
    assert chain.verify(con) == []
    con.close()


def test_retention_counts_calendar_years_so_an_event_hours_short_of_the_period_is_kept(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "audit.duckdb"))
    now = datetime(2029, 12, 3, 11, 0)  # three leap days since 2019-12-03: 3653 days, not 3652.5
    for n, at in enumerate([datetime(2019, 12, 3, 10, 0), datetime(2019, 12, 3, 12, 0)]):
        chain.append_event(con, "run", n, {"n": n}, actor="cron", at=at)
    assert chain.prune(con, now=now) == 1  # 10 years and 1 hour old; the other is 10 years less 1 hour
    assert [e.data.get("n") for e in chain.events(con) if e.kind == "run"] == [1]
    assert chain.verify(con) == []
    con.close()
    assert chain.retention_cutoff(datetime(2028, 2, 29, 12, 0), 10) == datetime(2018, 2, 28, 12, 0)
    assert chain.retention_cutoff(datetime(2030, 1, 1), 5.5) == datetime(2025, 1, 1) - timedelta(days=183)


def test_retention_is_at_least_five_years_and_configurable(db: Path):
    con = duckdb.connect(str(db))
    try:
        with pytest.raises(ValueError, match="at least 5"):
            chain.prune(con, years=4.9)
    finally:
        con.close()
    refused = CliRunner().invoke(main, ["audit", "prune", "--db", str(db)], env={chain.RETENTION_ENV: "1"})
    assert refused.exit_code == 2 and "--retention-years" in refused.output
    kept = CliRunner().invoke(main, ["audit", "prune", "--db", str(db)], env={chain.RETENTION_ENV: "12"})
    assert kept.exit_code == 0 and "0 events older than 12 years removed" in kept.output


def test_retention_keeps_runs_and_decisions_for_the_period_and_their_records_after_it(
        db: Path, customers: Path, tmp_path: Path):
    _trail(db, customers, tmp_path)
    con = duckdb.connect(str(db))
    try:
        events = chain.events(con)
        newest = max(e.at for e in events)
        kinds = {e.kind for e in events}
        assert {"run", "decision", "list_change"} <= kinds
        anniversary = newest.replace(year=newest.year + 10)
        assert chain.prune(con, now=anniversary - timedelta(hours=1)) == 0  # every event younger than 10 years
        assert len(chain.events(con)) == len(events)
        assert chain.prune(con, now=anniversary + timedelta(days=1)) == len(events)
        assert [e.kind for e in chain.events(con)] == ["retention"] and chain.verify(con) == []
        runs = con.execute("SELECT count(*) FROM review_runs").fetchone()[0]
        decisions = con.execute("SELECT count(*) FROM review_decisions").fetchone()[0]
    finally:
        con.close()
    assert (runs, decisions) == (2, 1)  # the records stay; only their events left the chain
    second = screen_file(customers, tmp_path / "three.csv", "csv", db=db)
    assert second.cleared == 1  # the decision still clears its hit


def test_list_changes_are_events_at_load_and_rollback(db: Path, tmp_path: Path):
    from screening.pipeline import rollback

    from .conftest import SECOND, load_day

    load_day(db, SECOND, tmp_path)
    rollback(db, "us_ofac_sdn")
    result = _cli("audit", "log", "--kind", "list_change", "--json", "--db", str(db))
    changes = [json.loads(line)["data"] for line in result.output.splitlines()]
    assert [(c["action"], c["version"], c["previous_version"]) for c in changes] == [
        ("load", "2023-12-28", None), ("load", "2024-04-26", "2023-12-28"), ("rollback", "2023-12-28", "2024-04-26")]
    assert changes[1]["published"] == "2024-04-26" and changes[1]["entries"] == 303
    assert len(changes[1]["sha256"]) == 64
    assert _cli("audit", "verify", "--db", str(db)).exit_code == 0


def test_a_run_while_another_process_keeps_the_store_is_kept_beside_it_and_recorded_next(
        db: Path, customers: Path, tmp_path: Path, monkeypatch):
    from screening import store
    from screening.review import recording

    real = recording.open_review

    def busy(db_path, read_only=False, wait=None):
        raise store.StoreBusy("the store is locked by another process: PID 1 (screening serve), reading it")

    said = []
    monkeypatch.setattr(recording, "open_review", busy)
    summary = screen_file(customers, tmp_path / "busy.csv", "csv", db=db, on_message=said.append)
    assert summary.run_id is None and (tmp_path / "busy.csv").is_file()
    assert any("the run is not recorded yet" in m and "PID 1" in m for m in said)
    assert len(list(recording.pending_dir(db).glob("*.json"))) == 1
    monkeypatch.setattr(recording, "open_review", real)
    later = screen_file(customers, tmp_path / "later.csv", "csv", db=db)
    con = open_review(db, read_only=True)
    try:
        runs = con.execute("SELECT run_id, output_file, hits FROM review_runs ORDER BY run_id").fetchall()
        logged = [e.subject for e in chain.events(con, kind="run")]
    finally:
        con.close()
    assert runs == [(1, "busy.csv", 3), (2, "later.csv", 3)] and later.run_id == 2
    assert logged == ["1", "2"]
    assert list(recording.pending_dir(db).glob("*.json")) == []
