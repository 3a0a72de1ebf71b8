"""Refresh over real HTTP: dated real files served in order, diffs checked against independent counts."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

from screening.diff import diff_lists
from screening.fetch import user_agent
from screening.pipeline import refresh_lists
from screening.versions import list_versions

from .conftest import DPL_SNAPSHOTS, FAST, SDN_DATES, UN_DATES, ListServer, sdn_snapshot, un_snapshot


def _sdn_rows(day: str) -> dict[str, tuple]:
    """ent_num -> whole row of sdn.csv, read with the csv module only."""
    text = (sdn_snapshot(day) / "sdn.csv").read_bytes().decode("latin-1")
    return {r[0]: tuple(r) for r in csv.reader(io.StringIO(text, newline="")) if len(r) > 1}


def _un_elements(day: str) -> dict[str, bytes]:
    """REFERENCE_NUMBER -> serialised INDIVIDUAL/ENTITY element (trusted fixture, plain ElementTree)."""
    root = ET.parse(un_snapshot(day) / "consolidated.xml").getroot()
    return {e.findtext("REFERENCE_NUMBER").strip(): ET.tostring(e)
            for e in root.iter() if e.tag in ("INDIVIDUAL", "ENTITY")}


_DPL_KEY = ("Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date")


def _dpl_rows(folder: Path) -> dict[tuple, tuple]:
    """(party fields, occurrence) -> the other fields, read with the csv module only."""
    text = (folder / "dpl.txt").read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t")
    rows, seen = {}, {}
    for row in reader:
        key = tuple(" ".join(row[f].split()).upper() for f in _DPL_KEY)
        seen[key] = seen.get(key, 0) + 1
        rows[(key, seen[key])] = tuple(v.strip() for k, v in row.items() if k not in _DPL_KEY)
    return rows


def _expected(old: dict, new: dict) -> dict[str, int]:
    return {"added": len(new.keys() - old.keys()), "removed": len(old.keys() - new.keys()),
            "changed": sum(1 for k in old.keys() & new.keys() if old[k] != new[k])}


def test_sdn_dated_sequence_diffs_match_the_files(list_server: ListServer, db: Path):
    steps = []
    for day in SDN_DATES:
        list_server.publish("sdn", sdn_snapshot(day), day)
        (outcome,) = refresh_lists(db, ["us_ofac_sdn"], list_server.url("sdn"), fetch_options=FAST)
        assert outcome.status == "updated", outcome.error
        assert outcome.version == day  # the label comes from the server's Last-Modified
        # only sdn.csv is served on these dates: the version must say what it lacks
        assert any("add.csv" in n and "404" in n for n in outcome.notes)
        assert any("no addresses" in n for n in outcome.notes)
        steps.append(day)
        if len(steps) > 1:
            result = diff_lists(db, "us_ofac_sdn")
            assert result["counts"] == _expected(_sdn_rows(steps[-2]), _sdn_rows(day)), day
            assert (result["from"]["version"], result["to"]["version"]) == (steps[-2], day)
    whole = diff_lists(db, "us_ofac_sdn", SDN_DATES[0], SDN_DATES[1])
    assert whole["counts"]["added"] == 298  # the issue's own figure for 2024-04-26 -> 05-01
    last = diff_lists(db, "us_ofac_sdn")
    removed_types = sorted(r["entity_type"] for r in last["removed"])
    assert removed_types.count("aircraft") == 7
    versions = list_versions(db, "us_ofac_sdn")
    assert [v["version"] for v in versions] == list(reversed(SDN_DATES))
    assert versions[0]["status"] == "active" and all(v["status"] == "superseded" for v in versions[1:])
    assert versions[0]["url"] == list_server.url("sdn") + "sdn.csv"
    assert versions[0]["fetched_at"] is not None and len(versions[0]["sha256"]) == 64


def test_un_sequence_diff_matches_the_files(list_server: ListServer, db: Path):
    for day in UN_DATES:
        list_server.publish("un", un_snapshot(day), day)
        (outcome,) = refresh_lists(db, ["un_sc"], list_server.url("un"), fetch_options=FAST)
        assert outcome.status == "updated", outcome.error
    result = diff_lists(db, "un_sc")
    assert result["counts"] == _expected(_un_elements(UN_DATES[0]), _un_elements(UN_DATES[1]))
    assert result["counts"]["added"] == 2


def test_dpl_sequence_diffs_match_the_files(list_server: ListServer, db: Path):
    previous = None
    for folder in DPL_SNAPSHOTS:
        list_server.publish("dpl", folder)
        (outcome,) = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST)
        assert outcome.status == "updated", outcome.error
        if previous:
            result = diff_lists(db, "us_bis_dpl")
            assert result["counts"] == _expected(_dpl_rows(previous), _dpl_rows(folder)), folder.name
            for row in result["changed"]:
                assert row["fields"]  # a changed entry names what changed
        previous = folder


def test_unchanged_upstream_is_a_no_op_with_conditional_request(list_server: ListServer, db: Path):
    list_server.publish("dpl", DPL_SNAPSHOTS[0])
    first = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST)[0]
    assert first.status == "updated"
    second = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST)[0]
    assert second.status == "unchanged"
    path, headers = list_server.requests[-1]
    assert path == "/dpl/dpl.txt"
    assert headers.get("If-None-Match", "").startswith('"')  # conditional: the server answered 304
    assert headers["User-Agent"] == user_agent() and headers["User-Agent"].startswith("screening/")
    assert len(list_versions(db, "us_bis_dpl")) == 1


def test_same_bytes_without_etag_is_a_no_op_by_sha256(tmp_path: Path, db: Path):
    for _ in range(2):
        outcome = refresh_lists(db, ["us_bis_dpl"], str(DPL_SNAPSHOTS[0]))[0]
    assert outcome.status == "unchanged"
    assert len(list_versions(db, "us_bis_dpl")) == 1


def test_local_single_file_refresh(tmp_path: Path, db: Path):
    (outcome,) = refresh_lists(db, ["un_sc"], str(un_snapshot(UN_DATES[0]) / "consolidated.xml"))
    assert outcome.status == "updated" and outcome.version == UN_DATES[0]
    assert outcome.entries == len(_un_elements(UN_DATES[0]))
