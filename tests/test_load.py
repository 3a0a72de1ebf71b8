"""Loading the bundled snapshots: row accounting per source, counts that reconcile with the
publishers' files, and refused files that leave the store as it was."""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from screening.pipeline import load_lists
from screening.sources import all_sources

from .conftest import FIXTURES, LISTS

BUNDLED = [s.name for s in all_sources() if s.bundled]


@pytest.fixture(scope="module")
def loaded_db(bundled_db: Path) -> Path:
    return bundled_db


def test_every_bundled_source_is_active(loaded_db: Path):
    assert set(_versions(loaded_db)) == set(BUNDLED)


def _versions(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT source, records_read, entries, rejected FROM active_versions").fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize("source", BUNDLED)
def test_rows_read_equal_entries_plus_reported_rejections(loaded_db: Path, source: str):
    records_read, entries, rejected = _versions(loaded_db)[source]
    assert records_read > 0
    assert records_read == entries + rejected
    with duckdb.connect(str(loaded_db), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM current_entries WHERE source = ?", [source]).fetchone()[0]
        reported = con.execute("SELECT count(*) FROM current_parse_issues WHERE source = ? AND rejected",
                               [source]).fetchone()[0]
    assert stored == entries
    assert reported == rejected


@pytest.mark.parametrize("source, expected", [
    ("us_ofac_sdn", {"person": 6646, "organization": 6033, "vessel": 764, "aircraft": 378}),
    ("us_ofac_cons", None),
    ("un_sc", {"person": 730, "organization": 273}),
])
def test_entry_counts_reconcile_with_the_publishers_files(loaded_db: Path, source: str, expected):
    with duckdb.connect(str(loaded_db), read_only=True) as con:
        by_type = dict(con.execute("SELECT entity_type, count(*) FROM current_entries WHERE source = ? GROUP BY 1",
                                   [source]).fetchall())
    if expected is None:
        assert sum(by_type.values()) == 442
    else:
        assert by_type == expected


def test_uk_ofsi_groups_are_entries(loaded_db: Path):
    records_read, entries, rejected = _versions(loaded_db)["uk_ofsi"]
    assert entries == 4686


def test_reloading_unchanged_files_is_a_no_op(loaded_db: Path):
    outcome = load_lists(loaded_db, ["us_bis_dpl"])
    assert outcome[0].status == "unchanged"


def test_refused_file_leaves_the_store_as_it_was(loaded_db: Path, tmp_path: Path):
    bad = tmp_path / "us_bis_dpl"
    bad.mkdir()
    (bad / "dpl.txt").write_text("<!DOCTYPE html>\n<html><body>Service Unavailable</body></html>\n")
    before = duckdb.connect(str(loaded_db), read_only=True)
    counts_before = before.execute("SELECT (SELECT count(*) FROM list_versions), (SELECT count(*) FROM entries)").fetchone()
    before.close()
    outcome = load_lists(loaded_db, ["us_bis_dpl"], from_dir=tmp_path)
    assert outcome[0].status == "failed"
    assert "dpl.txt" in outcome[0].error and "HTML" in outcome[0].error
    with duckdb.connect(str(loaded_db), read_only=True) as con:
        after = con.execute("SELECT (SELECT count(*) FROM list_versions), (SELECT count(*) FROM entries)").fetchone()
        active = con.execute("SELECT version FROM active_versions WHERE source = 'us_bis_dpl'").fetchone()
    assert after == counts_before
    assert active == ("2023-11",)


def test_from_folder_loads_another_version_and_supersedes(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    load_lists(db, ["us_bis_dpl"])
    other = tmp_path / "downloads"
    shutil.copytree(LISTS / "us_bis_dpl" / "2023-11", other)
    # Same bytes as the bundled file: nothing to do.
    assert load_lists(db, ["us_bis_dpl"], from_dir=other)[0].status == "unchanged"
    text = (other / "dpl.txt").read_text(encoding="utf-8").splitlines()
    (other / "dpl.txt").write_text("\n".join(text[:-1]) + "\n", encoding="utf-8")
    result = load_lists(db, ["us_bis_dpl"], from_dir=other)[0]
    assert result.status == "loaded" and result.entries == 664
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = con.execute("SELECT status FROM list_versions WHERE source = 'us_bis_dpl' ORDER BY version_id").fetchall()
    assert statuses == [("superseded",), ("active",)]


def test_bundled_partial_csl_loads_with_its_known_cut_row_noted(loaded_db: Path):
    with duckdb.connect(str(loaded_db), read_only=True) as con:
        notes = con.execute("SELECT notes FROM active_versions WHERE source = 'us_csl'").fetchone()[0]
    assert any("known defect of this bundled copy" in n for n in notes)


def test_a_cut_file_fails_its_source_in_a_load(tmp_path: Path):
    """The bundled CSL copy's known cut is accepted; the same file anywhere else is refused."""
    db = tmp_path / "s.duckdb"
    other = tmp_path / "downloads" / "us_csl"
    shutil.copytree(LISTS / "us_csl" / "2023-11-30-partial", other)
    (outcome,) = load_lists(db, ["us_csl"], from_dir=tmp_path / "downloads")
    assert outcome.status == "failed"
    assert "truncated file: csl.csv:" in outcome.error
    assert not db.exists() or not _versions(db)


def _sdn_refreshed_to_2024_05_03(tmp_path: Path) -> Path:
    """A store whose active SDN is the 2024-05-03 sdn.csv (file time 2024-05-03)."""
    from screening.pipeline import refresh_lists

    db = tmp_path / "s.duckdb"
    folder = tmp_path / "2024-05-03"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "lists" / "us_ofac_sdn" / "2024-05-03" / "sdn.csv", folder / "sdn.csv")
    stamp = datetime(2024, 5, 3, 12, tzinfo=timezone.utc).timestamp()
    os.utime(folder / "sdn.csv", (stamp, stamp))
    (outcome,) = refresh_lists(db, ["us_ofac_sdn"], str(folder), consolidate=False)
    assert outcome.status == "updated", outcome.error
    return db


def _active_sdn(db: Path) -> tuple[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT version, CAST(published AS VARCHAR) FROM active_versions "
                           "WHERE source = 'us_ofac_sdn'").fetchone()


def test_loading_the_older_bundled_sdn_over_a_newer_refresh_is_skipped_unless_allowed(tmp_path: Path):
    db = _sdn_refreshed_to_2024_05_03(tmp_path)
    (skipped,) = load_lists(db, ["us_ofac_sdn"])
    assert skipped.status == "skipped"
    assert "2023-12-28 (published 2023-12-28) is older than the active version 2024-05-03" in skipped.error
    assert "--allow-older" in skipped.error
    assert _active_sdn(db) == ("2024-05-03", "2024-05-03")
    (allowed,) = load_lists(db, ["us_ofac_sdn"], allow_older=True)
    assert allowed.status == "loaded"
    assert any(n.startswith("replaces a newer version") and "2024-05-03" in n for n in allowed.notes)
    assert _active_sdn(db) == ("2023-12-28", "2023-12-28")
