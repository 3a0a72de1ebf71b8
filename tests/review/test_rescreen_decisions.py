"""`rescreen` of a registered customer file applies the decisions, and raises lapsed ones again."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from screening.cli.main import main
from screening.review import decide_hit, hits_now, open_review
from screening.rescreen import register_customers, rescreen

from .conftest import SECOND, load_day


def test_rescreen_raises_a_cleared_hit_again_when_its_listing_changed(db: Path, customers: Path, tmp_path: Path):
    register_customers(customers, "book", db=db)
    first = rescreen(db)  # nothing changed yet: recorded as a run all the same
    assert first.rows == [] and first.run_id is not None
    screened = CliRunner().invoke(main, ["screen", str(customers), "-o", str(tmp_path / "hits.csv"), "--db", str(db)])
    assert screened.exit_code == 1, screened.output
    con = open_review(db, read_only=True)
    try:
        hits = {h["input_id"]: h["hit_id"] for h in hits_now(con)}
    finally:
        con.close()
    for input_id in ("K1", "K3"):
        decide_hit(db, hits[input_id], "false_positive", "other person", "alice", "common_name", channel="cli")
    load_day(db, SECOND, tmp_path)  # 29360 (K1) changed, 7744 (K3) did not
    result = rescreen(db)
    raised = {r["input_id"]: r for r in result.rows}
    assert "K3" not in raised
    assert raised["K1"]["change"] == "changed" and raised["K1"]["status"] == "hit"
    assert raised["K1"]["decision_note"].startswith("listing changed since cleared on ")
    assert result.exit_code == 1
    con = open_review(db, read_only=True)
    try:
        run = [h for h in hits_now(con, result.run_id)]
    finally:
        con.close()
    assert [(h["input_id"], h["status"]) for h in run if h["input_id"] == "K1"] == [("K1", "hit")]
    con = open_review(db, read_only=True)
    try:
        kinds = [r[0] for r in con.execute("SELECT kind FROM review_runs ORDER BY run_id").fetchall()]
        added = con.execute("SELECT input_file, rows, hits FROM review_runs WHERE kind = 'customers_add'").fetchone()
    finally:
        con.close()
    assert kinds == ["customers_add", "rescreen", "screen", "rescreen"]
    assert added == ("customers.csv", 4, 3)
