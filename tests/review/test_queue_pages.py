"""The queue a page at a time: the latest report of each customer and entity chosen in SQL and
read a few hits at a time gives the hits the whole queue gives, in the same order, and the
service's pages (`GET /review`, `GET /review/hits`) put together are the open hits."""
from __future__ import annotations

from pathlib import Path

import pytest

from screening.match.batch import screen_file
from screening.review import decide_hit, hits_now, open_review
from screening.review import runs

from .conftest import CUSTOMERS, write_customers


def _twice_screened(db: Path, customers: Path, tmp_path: Path) -> tuple[int, int]:
    """Two runs over the customers, the second with one more customer: (first run, second run)."""
    first = screen_file(customers, tmp_path / "first.csv", "csv", db=db).run_id
    more = write_customers(tmp_path / "more.csv", [CUSTOMERS[2], *CUSTOMERS,
                                                   {"id": "K5", "name": "Ratko MLADIC", "country": "RS", "address": ""}])
    second = screen_file(more, tmp_path / "second.csv", "csv", db=db).run_id
    return first, second


def _latest_by_hand(con) -> list[int]:
    """The hit ids the queue should give: every hit, the last report of a pair kept (the order
    of runs, rows and scores)."""
    rows = con.execute("SELECT hit_id, run_id, input_row, score, customer_key, entity_id FROM review_hits "
                       "ORDER BY run_id, input_row, score DESC, entity_id").fetchall()
    latest = {}
    for hit_id, run_id, input_row, score, customer, entity in rows:
        latest[(customer, entity)] = (run_id, input_row, -score, hit_id)
    return [v[3] for v in sorted(latest.values())]


def test_the_latest_reports_read_a_few_at_a_time_are_the_whole_queue(db: Path, customers: Path, tmp_path: Path,
                                                                       monkeypatch):
    first, second = _twice_screened(db, customers, tmp_path)
    con = open_review(db, read_only=True)
    try:
        whole = [h["hit_id"] for h in hits_now(con)]
        assert whole == _latest_by_hand(con)
        assert {h["run_id"] for h in hits_now(con)} == {second}  # every pair reported again
        monkeypatch.setattr(runs, "READ_BATCH", 2)
        assert [h["hit_id"] for h in hits_now(con)] == whole
        pages = [hits_now(con, limit=3, offset=start) for start in range(0, len(whole) + 3, 3)]
        assert [h["hit_id"] for page in pages for h in page] == whole
        assert pages[-1] == []
        assert [h["hit_id"] for h in hits_now(con, first)] == \
            [i for (i,) in con.execute("SELECT hit_id FROM review_hits WHERE run_id = ? "
                                       "ORDER BY input_row, score DESC, entity_id", [first]).fetchall()]
    finally:
        con.close()


def test_a_page_of_open_hits_skips_the_decided_ones(db: Path, customers: Path, tmp_path: Path, monkeypatch):
    _twice_screened(db, customers, tmp_path)
    monkeypatch.setattr(runs, "READ_BATCH", 2)
    con = open_review(db, read_only=True)
    try:
        every = hits_now(con, open_only=True)
    finally:
        con.close()
    decide_hit(db, every[1]["hit_id"], "false_positive", "another person", "alice", "different_dob")
    con = open_review(db, read_only=True)
    try:
        still = [h["hit_id"] for h in hits_now(con, open_only=True)]
        assert still == [h["hit_id"] for h in every if h["hit_id"] != every[1]["hit_id"]]
        assert [h["hit_id"] for h in hits_now(con, open_only=True, offset=1, limit=1)] == still[1:2]
    finally:
        con.close()


def test_the_service_gives_the_queue_in_pages(db: Path, customers: Path, tmp_path: Path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from screening.service.app import Settings, create_app

    _, second = _twice_screened(db, customers, tmp_path)
    con = open_review(db, read_only=True)
    try:
        expected = [h["hit_id"] for h in hits_now(con, open_only=True)]
        of_second = [h["hit_id"] for h in hits_now(con, second, open_only=True)]  # K3 twice: both rows
    finally:
        con.close()
    assert len(expected) >= 3
    with TestClient(create_app(Settings(db=str(db)))) as client:
        got, offset = [], 0
        while True:
            page = client.get("/review/hits", params={"offset": offset, "limit": 2}).json()
            assert page["offset"] == offset and page["limit"] == 2 and len(page["hits"]) <= 2
            assert all(h["entity"] for h in page["hits"])  # each with its list entries
            got += [h["hit_id"] for h in page["hits"]]
            if not page["more"]:
                break
            offset += 2
        assert got == expected
        only = client.get("/review/hits", params={"run_id": second, "limit": 1000}).json()
        assert [h["hit_id"] for h in only["hits"]] == of_second and not only["more"]
        assert len(of_second) > len(expected)
        html = client.get("/review", params={"limit": 1, "offset": 1}).text
        assert f'"hit_id": {expected[1]},' in html and f'"hit_id": {expected[0]},' not in html
        assert '"more": true' in html and '"offset": 1' in html
        for bad in ({"limit": 0}, {"limit": 100_000}, {"offset": -1}, {"limit": "ten"}):
            reply = client.get("/review/hits", params=bad)
            assert reply.status_code == 422 and "detail" in reply.json(), bad
            assert client.get("/review", params=bad).status_code == 422


# listed men of the fixture's SDN rows, as customers write them (one hit or more each)
LISTED = ["Mustafa Mohamed Fadhil", "Sa'd Abdullah Hussein al-Sharif", "Fermin Vila Michelena", "Samir Kishk",
          "Vladimir Santic", "Emrush Xhemajli", "Fethi Mnasri"]


def test_a_page_far_down_the_queue_reads_only_the_decided_hits_before_it(db: Path, tmp_path: Path, monkeypatch):
    """Every page of the open hits, with hits cleared, confirmed and left open before and inside
    it, is the whole queue's slice; finding a page reads the page and the decided hits, not the
    undecided hits before it (they are open whatever the lists say)."""
    rows = [*CUSTOMERS, *({"id": f"L{i}", "name": name, "country": "", "address": ""} for i, name in enumerate(LISTED))]
    screen_file(write_customers(tmp_path / "many.csv", rows), tmp_path / "many_hits.csv", "csv", db=db)
    con = open_review(db, read_only=True)
    try:
        every = [h["hit_id"] for h in hits_now(con, open_only=True)]
    finally:
        con.close()
    assert len(every) >= 8
    decide_hit(db, every[0], "false_positive", "another person", "alice", "different_dob")  # closed
    decide_hit(db, every[2], "unsure", "ask the customer", "alice", "needs_information")  # still open
    decide_hit(db, every[4], "true_match", "the listed man", "bob", "same_identity")  # closed
    decided = {every[0], every[2], every[4]}
    monkeypatch.setattr(runs, "READ_BATCH", 2)
    read: list[int] = []
    by_id = runs._by_id
    monkeypatch.setattr(runs, "_by_id", lambda con, ids: read.extend(ids) or by_id(con, ids))
    con = open_review(db, read_only=True)
    try:
        still = [h["hit_id"] for h in hits_now(con, open_only=True)]
        assert still == [every[1], every[2], every[3], *every[5:]]
        for offset in range(1, len(still) + 1):
            read.clear()
            page = [h["hit_id"] for h in hits_now(con, open_only=True, offset=offset, limit=1)]
            assert page == still[offset:offset + 1]
            # the decided hits, then a batch from the page on: none of the undecided hits before it
            assert set(read) - decided <= set(still[offset:]) and len(read) <= len(decided) + 2
        assert [h["hit_id"] for h in hits_now(con, offset=3, limit=3)] == every[3:6]  # decided or not
    finally:
        con.close()
