"""`screening review` commands: runs, list, show, decide, and their errors."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from screening.cli.main import main


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_review_commands(db: Path, customers: Path, tmp_path: Path):
    assert _cli("screen", str(customers), "-o", str(tmp_path / "hits.csv"), "--db", str(db)).exit_code == 1
    runs = json.loads(_cli("review", "runs", "--json", "--db", str(db)).output)
    assert [(r["run_id"], r["kind"], r["rows"], r["hits"]) for r in runs] == [(1, "screen", 4, 3)]
    listed = json.loads(_cli("review", "list", "--open", "--json", "--db", str(db)).output)
    hit = next(h for h in listed if h["input_id"] == "K3")["hit_id"]
    decided = _cli("review", "decide", str(hit), "--verdict", "false_positive", "--reason", "different_dob",
                   "--comment", "born 1990", "--analyst", "alice", "--db", str(db))
    assert decided.exit_code == 0 and decided.output.startswith(f"decision 1: hit {hit} false_positive by alice")
    again = _cli("review", "decide", str(hit), "--verdict", "escalated", "--reason", "needs_compliance",
                 "--comment", "second opinion", "--analyst", "bob", "--db", str(db))
    assert "superseding decision 1" in again.output
    shown = json.loads(_cli("review", "show", str(hit), "--db", str(db)).output)
    assert [d["verdict"] for d in shown["history"]] == ["false_positive", "escalated"]
    assert shown["entity"][0]["primary_name"] == "MLADIC, Ratko" and shown["open"] is True
    still_open = json.loads(_cli("review", "list", "--open", "--json", "--db", str(db)).output)
    assert hit in [h["hit_id"] for h in still_open]  # escalated stays open
    table = _cli("review", "list", "--db", str(db)).output.splitlines()
    assert table[0].split()[:3] == ["hit_id", "run_id", "input_id"] and len(table) == 4
    paged = [json.loads(_cli("review", "list", "--open", "--json", "--limit", "1", "--offset", str(start),
                              "--db", str(db)).output) for start in range(len(still_open))]
    assert [page[0]["hit_id"] for page in paged] == [h["hit_id"] for h in still_open]
    assert all(len(page) == 1 for page in paged)
    zero = _cli("review", "list", "--limit", "0", "--db", str(db))
    assert zero.exit_code == 2 and "--limit" in zero.output


def test_review_errors_are_one_line_with_exit_2(db: Path, customers: Path, tmp_path: Path):
    _cli("screen", str(customers), "-o", str(tmp_path / "hits.csv"), "--db", str(db))
    past = _cli("review", "decide", "1", "--verdict", "false_positive", "--reason", "known_customer", "--comment",
                "vetted", "--good-guy-until", "2001-01-01", "--db", str(db))
    assert past.exit_code == 2 and "the good-guy expiry 2001-01-01 is not in the future" in past.output
    unknown = _cli("review", "decide", "999", "--verdict", "unsure", "--comment", "?", "--db", str(db))
    assert unknown.exit_code == 2 and "no reported hit 999" in unknown.output
    no_run = _cli("review", "export", "42", "-o", str(tmp_path / "r.xlsx"), "--db", str(db))
    assert no_run.exit_code == 2 and "no screening run 42" in no_run.output
    no_report = _cli("report", "42", "-o", str(tmp_path / "r.html"), "--db", str(db))
    assert no_report.exit_code == 2 and "no screening run 42" in no_report.output
    missing = _cli("review", "list", "--db", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 2 and "no screening store" in missing.output
