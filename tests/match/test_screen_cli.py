"""`screening screen` and `screening check` through click's runner."""
from __future__ import annotations

import csv
import json

from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from cli.main import main

HEADER = "customer_id,full_name,country,address\n"
ROWS = [
    "C1,Saddam Hussein al-Tikriti,IQ,\n",
    "C2,Maria Schneider,DE,Berlin\n",
    "C3,=HYPERLINK(\"http://x\"),US,\n",
    "C4,too,many,fields,here\n",
    "C5,,FR,\n",
]


def run(args):
    return CliRunner().invoke(main, args)


def write_input(tmp_path, rows=ROWS):
    path = tmp_path / "customers.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_screen_csv_every_row_present_and_exit_1_on_hit(screen_db, tmp_path):
    out = tmp_path / "hits.csv"
    result = run(["screen", str(write_input(tmp_path)), "-o", str(out), "--db", screen_db])
    assert result.exit_code == 1, result.output
    rows = read_csv(out)
    assert {r["input_id"] for r in rows} == {"C1", "C2", "C3", "C4", "C5"}
    by_id = {}
    for r in rows:
        by_id.setdefault(r["input_id"], []).append(r)
    assert any("un_sc:IQi.001" in r["list_refs"].split(";") for r in by_id["C1"])
    assert by_id["C1"][0]["status"] == "hit" and 0 <= float(by_id["C1"][0]["score"]) <= 1
    assert by_id["C2"][0]["status"] == "no_hit"
    assert by_id["C4"][0]["status"] == "error" and "fields" in by_id["C4"][0]["explanation"]
    assert by_id["C5"][0]["status"] == "error" and "empty name" in by_id["C5"][0]["explanation"]
    # the input's own columns follow, with formulas neutralised
    assert by_id["C3"][0]["full_name"].startswith("'=")
    assert "columns used" in result.stderr and "rows screened" in result.stderr


def test_screen_exit_0_without_hits_and_row_numbers_as_ids(screen_db, tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text("name;country\nMaria Schneider;DE\nTomas Novak;CZ\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run(["screen", str(path), "-o", str(out), "--db", screen_db])
    assert result.exit_code == 0, result.output
    assert [(r["input_id"], r["status"]) for r in read_csv(out)] == [("1", "no_hit"), ("2", "no_hit")]


def test_screen_xlsx_output_is_formula_safe(screen_db, tmp_path):
    out = tmp_path / "hits.xlsx"
    result = run(["screen", str(write_input(tmp_path)), "-o", str(out), "--db", screen_db])
    assert result.exit_code == 1, result.output
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    header = rows[0]
    assert header[:8] == ["input_id", "status", "entity_id", "score", "list_refs", "matched_name",
                          "match_kind", "explanation"]
    names = [r[header.index("full_name")] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_screen_json_and_parquet(screen_db, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "hits.jsonl"
    run(["screen", str(write_input(tmp_path)), "-o", str(out), "--db", screen_db])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    hit = next(r for r in records if r["status"] == "hit")
    assert hit["explanation"]["waterfall"][0]["comparison"] == "prior"
    out = tmp_path / "hits.parquet"
    run(["screen", str(write_input(tmp_path)), "-o", str(out), "--format", "parquet", "--db", screen_db])
    assert set(pq.read_table(out).column("input_id").to_pylist()) == {"C1", "C2", "C3", "C4", "C5"}


def test_screen_explicit_columns_and_missing_file(screen_db, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("ref,who\nR1,Saddam Hussein al-Tikriti\n", encoding="utf-8")
    result = run(["screen", str(path), "--id-column", "ref", "--name-column", "who", "--db", screen_db])
    assert result.exit_code == 1
    assert "R1,hit," in result.stdout
    result = run(["screen", str(tmp_path / "nope.csv"), "--db", screen_db])
    assert result.exit_code == 2


def test_check_hit_json_and_no_hit(screen_db):
    result = run(["check", "Saddam Hussein al-Tikriti", "--country", "IQ", "--json", "--db", screen_db])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["status"] == "hit"
    assert any("un_sc:IQi.001" in h["list_refs"] for h in data["hits"])
    result = run(["check", "Maria Schneider", "--country", "DE", "--db", screen_db])
    assert result.exit_code == 0
    assert "no hit" in result.stdout
    result = run(["check", "X", "--dob", "not a date", "--db", screen_db])
    assert result.exit_code == 2
