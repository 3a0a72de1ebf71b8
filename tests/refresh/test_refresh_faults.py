"""Faults and gates: every bad download or bad version leaves the last good version active."""
from __future__ import annotations

import duckdb
import pytest

from screening.pipeline import refresh_lists
from screening.refresh import GatePolicy, RefreshLocked, refresh_lock
from screening.versions import list_versions

from ..conftest import LISTS
from ..hostile_xml import billion_laughs
from .conftest import DPL_SNAPSHOTS, FAST, UN_DATES, ListServer, un_snapshot

BOMB = billion_laughs(
    '<CONSOLIDATED_LIST dateGenerated="2018-07-01T00:00:00"><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol9;</FIRST_NAME>\n'
    "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>").encode()
HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>Try later</body></html>\n"


def _state(db) -> tuple[int, str, int]:
    """(active version id, its label, rows visible through current_entries) of the only source."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        vid, label = con.execute("SELECT version_id, version FROM list_versions WHERE status = 'active'").fetchone()
        count = con.execute("SELECT count(*) FROM current_entries").fetchone()[0]
        staged = con.execute("SELECT count(*) FROM list_versions WHERE status = 'staged'").fetchone()[0]
        assert staged == 0
        return vid, label, count
    finally:
        con.close()


def _good_dpl(server: ListServer, db) -> tuple[int, str, int]:
    server.publish("dpl", DPL_SNAPSHOTS[-1])
    (outcome,) = refresh_lists(db, ["us_bis_dpl"], server.url("dpl"), fetch_options=FAST)
    assert outcome.status == "updated"
    return _state(db)


def _dpl_head(share: float) -> bytes:
    lines = (DPL_SNAPSHOTS[-1] / "dpl.txt").read_bytes().splitlines(keepends=True)
    return b"".join(lines[: 1 + int((len(lines) - 1) * share)])


@pytest.mark.parametrize("fault, message", [
    ("slow", "ReadTimeout"),
    ("http500", "HTTP 500"),
    ("cut", "body cut short"),
    ("html", "HTML page"),
])
def test_transport_faults_keep_the_last_good_version(list_server: ListServer, db, fault, message):
    before = _good_dpl(list_server, db)
    list_server.put("/dpl/dpl.txt", _dpl_head(0.95))  # a real change waiting behind the fault
    list_server.faults["/dpl/dpl.txt"] = fault
    (outcome,) = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST)
    assert outcome.status == "failed"
    assert message in outcome.error and outcome.error.startswith("download failed")
    assert _state(db) == before
    if fault in ("slow", "http500", "cut"):  # transient: retried once, with backoff
        assert sum(1 for p, _ in list_server.requests if p == "/dpl/dpl.txt") == 1 + 1 + FAST.retries


def test_html_page_served_as_the_file_with_a_csv_type_is_refused_by_the_parser(list_server: ListServer, db):
    before = _good_dpl(list_server, db)
    list_server.put("/dpl/dpl.txt", HTML_PAGE, "text/plain")
    (outcome,) = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST)
    assert outcome.status == "failed" and "parse failed" in outcome.error and "HTML" in outcome.error
    assert _state(db) == before


def test_sixty_percent_shrink_is_refused_then_allowed_when_asked(list_server: ListServer, db):
    before = _good_dpl(list_server, db)
    list_server.put("/dpl/dpl.txt", _dpl_head(0.40))
    (outcome,) = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST)
    assert outcome.status == "failed" and "dropped from 665 to 266" in outcome.error and "60%" in outcome.error
    assert _state(db) == before
    failed = [v for v in list_versions(db, "us_bis_dpl") if v["status"] == "failed"]
    assert len(failed) == 1 and any("dropped" in n for n in failed[0]["notes"])
    # 15% is over the default 10% share, but allowed with allow_shrink (and above min_entries)
    list_server.put("/dpl/dpl.txt", _dpl_head(0.85))
    (refused,) = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST)
    assert refused.status == "failed"
    (allowed,) = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST,
                               policy=GatePolicy(allow_shrink=True))
    assert allowed.status == "updated" and allowed.entries == 565
    # a shrink below the source's own floor (min_entries) stays refused even when allowed
    list_server.put("/dpl/dpl.txt", _dpl_head(0.40))
    (floor,) = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=FAST,
                             policy=GatePolicy(allow_shrink=True, allow_older=True))
    assert floor.status == "failed" and "below the 400 expected" in floor.error


def test_xml_bomb_is_refused(list_server: ListServer, db):
    list_server.publish("un", un_snapshot(UN_DATES[0]), UN_DATES[0])
    assert refresh_lists(db, ["un_sc"], list_server.url("un"), fetch_options=FAST)[0].status == "updated"
    before = _state(db)
    list_server.put("/un/consolidated.xml", BOMB, "application/xml")
    (outcome,) = refresh_lists(db, ["un_sc"], list_server.url("un"), fetch_options=FAST)
    assert outcome.status == "failed" and "unsafe XML" in outcome.error
    assert _state(db) == before


def test_corrupt_zip_is_refused(list_server: ListServer, db):
    list_server.publish("cons", LISTS / "us_ofac_cons" / "2025-12-19", "2025-12-19")
    assert refresh_lists(db, ["us_ofac_cons"], list_server.url("cons"), fetch_options=FAST)[0].status == "updated"
    before = _state(db)
    from ..conftest import FIXTURES
    data = bytearray((FIXTURES / "lists" / "us_ofac_cons" / "2025-01-10" / "CONS_ENHANCED.ZIP").read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)  # damage the compressed member: its CRC no longer checks
    list_server.put("/cons/CONS_ENHANCED.ZIP", bytes(data), "application/zip")
    (outcome,) = refresh_lists(db, ["us_ofac_cons"], list_server.url("cons") + "CONS_ENHANCED.ZIP",
                               fetch_options=FAST)
    assert outcome.status == "failed" and "corrupt ZIP" in outcome.error
    assert _state(db) == before


def test_older_publication_is_refused_unless_allowed(db):
    assert refresh_lists(db, ["un_sc"], str(un_snapshot(UN_DATES[1])))[0].status == "updated"
    before = _state(db)
    (older,) = refresh_lists(db, ["un_sc"], str(un_snapshot(UN_DATES[0])))
    assert older.status == "failed" and "older than the active version's 2018-06-21" in older.error
    assert _state(db) == before
    (allowed,) = refresh_lists(db, ["un_sc"], str(un_snapshot(UN_DATES[0])), policy=GatePolicy(allow_older=True))
    assert allowed.status == "updated" and _state(db)[1] == UN_DATES[0]


def test_a_second_refresh_is_refused_while_one_holds_the_lock(db):
    db.parent.mkdir(parents=True)
    with refresh_lock(db):
        with pytest.raises(RefreshLocked, match="another refresh is running"):
            refresh_lists(db, ["us_bis_dpl"], str(DPL_SNAPSHOTS[0]))
    assert refresh_lists(db, ["us_bis_dpl"], str(DPL_SNAPSHOTS[0]))[0].status == "updated"


def test_history_keeps_the_last_n_versions(db):
    for folder in DPL_SNAPSHOTS:
        refresh_lists(db, ["us_bis_dpl"], str(folder), keep=2)
    versions = list_versions(db, "us_bis_dpl")
    assert [v["version"] for v in versions] == ["2023-11", "2022-09"]
    con = duckdb.connect(str(db), read_only=True)
    try:  # the pruned version's rows are gone too
        ids = {r[0] for r in con.execute("SELECT DISTINCT version_id FROM entries").fetchall()}
    finally:
        con.close()
    assert ids == {v["version_id"] for v in versions}


def test_a_rolled_back_version_is_not_re_applied_by_the_next_refresh(db):
    from screening.pipeline import rollback

    for folder in DPL_SNAPSHOTS[1:]:
        refresh_lists(db, ["us_bis_dpl"], str(folder))
    assert rollback(db, "us_bis_dpl")["version"] == "2022-09"
    (again,) = refresh_lists(db, ["us_bis_dpl"], str(DPL_SNAPSHOTS[-1]))
    assert again.status == "unchanged" and "rolled back" in again.notes[-1]
    assert _state(db)[1] == "2022-09"


def test_a_file_over_the_size_cap_is_refused(list_server: ListServer, db):
    from screening.fetch import FetchOptions

    before = _good_dpl(list_server, db)
    list_server.put("/dpl/dpl.txt", _dpl_head(0.95))
    capped = FetchOptions(timeout=FAST.timeout, retries=0, backoff=0.01, max_bytes=50_000)
    (outcome,) = refresh_lists(db, ["us_bis_dpl"], list_server.url("dpl"), fetch_options=capped)
    assert outcome.status == "failed" and "size cap of 50000" in outcome.error
    assert _state(db) == before
