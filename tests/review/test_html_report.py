"""`screening report RUN -o report.html`: one self-contained page, checked in a real headless browser."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from screening.cli.main import main
from screening.review import decide_hit, hits_now, open_review
from screening.match.batch import screen_file

from .browser import browser, shot_path


def _report(db: Path, customers: Path, tmp_path: Path) -> tuple[int, Path]:
    """A run with three hits, one of them cleared by a decision made before it, written as HTML."""
    first = screen_file(customers, tmp_path / "one.csv", "csv", db=db).run_id
    con = open_review(db, read_only=True)
    try:
        hit = next(h["hit_id"] for h in hits_now(con, first) if h["input_id"] == "K1")
    finally:
        con.close()
    decide_hit(db, hit, "false_positive", "born 1980 <b>not</b> 1969", "alice", "different_dob", channel="cli")
    run = screen_file(customers, tmp_path / "two.csv", "csv", db=db).run_id
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(run), "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"run {run}: 3 hits written" in result.output
    return run, out


def test_the_report_is_one_file_that_loads_nothing_from_the_network(db: Path, customers: Path, tmp_path: Path):
    _, out = _report(db, customers, tmp_path)
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "default-src 'none'" in page
    assert "<b>not</b>" not in page  # the analyst's comment is data, never markup


def test_the_report_renders_and_its_filters_work_in_a_browser(db: Path, customers: Path, tmp_path: Path):
    run, out = _report(db, customers, tmp_path)
    with browser() as page:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        page.get(out.as_uri())
        visible = lambda: [h for h in page.find_elements(By.CSS_SELECTOR, ".hitrow") if h.is_displayed()]  # noqa: E731
        assert page.find_element(By.ID, "title").text == f"Screening run {run}: customers.csv"
        assert "us_ofac_sdn" in page.find_element(By.ID, "versions").text
        assert "2023-12-28" in page.find_element(By.ID, "versions").text
        assert len(page.find_elements(By.CSS_SELECTOR, ".customer")) == 3  # hits grouped by customer
        assert len(visible()) == 3
        assert len(page.find_elements(By.CSS_SELECTOR, ".wf .bar")) >= 6  # a waterfall per hit
        cleared = page.find_element(By.CSS_SELECTOR, '.hitrow[data-status="cleared"]')
        assert "cleared by alice" in cleared.text and "born 1980 <b>not</b> 1969" in cleared.text
        Select(page.find_element(By.ID, "f-status")).select_by_value("cleared")
        assert [h.get_attribute("data-status") for h in visible()] == ["cleared"]
        assert page.find_element(By.ID, "count").text == "1 of 3 hits shown"
        Select(page.find_element(By.ID, "f-status")).select_by_value("hit")
        assert len(visible()) == 2
        assert all(card.is_displayed() is False for card in page.find_elements(By.CSS_SELECTOR, ".customer")
                   if not card.find_elements(By.CSS_SELECTOR, '.hitrow[data-status="hit"]'))
        Select(page.find_element(By.ID, "f-status")).select_by_value("")
        Select(page.find_element(By.ID, "f-kind")).select_by_value("address")  # no address hits here
        assert visible() == [] and page.find_element(By.ID, "count").text == "0 of 3 hits shown"
        Select(page.find_element(By.ID, "f-kind")).select_by_value("")
        Select(page.find_element(By.ID, "f-list")).select_by_value("us_ofac_sdn")
        score = page.find_element(By.ID, "f-score")
        score.clear()
        score.send_keys("0.999")
        assert len(visible()) == 0
        score.clear()
        score.send_keys("0.5")
        assert len(visible()) == 3
        shot = shot_path(f"report-run-{run}.png")
        page.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    print(f"screenshot of the HTML report: {shot}")
