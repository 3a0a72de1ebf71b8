"""CliRunner tests of `screening lists refresh|versions|rollback|diff`."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from screening.cli.main import main
from screening.refresh import refresh_lock

from .conftest import DPL_SNAPSHOTS, SDN_DATES, ListServer, sdn_snapshot


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_refresh_json_exit_codes_for_cron(list_server: ListServer, db: Path):
    list_server.publish("dpl", DPL_SNAPSHOTS[0], "2019-06-12")
    base = ["lists", "refresh", "--db", str(db), "--source", "us_bis_dpl", "--from", list_server.url("dpl"),
            "--retries", "0", "--timeout", "2", "--json"]
    updated = _run(*base)
    assert updated.exit_code == 0, updated.output
    assert json.loads(updated.output)[0]["status"] == "updated"
    unchanged = _run(*base)
    assert unchanged.exit_code == 0 and json.loads(unchanged.output)[0]["status"] == "unchanged"
    list_server.faults["/dpl/dpl.txt"] = "http500"
    failed = _run(*base)
    assert failed.exit_code == 1
    (row,) = json.loads(failed.output)
    assert row["status"] == "failed" and "HTTP 500" in row["error"] and row["previous_version"] == "2019-06-12"


def test_refresh_usage_errors_exit_2(db: Path):
    both = _run("lists", "refresh", "--db", str(db), "--all", "--source", "un_sc")
    assert both.exit_code == 2 and "not both" in both.output
    unknown = _run("lists", "refresh", "--db", str(db), "--source", "no_such_list")
    assert unknown.exit_code == 2


def test_refresh_while_locked_says_so(db: Path):
    db.parent.mkdir(parents=True)
    with refresh_lock(db):
        result = _run("lists", "refresh", "--db", str(db), "--source", "us_bis_dpl", "--from", str(DPL_SNAPSHOTS[0]))
    assert result.exit_code == 1
    assert "another refresh is running" in result.output


def test_versions_diff_and_rollback(db: Path):
    for day in SDN_DATES[2:]:
        result = _run("lists", "refresh", "--db", str(db), "--source", "us_ofac_sdn", "--from", str(sdn_snapshot(day)))
        assert result.exit_code == 0, result.output
        assert f"updated to {day}" in result.output
    versions = json.loads(_run("lists", "versions", "us_ofac_sdn", "--db", str(db), "--json").output)
    assert [(v["version"], v["status"]) for v in versions] == [("2024-05-03", "active"), ("2024-05-02", "superseded")]
    table = _run("lists", "versions", "us_ofac_sdn", "--db", str(db)).output
    assert "add.csv absent" in table  # the version says it lacks the address file

    diff = json.loads(_run("lists", "diff", "us_ofac_sdn", "--db", str(db), "--json").output)
    assert diff["counts"] == {"added": 0, "removed": 8, "changed": 0}
    text = _run("lists", "diff", "us_ofac_sdn", "--db", str(db), "--from", "2024-05-02", "--to", "2024-05-03").output
    assert "0 added, 8 removed, 0 changed" in text and text.count("\n- ") == 8

    back = _run("lists", "rollback", "us_ofac_sdn", "--db", str(db))
    assert back.exit_code == 0 and "active version is now 2024-05-02" in back.output
    again = _run("lists", "rollback", "us_ofac_sdn", "--db", str(db), "--to", "2024-05-03", "--json")
    assert json.loads(again.output)["version"] == "2024-05-03"
    missing = _run("lists", "rollback", "us_ofac_sdn", "--db", str(db), "--to", "1999-01-01")
    assert missing.exit_code == 2 and "no kept version" in missing.output
