"""Refresh gates that keep a damaged or incomplete list from becoming active, and publication
dates that come from the files (or their file time), never from a folder's name."""
from __future__ import annotations

import os
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
from click.testing import CliRunner

from screening.cli.main import main
from screening.pipeline import refresh_lists
from screening.refresh import GatePolicy
from screening.versions import list_versions

from ..conftest import FIXTURES
from .conftest import UN_DATES, sdn_snapshot, un_snapshot

FULL_SDN = FIXTURES / "lists" / "us_ofac_sdn" / "2021-07-07"  # sdn.csv, add.csv, alt.csv, sdn_comments.csv


def _dated_copy(src: Path, dest: Path, day: str, only: tuple[str, ...] = ()) -> Path:
    """Copy a snapshot's files (or ``only`` these) into ``dest`` with the file time of ``day``."""
    dest.mkdir(parents=True)
    stamp = datetime.fromisoformat(day).replace(hour=12, tzinfo=timezone.utc).timestamp()
    for path in src.iterdir():
        if path.is_file() and (not only or path.name in only):
            shutil.copyfile(path, dest / path.name)
            os.utime(dest / path.name, (stamp, stamp))
    return dest


def _active(db: Path, source: str) -> tuple[str, int, int]:
    """(label, entries, address rows) of the active version of ``source``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        label, entries, vid = con.execute("SELECT version, entries, version_id FROM list_versions "
                                          "WHERE source = ? AND status = 'active'", [source]).fetchone()
        addresses = con.execute("SELECT count(*) FROM addresses WHERE version_id = ?", [vid]).fetchone()[0]
        return label, entries, addresses
    finally:
        con.close()


def _cut_mid_row(path: Path, share: float) -> None:
    """Keep the first ``share`` of a file's bytes, ending inside a row (not at a line end)."""
    data = path.read_bytes()
    end = int(len(data) * share)
    while data[end - 1:end] in (b"\n", b"\r"):
        end -= 1
    path.write_bytes(data[:end])


def test_an_sdn_file_cut_mid_row_is_refused_although_it_shrank_less_than_the_gate(tmp_path: Path, db: Path):
    full = _dated_copy(FULL_SDN, tmp_path / "2021-07-07", "2021-07-07")
    assert refresh_lists(db, ["us_ofac_sdn"], str(full))[0].status == "updated"
    before = _active(db, "us_ofac_sdn")
    cut = _dated_copy(FULL_SDN, tmp_path / "2021-07-08", "2021-07-08")
    _cut_mid_row(cut / "sdn.csv", 0.97)
    (outcome,) = refresh_lists(db, ["us_ofac_sdn"], str(cut))
    assert outcome.entries > before[1] * 0.9  # within the shrink gate: only the cut stops it
    cut_line = (cut / "sdn.csv").read_bytes().count(b"\n") + 1
    assert outcome.status == "failed"
    assert f"truncated file: sdn.csv:{cut_line}:" in outcome.error
    assert _active(db, "us_ofac_sdn") == before
    failed = [v for v in list_versions(db, "us_ofac_sdn") if v["status"] == "failed"]
    assert len(failed) == 1 and any(f"sdn.csv:{cut_line}" in n for n in failed[0]["notes"])


def test_a_cut_alias_file_is_refused_too(tmp_path: Path, db: Path):
    assert refresh_lists(db, ["us_ofac_sdn"], str(_dated_copy(FULL_SDN, tmp_path / "a", "2021-07-07")))[0].status == "updated"
    cut = _dated_copy(FULL_SDN, tmp_path / "b", "2021-07-08")
    _cut_mid_row(cut / "alt.csv", 0.5)
    (outcome,) = refresh_lists(db, ["us_ofac_sdn"], str(cut))
    assert outcome.status == "failed" and "truncated file: alt.csv:" in outcome.error


def test_sdn_csv_alone_is_refused_over_a_full_set_unless_partial_is_allowed(tmp_path: Path, db: Path):
    assert refresh_lists(db, ["us_ofac_sdn"], str(_dated_copy(FULL_SDN, tmp_path / "full", "2021-07-07")))[0].status == "updated"
    before = _active(db, "us_ofac_sdn")
    assert before[2] > 10_000  # the full set's addresses (add.csv)
    alone = _dated_copy(sdn_snapshot("2024-04-26"), tmp_path / "2024-04-26", "2024-04-26", only=("sdn.csv",))
    (refused,) = refresh_lists(db, ["us_ofac_sdn"], str(alone))
    assert refused.status == "failed"
    assert "add.csv, alt.csv, sdn_comments.csv missing" in refused.error and "--allow-partial" in refused.error
    assert _active(db, "us_ofac_sdn") == before
    (allowed,) = refresh_lists(db, ["us_ofac_sdn"], str(alone), policy=GatePolicy(allow_partial=True))
    assert allowed.status == "updated"
    label, _, addresses = _active(db, "us_ofac_sdn")
    assert (label, addresses) == ("2024-04-26", 0)
    (newest,) = list_versions(db, "us_ofac_sdn")[:1]
    assert any(n.startswith("partial: lacks add.csv, alt.csv, sdn_comments.csv") for n in newest["notes"])


def test_allow_partial_on_the_command_line(tmp_path: Path, db: Path):
    full = _dated_copy(FULL_SDN, tmp_path / "full", "2021-07-07")
    alone = _dated_copy(sdn_snapshot("2024-04-26"), tmp_path / "alone", "2024-04-26", only=("sdn.csv",))
    base = ["lists", "refresh", "--db", str(db), "--source", "us_ofac_sdn", "--no-consolidate"]
    runner = CliRunner()
    assert runner.invoke(main, base + ["--from", str(full)]).exit_code == 0
    refused = runner.invoke(main, base + ["--from", str(alone)])
    assert refused.exit_code == 1 and "add.csv, alt.csv, sdn_comments.csv missing" in refused.output
    allowed = runner.invoke(main, base + ["--from", str(alone), "--allow-partial"])
    assert allowed.exit_code == 0, allowed.output
    table = runner.invoke(main, ["lists", "versions", "us_ofac_sdn", "--db", str(db)]).output
    assert "partial: lacks add.csv, alt.csv, sdn_comments.csv" in table


def test_a_folder_name_labels_the_version_but_never_sets_its_publication_date(tmp_path: Path, db: Path):
    future = _dated_copy(sdn_snapshot("2024-05-02"), tmp_path / "refresh" / "2099-01-01", "2024-05-02")
    (first,) = refresh_lists(db, ["us_ofac_sdn"], str(future))
    assert first.status == "updated" and first.version == "2099-01-01"
    (kept,) = list_versions(db, "us_ofac_sdn")
    assert kept["published"] == date(2024, 5, 2)  # sdn.csv states no date: its file time
    assert any(n.startswith("published_from=mtime") for n in kept["notes"])
    # the next day's file is not "older" than a folder name from the future
    (nxt,) = refresh_lists(db, ["us_ofac_sdn"], str(_dated_copy(sdn_snapshot("2024-05-03"), tmp_path / "b", "2024-05-03")))
    assert nxt.status == "updated", nxt.error
    # ... and a file really older than the active one is refused, whatever its folder says
    (old,) = refresh_lists(db, ["us_ofac_sdn"], str(_dated_copy(sdn_snapshot("2024-05-01"), tmp_path / "2099-12-31", "2024-05-01")))
    assert old.status == "failed" and "publication date 2024-05-01 is older than the active version's 2024-05-03" in old.error


def test_a_file_with_its_own_date_is_published_on_that_date_whatever_its_folder(tmp_path: Path, db: Path):
    future = tmp_path / "2099-01-01"
    shutil.copytree(un_snapshot(UN_DATES[0]), future)
    (outcome,) = refresh_lists(db, ["un_sc"], str(future))
    assert outcome.status == "updated" and outcome.version == UN_DATES[0]
    (kept,) = list_versions(db, "un_sc")
    assert kept["published"].isoformat() == UN_DATES[0] and "published_from=file" in kept["notes"]
