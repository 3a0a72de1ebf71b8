"""Writing results: the output path checked before any work, atomic writes in every format,
the input_row column, and CSV for Excel."""
from __future__ import annotations

import csv
import json
import os

import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from screening import report
from screening.match import Hit, RowResult
from screening.report import OutputError, check_output, output_columns, write_results

INPUT = {"customer_id": ["C1", "C1", "C2"], "name": ["Иван Петров", "王伟", "=cmd"]}


def results() -> list[RowResult]:
    hit = Hit("E1", 0.9, "un_sc:QDi.001", "Ivan Petrov", "name", "same name", [])
    return [RowResult(0, "C1", "hit", [hit]), RowResult(1, "C1", "no_hit"),
            RowResult(2, "C2", "error", error="line 4: invalid UTF-8 byte 0xff at column 3")]


def read_back(path, fmt) -> list[dict]:
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    if fmt == "json":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_input_row_follows_input_id_and_tells_repeated_ids_apart(tmp_path, fmt):
    out = tmp_path / f"hits.{fmt}"
    assert write_results(results(), INPUT, out, fmt) == 3
    rows = read_back(out, fmt)
    assert list(rows[0])[:3] == ["input_id", "input_row", "status"]
    assert [(r["input_id"], int(r["input_row"]), r["status"]) for r in rows] == [
        ("C1", 1, "hit"), ("C1", 2, "no_hit"), ("C2", 3, "error")]


def test_parquet_rows_are_streamed_in_row_groups_and_an_empty_result_keeps_its_columns(tmp_path, monkeypatch):
    from screening import writers

    monkeypatch.setattr(writers, "PARQUET_BATCH_ROWS", 2)
    out = tmp_path / "hits.parquet"
    assert write_results(results(), INPUT, out, "parquet") == 3
    assert pq.ParquetFile(out).metadata.num_row_groups == 2  # 2 rows, then 1: never all rows at once
    assert [r["status"] for r in pq.read_table(out).to_pylist()] == ["hit", "no_hit", "error"]
    empty = tmp_path / "none.parquet"
    assert write_results([], {"customer_id": [], "name": []}, empty, "parquet") == 0
    table = pq.read_table(empty)
    assert table.num_rows == 0 and table.column_names[:3] == ["input_id", "input_row", "status"]


def test_xlsx_rows_beyond_a_sheet_continue_on_the_next_sheet(tmp_path, monkeypatch):
    """Excel's sheets hold 1,048,576 rows; the writer drops rows beyond them without a word, so
    a bigger output goes on, under the same header, on more sheets: no row is lost."""
    from screening import writers

    monkeypatch.setattr(writers, "XLSX_SHEET_ROWS", 3)  # a header and two rows a sheet
    many = [RowResult(i, f"C{i}", "no_hit") for i in range(5)]
    out = tmp_path / "hits.xlsx"
    assert write_results(many, {"customer_id": [f"C{i}" for i in range(5)]}, out, "xlsx") == 5
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["hits", "hits 2", "hits 3"]
    sheets = [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
    assert all(rows[0][:3] == ["input_id", "input_row", "status"] for rows in sheets)
    assert [int(r[1]) for rows in sheets for r in rows[1:]] == [1, 2, 3, 4, 5]
    empty = tmp_path / "none.xlsx"
    assert write_results([], {"customer_id": []}, empty, "xlsx") == 0
    assert CalamineWorkbook.from_path(str(empty)).sheet_names == ["hits"]


def test_an_input_column_named_input_row_is_kept_under_another_name():
    assert output_columns(["input_row", "name"])[-2:] == ["input_input_row", "name"]


def kill_mid_write(fmt: str, monkeypatch) -> None:
    """Make the writer of ``fmt`` die after writing part of its file, as a killed process would:
    every format is written row by row, so die after the first row."""
    real = report.result_rows

    def rows_then_die(*args, **kwargs):
        rows = real(*args, **kwargs)
        yield next(rows)
        raise RuntimeError("killed")

    monkeypatch.setattr(report, "result_rows", rows_then_die)


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_a_killed_write_leaves_the_previous_output_in_place(tmp_path, fmt, monkeypatch):
    out = tmp_path / f"hits.{fmt}"
    out.write_bytes(b"previous output")
    kill_mid_write(fmt, monkeypatch)
    with pytest.raises(RuntimeError, match="killed"):
        write_results(results(), INPUT, out, fmt)
    assert out.read_bytes() == b"previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary file left behind


def test_a_new_output_gets_the_usual_permissions(tmp_path):
    out = tmp_path / "hits.csv"
    mask = os.umask(0o022)
    try:
        write_results(results(), INPUT, out, "csv")
    finally:
        os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o644
    os.chmod(out, 0o600)
    write_results(results(), INPUT, out, "csv")  # replacing a file keeps its mode
    assert out.stat().st_mode & 0o777 == 0o600


def test_output_is_checked_before_any_work(tmp_path):
    source = tmp_path / "customers.csv"
    source.write_text("name\nIvan\n", encoding="utf-8")
    with pytest.raises(OutputError, match="does not exist"):
        check_output(tmp_path / "missing" / "hits.csv", "csv", (source,))
    with pytest.raises(OutputError, match="is the input file"):
        check_output(tmp_path / "sub" / ".." / "customers.csv", "csv", (source,))
    (tmp_path / "link.csv").symlink_to(source)
    with pytest.raises(OutputError, match="is the input file"):
        check_output(tmp_path / "link.csv", "csv", (source,))
    os.link(source, tmp_path / "hard.csv")
    with pytest.raises(OutputError, match="is the input file"):
        check_output(tmp_path / "hard.csv", "csv", (source,))
    with pytest.raises(OutputError, match="is a folder"):
        check_output(tmp_path, "csv", (source,))
    with pytest.raises(OutputError, match="--format xlsx needs an output file"):
        check_output(None, "xlsx")
    with pytest.raises(OutputError, match="--excel applies to CSV output"):
        check_output(tmp_path / "hits.xlsx", "xlsx", excel=True)
    check_output(tmp_path / "hits.csv", "csv", (source,))  # a new file in a writable folder is fine


def test_excel_csv_has_a_byte_order_mark(tmp_path):
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    write_results(results(), INPUT, plain, "csv")
    write_results(results(), INPUT, excel, "csv", excel=True)
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    assert "Иван Петров" in excel.read_text(encoding="utf-8-sig")


def test_rescreen_output_is_written_atomically_too(tmp_path):
    from screening.rescreen import RescreenResult, write_rescreen

    class Killed(dict):
        def get(self, *args):
            raise RuntimeError("killed")

    out = tmp_path / "changes.csv"
    out.write_bytes(b"previous changes")
    result = RescreenResult(["change", "input_id"], [{"change": "new", "input_id": "C1"}, Killed()], {}, [])
    with pytest.raises(RuntimeError, match="killed"):
        write_rescreen(result, out)
    assert out.read_bytes() == b"previous changes"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
