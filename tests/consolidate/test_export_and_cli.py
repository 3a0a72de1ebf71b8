"""Export of the consolidated list and the consolidate / export / entity show commands."""
from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from cli.main import main
from screening import writers
from screening.export import export_entities
from screening.writers import neutralise, neutralised


def test_the_formula_guard_neutralises_text_cells():
    for text in ("=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("ACME LTD") == "ACME LTD"
    assert neutralise(None) is None and neutralise(-2) == -2
    assert neutralised(["=1", "", None, 3.5, "ok", "-x", "+"]) == ["'=1", "", None, 3.5, "ok", "'-x", "'+"]


def test_a_format_added_to_the_registry_serves_the_export(consolidated_db, tmp_path, monkeypatch):
    def write_tsv(table, handle):  # one line a row: cells JSON-quoted, so a newline in a value stays in its row
        rows = list(table.rows())
        handle.write("".join("\t".join(json.dumps(neutralise(table.cell(v))) for v in row) + "\n" for row in rows))
        return len(rows)

    monkeypatch.setitem(writers.FORMATS, "tsv", writers.Format("tsv", write_tsv, text=True))
    monkeypatch.setitem(writers.OUTPUTS, "entities", {**writers.OUTPUTS["entities"], "tsv": "tsv"})
    n = export_entities(tmp_path / "e.tsv", "tsv", consolidated_db)
    lines = (tmp_path / "e.tsv").read_text(encoding="utf-8").splitlines()
    assert n == len(lines) == export_entities(tmp_path / "e.csv", "csv", consolidated_db)


def test_export_formats_agree(consolidated_db, tmp_path):
    n_csv = export_entities(tmp_path / "e.csv", "csv", consolidated_db)
    n_json = export_entities(tmp_path / "e.json", "json", consolidated_db)
    n_parquet = export_entities(tmp_path / "e.parquet", "parquet", consolidated_db)
    assert n_csv == n_json == n_parquet == pq.read_table(tmp_path / "e.parquet").num_rows
    rows = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    zawahiri = next(r for r in rows if "un_sc:QDi.006" in r["members"])
    assert "uk_ofsi:7016" in zawahiri["members"]
    assert zawahiri["entity_type"] == "person"
    with (tmp_path / "e.csv").open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == n_csv
    assert not any(v.startswith(("=", "+", "-", "@")) for r in records for v in r.values())


def test_members_only_export(consolidated_db, tmp_path):
    n = export_entities(tmp_path / "m.csv", "csv", consolidated_db, members_only=True)
    with (tmp_path / "m.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == ["entity_id", "source", "source_id"]
        rows = list(reader)
    assert len(rows) == n
    assert len({(r[1], r[2]) for r in rows}) == n  # one entity per entry


def test_cli_consolidate_export_and_show(consolidated_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["lists", "consolidate", "--db", str(consolidated_db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["entities"] < report["entries"]
    out = tmp_path / "members.csv"
    result = runner.invoke(main, ["lists", "export", "--db", str(consolidated_db), "--members-only", "-o", str(out)])
    assert result.exit_code == 0, result.output
    entity_id = next(r for r in csv.DictReader(out.open(encoding="utf-8"))
                     if r["source"] == "un_sc" and r["source_id"] == "QDi.006")["entity_id"]
    result = runner.invoke(main, ["entity", "show", entity_id, "--db", str(consolidated_db), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert {"un_sc:QDi.006", "uk_ofsi:7016"} <= {m["ref"] for m in shown["members"]}
    result = runner.invoke(main, ["entity", "show", entity_id, "--db", str(consolidated_db)])
    assert "un_reference" in result.output
    result = runner.invoke(main, ["entity", "show", "Enope", "--db", str(consolidated_db)])
    assert result.exit_code == 2
