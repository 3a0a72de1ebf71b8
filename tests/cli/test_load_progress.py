"""`lists load` in a pipe says what it does (stderr) and what consolidation gave (stdout);
`lists consolidate` leaves a fresh match index, as a consolidating load does."""
from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

from click.testing import CliRunner

from screening import store
from screening.cli.main import main
from screening.match.index import list_fingerprint, stored_fingerprint

from ..conftest import FIXTURES


def _index_is_fresh(db: Path) -> bool:
    con = store.connect(db, read_only=True)
    try:
        return stored_fingerprint(con) == list_fingerprint(con)
    finally:
        con.close()


def test_load_in_a_pipe_prints_progress_and_the_consolidation_outcome(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    result = CliRunner().invoke(main, ["lists", "load", "--db", str(db), "--source", "us_bis_dpl",
                                       "--source", "un_sc"])
    assert result.exit_code == 0, result.output
    progress = result.stderr.splitlines()
    assert progress[0].startswith("[1/2] us_bis_dpl: reading 2023-11")
    assert any(line.startswith("[2/2] un_sc: loaded in ") for line in progress)
    assert any("consolidating" in line for line in progress)
    found = re.search(r"consolidated: (\d+) entries -> (\d+) entities \(largest (\d+) entries\).*"
                      r"match index: (\d+) names of (\d+) entities, built in", result.stdout)
    assert found, result.stdout
    entries, entities, largest = (int(found[i]) for i in (1, 2, 3))
    assert entries == 665 + 1003 and 0 < entities <= entries and largest >= 1
    assert _index_is_fresh(db)


def test_lists_consolidate_rebuilds_the_match_index(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    runner = CliRunner()
    assert runner.invoke(main, ["lists", "load", "--db", str(db), "--source", "us_bis_dpl",
                                "--no-consolidate"]).exit_code == 0
    assert not _index_is_fresh(db)
    result = runner.invoke(main, ["lists", "consolidate", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "match index: " in result.stdout
    assert _index_is_fresh(db)


def test_load_of_an_older_snapshot_is_skipped_with_both_versions_named(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    newer = tmp_path / "newer" / "us_ofac_sdn" / "2024-05-03"
    newer.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "lists" / "us_ofac_sdn" / "2024-05-03" / "sdn.csv", newer / "sdn.csv")
    stamp = datetime(2024, 5, 3, 12, tzinfo=timezone.utc).timestamp()
    os.utime(newer / "sdn.csv", (stamp, stamp))
    runner = CliRunner()
    base = ["lists", "load", "--db", str(db), "--source", "us_ofac_sdn", "--no-consolidate"]
    assert runner.invoke(main, base + ["--from", str(tmp_path / "newer")]).exit_code == 0
    skipped = runner.invoke(main, base)
    assert skipped.exit_code == 0  # skipped, not a failed load
    assert ("us_ofac_sdn: skipped (2023-12-28 (published 2023-12-28) is older than the active version 2024-05-03 "
            "(published 2024-05-03)") in skipped.stdout
    allowed = runner.invoke(main, base + ["--allow-older"])
    assert allowed.exit_code == 0
    assert "loaded version 2023-12-28" in allowed.stdout and "note: replaces a newer version" in allowed.stdout
