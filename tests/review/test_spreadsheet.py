"""The analysts' spreadsheet loop: export open hits, fill the decisions in, import them (all or nothing)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from screening.cli.main import main
from screening.review import hits_now, open_review
from screening.review.model import VERDICTS
from screening.review.spreadsheet import SpreadsheetRejected, import_review
from screening.match.batch import screen_file

from .conftest import read_rows


def _sheets(path: Path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _save(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write the sheets back as an analyst's spreadsheet program would save the filled-in file."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    sheet.write(r, c, value)
    book.close()
    return path


def _fill(rows: list[list], header: list[str], row: int, **values) -> None:
    for column, value in values.items():
        rows[row][header.index(column)] = value


def _decisions(db: Path) -> int:
    con = open_review(db, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM review_decisions").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def exported(db: Path, customers: Path, tmp_path: Path) -> tuple[int, Path]:
    run = screen_file(customers, tmp_path / "hits.csv", "csv", db=db).run_id
    result = CliRunner().invoke(main, ["review", "export", str(run), "-o", str(tmp_path / "review.xlsx"),
                                       "--db", str(db)])
    assert result.exit_code == 0, result.output
    return run, tmp_path / "review.xlsx"


def test_the_export_has_the_open_hits_side_by_side_and_a_verdict_drop_down(exported):
    run, path = exported
    review = _sheets(path)["review"]
    header = review[0]
    rows = [dict(zip(header, r)) for r in review[1:]]
    assert sorted(r["input_id"] for r in rows) == ["K1", "K2", "K3"]
    tagwirei = next(r for r in rows if r["input_id"] == "K1")
    assert tagwirei["customer_name"] == "Kudakwashe Regimond Tagwirei"
    assert tagwirei["matched_name"] == "TAGWIREI, Kudakwashe Regimond" and tagwirei["list_refs"] == "us_ofac_sdn:29360"
    assert "same name" in tagwirei["explanation"]
    assert all(r["verdict"] in ("", None) for r in rows)
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    lists = re.findall(r'<dataValidation type="list".*?<formula1>"?([^<"]*)"?</formula1>', sheet_xml, re.S)
    assert ",".join(VERDICTS) in lists


def test_a_spreadsheet_round_trip_records_the_decisions_and_the_next_screening_applies_them(
        db: Path, customers: Path, tmp_path: Path, exported):
    run, path = exported
    sheets = _sheets(path)
    header, rows = sheets["review"][0], sheets["review"]
    by_id = {r[header.index("input_id")]: i for i, r in enumerate(rows) if i}
    _fill(rows, header, by_id["K1"], verdict="false_positive", reason_code="different_dob",
          comment="DOB 1980-04-02 on the passport")
    _fill(rows, header, by_id["K3"], verdict="escalated", reason_code="needs_compliance", comment="for the MLRO")
    filled = _save(tmp_path / "filled.xlsx", sheets)
    result = CliRunner().invoke(main, ["review", "import", str(filled), "--analyst", "dana", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 decisions recorded by dana, 1 rows left undecided" in result.output
    summary = screen_file(customers, tmp_path / "again.csv", "csv", db=db)
    status = {r["input_id"]: r["status"] for r in read_rows(tmp_path / "again.csv") if r["entity_id"]}
    assert status == {"K1": "cleared", "K2": "hit", "K3": "hit"}
    con = open_review(db, read_only=True)
    try:
        open_now = {h["input_id"]: h for h in hits_now(con, summary.run_id, open_only=True)}
        channels = {r[0] for r in con.execute("SELECT channel FROM review_decisions").fetchall()}
    finally:
        con.close()
    assert sorted(open_now) == ["K2", "K3"]  # escalated stays open
    assert "escalated (dana" in open_now["K3"]["note_now"]
    assert channels == {"spreadsheet"}


def test_a_bad_spreadsheet_is_rejected_whole_with_each_problem_named_by_row(
        db: Path, customers: Path, tmp_path: Path, exported):
    run, path = exported
    sheets = _sheets(path)
    header, rows = sheets["review"][0], sheets["review"]
    by_id = {r[header.index("input_id")]: i for i, r in enumerate(rows) if i}
    _fill(rows, header, by_id["K1"], verdict="false_positive", reason_code="different_dob", comment="fine row")
    _fill(rows, header, by_id["K2"], verdict="probably_fine", reason_code="other", comment="unknown verdict")
    _fill(rows, header, by_id["K3"], verdict="false_positive", reason_code="common_name", comment="edited id",
          input_id="K9")
    stale = list(rows[by_id["K1"]])
    stale[header.index("hit_id")] = 9999
    rows.append(stale)
    bad = _save(tmp_path / "bad.xlsx", sheets)
    with pytest.raises(SpreadsheetRejected) as caught:
        con = open_review(db)
        try:
            import_review(con, bad, "erin")
        finally:
            con.close()
    problems = caught.value.problems
    assert f"row {by_id['K2'] + 1}: verdict 'probably_fine' is not one of true_match, false_positive, unsure, " \
           f"escalated" in problems
    assert any(p.startswith(f"row {by_id['K3'] + 1}: input_id edited: 'K9' in the file, 'K3'") for p in problems)
    assert any(p.startswith(f"row {len(rows)}: hit 9999 does not exist") for p in problems)
    assert len(problems) == 3  # the good row has none
    assert _decisions(db) == 0  # not even the good row was applied
    result = CliRunner().invoke(main, ["review", "import", str(bad), "--analyst", "erin", "--db", str(db)])
    assert result.exit_code == 2 and "rejected, nothing recorded (3 problems)" in result.output
    assert _decisions(db) == 0


def test_a_row_decided_elsewhere_since_the_export_is_stale(db: Path, tmp_path: Path, exported):
    run, path = exported
    sheets = _sheets(path)
    header, rows = sheets["review"][0], sheets["review"]
    row = next(i for i, r in enumerate(rows) if i and r[header.index("input_id")] == "K2")
    hit = int(rows[row][header.index("hit_id")])
    result = CliRunner().invoke(main, ["review", "decide", str(hit), "--verdict", "true_match", "--reason",
                                       "same_identity", "--comment", "confirmed", "--analyst", "frank", "--db", str(db)])
    assert result.exit_code == 0, result.output
    _fill(rows, header, row, verdict="false_positive", reason_code="common_name", comment="late")
    with pytest.raises(SpreadsheetRejected, match=rf"row {row + 1}: stale: hit {hit} was decided after this file"):
        con = open_review(db)
        try:
            import_review(con, _save(tmp_path / "late.xlsx", sheets), "gina")
        finally:
            con.close()
    assert _decisions(db) == 1
