"""`screening screen` and `screening check` through click's runner."""
from __future__ import annotations

import csv
import gzip
import json

import pytest
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


def test_screen_csv_every_row_present_and_exit_3_when_rows_in_error(screen_db, tmp_path):
    out = tmp_path / "hits.csv"
    result = run(["screen", str(write_input(tmp_path)), "-o", str(out), "--db", screen_db])
    assert result.exit_code == 3, result.output  # C4 and C5 not screened: incomplete outranks hits
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
    assert "columns used" in result.stderr
    # the summary says both: the hits, and the rows nobody screened
    assert "5 rows: 3 screened, 1 with hits" in result.stderr and "2 NOT screened (status=error)" in result.stderr


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
    assert result.exit_code == 3, result.output
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    header = rows[0]
    assert header[:9] == ["input_id", "input_row", "status", "entity_id", "score", "list_refs", "matched_name",
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
    assert "R1,1,hit," in result.stdout
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


def test_screen_split_name_columns_and_repeated_name_column(screen_db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("id,first_name,last_name,country\nP1,Saddam Hussein,al-Tikriti,IQ\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = run(["screen", str(path), "-o", str(out), "--db", screen_db])
    assert "name=first_name+last_name" in result.stderr
    hit = read_csv(out)[0]
    assert result.exit_code == 1 and "un_sc:IQi.001" in hit["list_refs"].split(";")
    assert "'Saddam Hussein al-Tikriti'" in hit["explanation"]  # the whole name was compared
    result = run(["screen", str(path), "--name-column", "last_name", "--name-column", "first_name",
                  "--db", screen_db])
    assert "name=last_name+first_name" in result.stderr
    assert "'al-Tikriti Saddam Hussein'" in result.stdout


def test_screen_german_file_below_a_title_row(screen_db, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("Kundenliste;;\nKundennummer;Firmenname;Land\nK1;Saddam Hussein al-Tikriti;Irak\n",
                    encoding="utf-8")
    result = run(["screen", str(path), "--header-row", "2", "--db", screen_db])
    assert result.exit_code == 1, result.output
    assert "columns used: id=Kundennummer, name=Firmenname, country=Land" in result.stderr
    assert "K1,1,hit," in result.stdout


def test_screen_bad_byte_is_an_error_row_and_other_rows_are_screened(screen_db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes("id,name\nC1,صدام حسين التكريتي\n".encode() + b"C2,Jos\xff Garcia\n")
    out = tmp_path / "hits.csv"
    result = run(["screen", str(path), "-o", str(out), "--db", screen_db])
    assert result.exit_code == 3, result.output  # a hit, and a row not screened
    rows = read_csv(out)
    assert any(r["input_id"] == "C1" and "un_sc:IQi.001" in r["list_refs"] for r in rows)
    bad = [r for r in rows if r["input_id"] == "C2"]
    assert [(b["status"], b["explanation"]) for b in bad] == [("error", "line 3: invalid UTF-8 byte 0xff at column 7")]
    assert "1 NOT screened (status=error)" in result.stderr


def test_screen_gzip_named_csv_is_one_clean_error_line(screen_db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(gzip.compress(b"name\nIvan Petrov\n"))
    result = run(["screen", str(path), "--db", screen_db])
    assert result.exit_code == 2
    assert result.stderr == "error: customers.csv: looks like a gzip file, not CSV text\n"


@pytest.fixture
def no_screening(monkeypatch):
    """Fail the test if anything is screened."""
    def refuse(*args, **kwargs):
        raise AssertionError("screened before the output was checked")

    monkeypatch.setattr("screening.match.batch.screen_stream", refuse)


def test_screen_checks_the_output_before_screening(screen_db, tmp_path, no_screening):
    source = write_input(tmp_path)
    before = source.read_bytes()
    for output, message in ((tmp_path / "missing" / "hits.csv", "does not exist"),
                            (tmp_path / "." / "customers.csv", "is the input file")):
        result = run(["screen", str(source), "-o", str(output), "--db", screen_db])
        assert result.exit_code == 2 and message in result.stderr, result.output
    assert source.read_bytes() == before
    result = run(["screen", str(source), "--format", "parquet", "--db", screen_db])
    assert result.exit_code == 2 and "needs an output file" in result.stderr


def test_screen_repeated_ids_are_warned_and_told_apart_by_input_row(screen_db, tmp_path):
    path = tmp_path / "dups.csv"
    path.write_text("customer_id,name\nC1,Maria Schneider\nC1,Tomas Novak\nC2,Anna Berg\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run(["screen", str(path), "-o", str(out), "--db", screen_db])
    assert "warning: 1 customer id appears on more than one row ('C1' on rows 1, 2)" in result.stderr
    rows = read_csv(out)
    assert [(r["input_id"], r["input_row"], r["name"]) for r in rows] == [
        ("C1", "1", "Maria Schneider"), ("C1", "2", "Tomas Novak"), ("C2", "3", "Anna Berg")]


def test_screen_excel_csv_has_a_byte_order_mark(screen_db, tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("name\nИван Петров\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run(["screen", str(path), "-o", str(out), "--excel", "--db", screen_db])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfinput_id,input_row,")
    result = run(["screen", str(path), "-o", str(tmp_path / "out.xlsx"), "--excel", "--db", screen_db])
    assert result.exit_code == 2 and "--excel applies to CSV output" in result.stderr


def test_customers_add_shares_the_reading_options(tmp_path, monkeypatch):
    seen = {}

    def register(path, name, columns, **kwargs):
        seen.update(columns=columns, **kwargs)
        raise ValueError("stop here")

    monkeypatch.setattr("cli.refresh_commands.register_customers", register)
    result = run(["customers", "add", "book.xlsx", "--name-column", "first,last", "--name-column", "middle",
                  "--header-row", "3", "--sheet", "Kunden", "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2
    assert seen["columns"]["name"] == ("first,last", "middle")
    assert (seen["header_row"], seen["sheet"]) == (3, "Kunden")


def test_rescreen_checks_the_output_before_moving_its_baseline(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("re-screened before the output was checked")

    monkeypatch.setattr("cli.refresh_commands.rescreen", refuse)
    result = run(["rescreen", "-o", str(tmp_path / "missing" / "changes.csv"), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and "does not exist" in result.stderr, result.output


def test_screen_exit_codes_say_whether_every_row_was_screened(screen_db, tmp_path):
    """0 only when every row was screened and none hit; rows in error give 3 with or without hits;
    a file without rows is an input error (2), not an all clear."""
    cases = {
        "clean": ("name\nMaria Schneider\nTomas Novak\n", 0),
        "hits": ("name\nMaria Schneider\nSaddam Hussein al-Tikriti\n", 1),
        "all_errors": ("name,dob\n!!!,\nMaria Schneider,31/31/2000\n", 3),
        "errors_no_hit": ("name\nMaria Schneider\n!!!\n", 3),
        "errors_and_hits": ("name\nSaddam Hussein al-Tikriti\n!!!\n", 3),
        "no_rows": ("name\n", 2),
    }
    for label, (text, code) in cases.items():
        path = tmp_path / f"{label}.csv"
        path.write_text(text, encoding="utf-8")
        out = tmp_path / f"{label}.out.csv"
        result = run(["screen", str(path), "-o", str(out), "--db", screen_db])
        assert result.exit_code == code, (label, result.output)
    statuses = [r["status"] for r in read_csv(tmp_path / "errors_and_hits.out.csv")]
    assert "hit" in statuses and "error" in statuses  # exit 3, and the hit is still in the output
    assert not (tmp_path / "no_rows.out.csv").exists()


def test_screen_summary_names_the_output_and_the_context_file(screen_db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("name\nSaddam Hussein al-Tikriti\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = run(["screen", str(path), "-o", str(out), "--db", screen_db])
    assert f"written to {out}" in result.stderr
    assert f"{out}.context.json" in result.stderr and (tmp_path / "hits.csv.context.json").is_file()
    result = run(["screen", str(path), "--db", screen_db])
    assert "written to standard output" in result.stderr and "input_id,input_row,status" in result.stdout


def test_screen_json_prints_the_run_summary_a_script_reads(screen_db, tmp_path):
    out = tmp_path / "hits.csv"
    result = run(["screen", str(write_input(tmp_path)), "-o", str(out), "--db", screen_db, "--json"])
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == result.exit_code == 3
    assert (summary["rows"], summary["errors"], summary["hit_rows"]) == (5, 2, 1)
    assert summary["hits"] == sum(r["status"] == "hit" for r in read_csv(out))
    assert summary["output"] == str(out) and summary["context_file"] == f"{out}.context.json"
    assert isinstance(summary["run_id"], int) and summary["rows_per_second"] > 0
    assert "5 rows:" not in result.stderr  # the summary line is the JSON now
    # the results go to stdout without -o: the summary has no room there
    result = run(["screen", str(write_input(tmp_path)), "--db", screen_db, "--json"])
    assert result.exit_code == 2 and "-o" in result.stderr


def test_unrecognised_countries_are_counted_named_and_warned(screen_db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("name,country\nMaria Schneider,Narnia\nTomas Novak,Narnia\nChen Wei,Atlantis\n"
                    "Ahmed Hassan,DE\nKim Min-jun,n/a\nOleksandr Kovalenko,\n!!!,Narnia\n", encoding="utf-8")
    result = run(["screen", str(path), "-o", str(tmp_path / "out.csv"), "--db", screen_db])
    # the row in error was not screened at all; n/a and a blank cell say "no country"
    assert "3 rows with an unrecognised country, screened without it ('Narnia', 'Atlantis')" in result.stderr
    result = run(["check", "Vladimir Putin", "--country", "Narnia", "--db", screen_db])
    assert result.exit_code == 1  # screened without the country, and found
    warning = result.stderr
    assert "'Narnia' is not recognised" in warning and "ISO 3166" in warning and "DE or Germany" in warning
    result = run(["check", "Vladimir Putin", "--country", "RU", "--db", screen_db])
    assert "not recognised" not in result.stderr


def _active_versions(db: str) -> dict[str, int]:
    from screening import store

    con = store.connect(db, read_only=True)
    try:
        return dict(con.execute("SELECT source, version_id FROM active_versions").fetchall())
    finally:
        con.close()


def test_check_json_and_screen_json_share_the_explanation_shape_and_the_context(screen_db, tmp_path):
    result = run(["check", "Saddam Hussein al-Tikriti", "--country", "IQ", "--json", "--db", screen_db])
    checked = json.loads(result.stdout)
    path = tmp_path / "customers.csv"
    path.write_text("name,country\nSaddam Hussein al-Tikriti,IQ\n", encoding="utf-8")
    out = tmp_path / "hits.jsonl"
    run(["screen", str(path), "-o", str(out), "--db", screen_db])
    screened = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    check_hit, screen_hit = checked["hits"][0], screened[0]
    assert set(check_hit["explanation"]) == set(screen_hit["explanation"]) == {"text", "waterfall"}
    assert "waterfall" not in check_hit  # one place only
    assert check_hit["explanation"] == screen_hit["explanation"]
    # both record the thresholds and the active list versions they ran with
    context = json.loads((tmp_path / "hits.jsonl.context.json").read_text(encoding="utf-8"))
    for ctx in (checked["context"], context):
        assert {s: v["version_id"] for s, v in ctx["lists"].items()} == _active_versions(screen_db)
        assert ctx["threshold"]["override"] is False and 0 < ctx["threshold"]["default"] < 1
    assert context["lists"] == checked["context"]["lists"] and context["results"] == "hits.jsonl"
    result = run(["check", "Saddam Hussein al-Tikriti", "--json", "--threshold", "0.9", "--db", screen_db])
    assert json.loads(result.stdout)["context"]["threshold"] == {"default": 0.9, "per_source": {}, "override": True,
                                                                 "source_override": {}}


def _documented_checks() -> list[list[str]]:
    """Every `screening check ...` example of the README, `screening --help` and `check --help`."""
    import shlex
    from pathlib import Path

    texts = [(Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8"),
             run(["--help"]).output, run(["check", "--help"]).output]
    commands = []
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("screening check "):
                commands.append(shlex.split(line.split("  #")[0])[2:])
    return commands


def test_documented_check_examples_find_what_they_show(screen_db):
    commands = _documented_checks()
    assert len(commands) >= 4
    kinds = set()
    for args in commands:
        result = run(["check", *args, "--db", screen_db])
        assert result.exit_code == 1, (args, result.output)
        if "--json" in args:
            kinds |= {h["match_kind"] for h in json.loads(result.stdout)["hits"]}
        else:
            kinds |= {line.split()[1] for line in result.stdout.splitlines() if line[:1].isdigit()}
    assert "name" in kinds and "address" in kinds  # a real name hit and a real address hit
