"""Decisions that stick, and come back when they should: on real SDN rows of two dates."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from screening.audit import chain
from screening.review import decide_hit, hits_now, open_review
from screening.review.decisions import DecisionError, decision_history
from screening.match.batch import screen_file

from .conftest import CUSTOMERS, SECOND, load_day, read_rows, write_customers


def screen(db: Path, customers: Path, output: Path) -> tuple[int, dict[str, dict], int]:
    """(run id, output row of each customer with a hit by id, exit code)."""
    summary = screen_file(customers, output, "csv", db=db)
    rows = {r["input_id"]: r for r in read_rows(output) if r["status"] in ("hit", "cleared")}
    return summary.run_id, rows, summary.exit_code


def hit_id(db: Path, run_id: int, input_id: str) -> int:
    con = open_review(db, read_only=True)
    try:
        found = [h for h in hits_now(con, run_id) if h["input_id"] == input_id]
    finally:
        con.close()
    assert len(found) == 1, found
    return found[0]["hit_id"]


def clear(db: Path, run_id: int, input_id: str, **extra) -> int:
    decision = decide_hit(db, hit_id(db, run_id, input_id), "false_positive", "not the listed party: other "
                          "date of birth on file", "alice", "different_dob", channel="cli", **extra)
    return decision.decision_id


def test_a_cleared_hit_stays_cleared_on_a_rescreen_of_the_same_customer(db: Path, customers: Path, tmp_path: Path):
    run, rows, code = screen(db, customers, tmp_path / "first.csv")
    assert {k: r["status"] for k, r in rows.items()} == {"K1": "hit", "K2": "hit", "K3": "hit"}
    assert code == 1
    decided = clear(db, run, "K1")
    run2, rows, code = screen(db, customers, tmp_path / "second.csv")
    assert run2 == run + 1
    assert rows["K1"]["status"] == "cleared"  # still in the output, nothing hidden
    assert rows["K1"]["decision_id"] == str(decided)
    assert "cleared by alice" in rows["K1"]["decision_note"]
    assert rows["K2"]["status"] == "hit" and rows["K2"]["decision_id"] == ""
    assert code == 1  # K2 and K3 still hit
    con = open_review(db, read_only=True)
    try:
        stored = {h["input_id"]: h for h in hits_now(con, run2)}
    finally:
        con.close()
    assert stored["K1"]["status"] == "cleared" and stored["K1"]["decision_id"] == decided


def test_every_hit_cleared_is_a_clean_exit(db: Path, customers: Path, tmp_path: Path):
    run, _, _ = screen(db, customers, tmp_path / "first.csv")
    for input_id in ("K1", "K2", "K3"):
        clear(db, run, input_id)
    _, rows, code = screen(db, customers, tmp_path / "second.csv")
    assert {r["status"] for r in rows.values()} == {"cleared"}
    assert code == 0


def test_a_cleared_hit_comes_back_after_a_real_list_update_that_changes_its_entry(db: Path, customers: Path,
                                                                                   tmp_path: Path):
    run, rows, _ = screen(db, customers, tmp_path / "first.csv")
    assert rows["K1"]["list_refs"] == "us_ofac_sdn:29360" and rows["K3"]["list_refs"] == "us_ofac_sdn:7744"
    clear(db, run, "K1")
    control = clear(db, run, "K3")
    load_day(db, SECOND, tmp_path)  # OFAC's 2024-04-26 file: 29360 moved to GLOMAG, 7744 unchanged
    _, rows, code = screen(db, customers, tmp_path / "after-update.csv")
    day = chain.utc_now().strftime("%Y-%m-%d")
    assert rows["K1"]["status"] == "hit"
    assert rows["K1"]["decision_note"] == f"listing changed since cleared on {day}"
    assert rows["K3"]["status"] == "cleared" and rows["K3"]["decision_id"] == str(control)
    assert code == 1


def test_a_cleared_hit_comes_back_when_the_customers_address_changes(db: Path, customers: Path, tmp_path: Path):
    run, _, _ = screen(db, customers, tmp_path / "first.csv")
    clear(db, run, "K1")
    moved = [dict(c, address="7 Borrowdale Road, Harare") if c["id"] == "K1" else c for c in CUSTOMERS]
    _, rows, _ = screen(db, write_customers(tmp_path / "moved.csv", moved), tmp_path / "moved-out.csv")
    assert rows["K1"]["status"] == "hit"
    assert rows["K1"]["decision_note"].startswith("customer data changed since cleared on ")
    # the same fields again (case and spacing aside): cleared again
    again = [dict(c, address="14  ENTERPRISE road, Harare") if c["id"] == "K1" else c for c in CUSTOMERS]
    _, rows, _ = screen(db, write_customers(tmp_path / "again.csv", again), tmp_path / "again-out.csv")
    assert rows["K1"]["status"] == "cleared"


def test_a_customer_without_an_id_is_known_by_its_screened_fields(db: Path, tmp_path: Path):
    plain = [{"id": "", "name": c["name"], "country": c["country"], "address": c["address"]} for c in CUSTOMERS]
    first = write_customers(tmp_path / "plain.csv", plain)
    run, _, _ = screen(db, first, tmp_path / "first.csv")
    clear(db, run, "1")  # the row number stands for the id
    _, rows, _ = screen(db, first, tmp_path / "second.csv")
    assert rows["1"]["status"] == "cleared"
    plain[0]["address"] = "7 Borrowdale Road, Harare"
    _, rows, _ = screen(db, write_customers(tmp_path / "moved.csv", plain), tmp_path / "third.csv")
    assert rows["1"]["status"] == "hit" and rows["1"]["decision_id"] == ""  # another customer as far as we know


def test_a_good_guy_exemption_expires(db: Path, customers: Path, tmp_path: Path, monkeypatch):
    run, _, _ = screen(db, customers, tmp_path / "first.csv")
    until = (chain.utc_now() + timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)
    decided = decide_hit(db, hit_id(db, run, "K2"), "false_positive", "long-standing customer, KYC file 2291",
                         "bob", "known_customer", good_guy_until=until, channel="cli").decision_id
    _, rows, _ = screen(db, customers, tmp_path / "within.csv")
    assert rows["K2"]["status"] == "cleared" and rows["K2"]["decision_id"] == str(decided)
    assert f"good-guy exemption until {until:%Y-%m-%d}" in rows["K2"]["decision_note"]
    later = until + timedelta(days=1)
    monkeypatch.setattr(chain, "utc_now", lambda: later)
    _, rows, _ = screen(db, customers, tmp_path / "after.csv")
    assert rows["K2"]["status"] == "hit"
    assert rows["K2"]["decision_note"] == f"exemption expired on {until:%Y-%m-%d}"


def test_decisions_are_appended_and_the_latest_stands(db: Path, customers: Path, tmp_path: Path):
    run, _, _ = screen(db, customers, tmp_path / "first.csv")
    hit = hit_id(db, run, "K1")
    first = decide_hit(db, hit, "unsure", "asked the branch for the passport", "alice", "needs_information")
    second = decide_hit(db, hit, "false_positive", "passport shows another person", "carol", "different_dob")
    assert second.supersedes == first.decision_id
    _, rows, _ = screen(db, customers, tmp_path / "second.csv")
    assert rows["K1"]["status"] == "cleared" and rows["K1"]["decision_id"] == str(second.decision_id)
    con = open_review(db, read_only=True)
    try:
        history = decision_history(con, second.customer_key, second.entity_id)
    finally:
        con.close()
    assert [(d.verdict, d.analyst) for d in history] == [("unsure", "alice"), ("false_positive", "carol")]


@pytest.mark.parametrize("verdict, reason, comment, problem", [
    ("cleared", "other", "x", "verdict 'cleared' is not one of"),
    ("false_positive", "same_identity", "x", "does not go with verdict"),
    ("false_positive", "different_dob", "  ", "the comment is empty"),
])
def test_a_bad_decision_is_refused_and_nothing_recorded(db: Path, customers: Path, tmp_path: Path, verdict, reason,
                                                        comment, problem):
    run, _, _ = screen(db, customers, tmp_path / "first.csv")
    with pytest.raises(DecisionError, match=problem):
        decide_hit(db, hit_id(db, run, "K1"), verdict, comment, "alice", reason)
    con = open_review(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM review_decisions").fetchone()[0] == 0
    finally:
        con.close()


def test_the_review_page_calls_list_open_hits_with_the_entitys_entries_and_record_a_decision(
        db: Path, customers: Path, tmp_path: Path):
    from screening.review import open_hits

    run, _, _ = screen(db, customers, tmp_path / "first.csv")
    found = {h["input_id"]: h for h in open_hits(db)}
    assert sorted(found) == ["K1", "K2", "K3"]
    entry = found["K1"]["entity"][0]
    assert (entry["source"], entry["source_id"], entry["version"]) == ("us_ofac_sdn", "29360", "2023-12-28")
    assert entry["file"] == "sdn.csv" and entry["location"]  # provenance: file and line
    assert "ZIMBABWE" in entry["programs"]
    decision = decide_hit(db, found["K1"]["hit_id"], "false_positive", "checked on the page", "api-key-ops",
                          "common_name")  # the page's channel and its API key's name
    assert (decision.channel, decision.analyst) == ("page", "api-key-ops")
    assert sorted(h["input_id"] for h in open_hits(db)) == ["K2", "K3"]
