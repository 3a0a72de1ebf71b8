"""`screening check` is an audited run: recorded with what was looked up and its hits (unless
--no-record), and a hit an analyst cleared is shown cleared, with a clean exit."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from screening.cli.main import main

from .conftest import CUSTOMERS

K1 = CUSTOMERS[0]
LOOKUP = [K1["name"], "--country", K1["country"], "--address", K1["address"]]


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _runs(db: Path) -> list[dict]:
    return json.loads(_cli("review", "runs", "--json", "--db", str(db)).output)


def test_a_check_is_recorded_as_a_run_and_a_cleared_hit_shows_cleared(db: Path):
    first = _cli("check", *LOOKUP, "--json", "--db", str(db))
    assert first.exit_code == 1, first.output
    answer = json.loads(first.output)
    assert answer["run_id"] == 1 and [h["status"] for h in answer["hits"]] == ["hit"] * len(answer["hits"])
    runs = _runs(db)
    assert [(r["kind"], r["rows"], r["hits"], r["input_file"]) for r in runs] == \
        [("check", 1, len(answer["hits"]), None)]
    assert runs[0]["query"] == {"name": K1["name"], "country": "ZW", "address": K1["address"], "dob": None,
                                "type": None, "ids": []}
    log = [json.loads(line) for line in _cli("audit", "log", "--kind", "run", "--json", "--db", str(db)).output.splitlines()]
    assert [e["data"]["query"]["name"] for e in log] == [K1["name"]]

    hits = json.loads(_cli("review", "list", "--open", "--json", "--db", str(db)).output)
    assert {h["entity_id"] for h in hits} == {h["entity_id"] for h in answer["hits"]}
    for hit in hits:
        decided = _cli("review", "decide", str(hit["hit_id"]), "--verdict", "false_positive", "--reason",
                       "different_dob", "--comment", "born 1990", "--analyst", "alice", "--db", str(db))
        assert decided.exit_code == 0, decided.output

    again = _cli("check", *LOOKUP, "--json", "--db", str(db))
    assert again.exit_code == 0, again.output  # every hit cleared: clean
    cleared = json.loads(again.output)
    assert [h["status"] for h in cleared["hits"]] == ["cleared"] * len(hits)
    assert all(h["decision_id"] and "cleared by alice" in h["decision_note"] for h in cleared["hits"])
    assert [(r["kind"], r["cleared"]) for r in _runs(db)] == [("check", 0), ("check", len(hits))]

    text = _cli("check", *LOOKUP, "--no-record", "--db", str(db))
    assert text.exit_code == 0 and "CLEARED, decision" in text.output, text.output
    assert len(_runs(db)) == 2  # --no-record: no run
    moved = _cli("check", K1["name"], "--country", "ZW", "--address", "2 Samora Machel Avenue", "--db", str(db))
    assert moved.exit_code == 1 and "CLEARED" not in moved.output  # other screened fields: not the decision's


def test_a_check_that_cannot_screen_the_name_records_nothing(db: Path):
    assert _cli("check", "!!!", "--db", str(db)).exit_code == 2
    assert _runs(db) == []


def test_a_check_on_a_store_it_may_not_write_answers_and_says_it_is_not_recorded(db: Path, monkeypatch):
    import duckdb

    from screening.review import recording

    def read_only(*args, **kwargs):
        raise duckdb.IOException(f"Cannot open file {db}: Permission denied")

    monkeypatch.setattr(recording, "open_review", read_only)
    result = _cli("check", *LOOKUP, "--db", str(db))
    assert result.exit_code == 1 and K1["name"].split()[0].upper() in result.output.upper()
    assert "the check is not recorded as a run" in result.output and "Permission denied" in result.output
