"""CliRunner tests of `screening lists load|stats|issues|show` on the real DPL snapshot."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from screening.cli.main import main


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_load_then_stats_json_reconciles(tmp_path: Path):
    db = str(tmp_path / "s.duckdb")
    loaded = _run("lists", "load", "--db", db, "--source", "us_bis_dpl", "--json", "--no-consolidate")
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)[0]["status"] == "loaded"
    stats = json.loads(_run("lists", "stats", "--db", db, "--json").output)
    (dpl,) = stats
    assert dpl["source"] == "us_bis_dpl"
    assert dpl["records_read"] == dpl["entries"] + dpl["rejected"]
    assert dpl["unexplained_losses"] == 0
    assert dpl["entries_by_type"] == {"unknown": 665}


def test_issues_lists_the_year_3033_typo(tmp_path: Path):
    db = str(tmp_path / "s.duckdb")
    _run("lists", "load", "--db", db, "--source", "us_bis_dpl", "--no-consolidate")
    out = _run("lists", "issues", "--db", db, "--source", "us_bis_dpl").output
    assert "dpl.txt:316 [Last_Update]: implausible year 3033" in out


def test_show_prints_entry_and_unknown_entry_exits_2(tmp_path: Path):
    db = str(tmp_path / "s.duckdb")
    _run("lists", "load", "--db", db, "--source", "us_bis_dpl", "--no-consolidate")
    from screening.parse.bis_dpl import derive_id
    row = dict(Name="AARON ABRAHAM VILLA", Street_Address="3415 RIVERA AVENUE", City="EL PASO", State="TX",
               Country="", Postal_Code="79905", Effective_Date="08/24/2022")
    shown = json.loads(_run("lists", "show", "us_bis_dpl", derive_id(row), "--db", db, "--json").output)
    assert shown["primary_name"] == "AARON ABRAHAM VILLA"
    assert shown["addresses"][0]["city"] == "EL PASO"
    assert shown["file"] == "dpl.txt" and shown["location"] == "3"
    missing = CliRunner().invoke(main, ["lists", "show", "us_bis_dpl", "nope", "--db", db])
    assert missing.exit_code == 2


def test_failed_source_exits_1_and_names_the_file(tmp_path: Path):
    db = str(tmp_path / "s.duckdb")
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "dpl.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["lists", "load", "--db", db, "--source", "us_bis_dpl",
                                       "--from", str(bad), "--no-consolidate"])
    assert result.exit_code == 1
    assert "dpl.txt: file is empty" in result.output
