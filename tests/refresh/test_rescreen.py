"""Delta re-screening equals the difference of two full screens, on real consecutive SDN dates."""
from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli.main import main
from screening.match import Customer, screen_records
from screening.pipeline import refresh_lists
from screening.rescreen import SCORE_EPSILON, register_customers, rescreen

from .conftest import sdn_snapshot

_TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft"}


def _sdn(day: str) -> dict[str, list[str]]:
    text = (sdn_snapshot(day) / "sdn.csv").read_bytes().decode("latin-1")
    return {r[0]: r for r in csv.reader(io.StringIO(text, newline="")) if len(r) > 1}


def _customer_file(path: Path) -> list[dict]:
    """Customers named after real SDN rows: entries added on 05-02, removed on 05-03, and others.

    Some names get one letter dropped so that not every hit is exact.
    """
    first, second, third = _sdn("2024-05-01"), _sdn("2024-05-02"), _sdn("2024-05-03")
    rng = random.Random(11)
    added = sorted(second.keys() - first.keys())
    removed = sorted(second.keys() - third.keys())
    others = rng.sample(sorted(first.keys() & third.keys()), 120)
    rows = []
    for i, ent in enumerate(added + removed + others):
        row = second[ent]
        name = row[1]
        if i % 3 == 2 and len(name) > 8:
            cut = rng.randrange(1, len(name) - 1)
            name = name[:cut] + name[cut + 1:]
        rows.append({"customer_ref": f"K{i:04d}", "legal_name": name,
                     "kind": _TYPES.get(row[2].strip(), "organization"), "note": f"sdn {ent}"})
    rows += [{"customer_ref": "K9001", "legal_name": "Evergreen Ceramics GmbH", "kind": "organization", "note": ""},
             {"customer_ref": "K9002", "legal_name": "Maria Jensen", "kind": "person", "note": ""}]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _full_screen(rows: list[dict], db: Path) -> dict[tuple[int, str], dict]:
    customers = [Customer(name=r["legal_name"], type=r["kind"], id=r["customer_ref"]) for r in rows]
    return {(res.row, h.entity_id): {"score": h.score, "list_refs": h.list_refs, "matched_name": h.matched_name,
                                     "match_kind": h.match_kind}
            for res in screen_records(customers, db=db) for h in res.hits}


def _difference(before: dict, after: dict) -> set[tuple[str, int, str]]:
    """(change, row, entity_id) between two full screens, by the rules the rescreen documents."""
    out = {("new", *k) for k in after.keys() - before.keys()}
    out |= {("delisted", *k) for k in before.keys() - after.keys()}
    for key in before.keys() & after.keys():
        old, new = before[key], after[key]
        if (any(old[f] != new[f] for f in ("list_refs", "matched_name", "match_kind"))
                or abs(old["score"] - new["score"]) >= SCORE_EPSILON):
            out.add(("changed", *key))
    return out


@pytest.mark.consolidate
def test_rescreen_equals_the_difference_of_two_full_screens(tmp_path: Path, db: Path):
    rows = _customer_file(tmp_path / "customers.csv")
    refresh_lists(db, ["us_ofac_sdn"], str(sdn_snapshot("2024-05-01")))
    columns = {"id": "customer_ref", "name": "legal_name", "type": "kind"}
    summary = register_customers(tmp_path / "customers.csv", "book", columns, db=db)
    assert summary.rows == len(rows) and summary.errors == 0
    before = _full_screen(rows, db)
    for day in ("2024-05-02", "2024-05-03"):
        assert refresh_lists(db, ["us_ofac_sdn"], str(sdn_snapshot(day)))[0].status == "updated"
        after = _full_screen(rows, db)
        result = rescreen(db)
        got = {(r["change"], r["row"], r["entity_id"]) for r in result.rows}
        assert got == _difference(before, after), day
        assert got  # each step changes something for this book
        (stats,) = result.files
        assert stats["customers_screened"] < len(rows) // 4  # only customers near a changed entry
        before = after
    # 05-03 removed 7 aircraft and one other entry: the book's hits on them are reported delisted
    assert {r["change"] for r in result.rows} == {"delisted"}
    assert len({r["input_id"] for r in result.rows}) >= 8
    again = rescreen(db)  # nothing changed since: nothing to report
    assert again.rows == [] and again.files[0]["customers_screened"] == 0


@pytest.mark.consolidate
def test_customers_add_and_rescreen_cli(tmp_path: Path, db: Path):
    rows = _customer_file(tmp_path / "book.csv")
    refresh_lists(db, ["us_ofac_sdn"], str(sdn_snapshot("2024-05-02")))
    run = CliRunner().invoke
    added = run(main, ["customers", "add", str(tmp_path / "book.csv"), "--db", str(db), "--id-column", "customer_ref",
                       "--name-column", "legal_name", "--type-column", "kind", "--json"], catch_exceptions=False)
    assert added.exit_code == 0, added.output
    assert "columns used: id=customer_ref, name=legal_name, type=kind" in added.stderr
    assert "columns ignored (kept in the output): note" in added.stderr
    assert json.loads(added.output[added.output.index("{"):])["rows"] == len(rows)
    refresh_lists(db, ["us_ofac_sdn"], str(sdn_snapshot("2024-05-03")))
    out = tmp_path / "changes.csv"
    result = run(main, ["rescreen", "--db", str(db), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0  # only delisted hits: nothing new to review
    with out.open(newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    header = list(table[0])
    assert header[:2] == ["change", "customer_file"]
    assert header[2:13] == ["input_id", "input_row", "status", "entity_id", "score", "list_refs", "matched_name",
                            "match_kind", "explanation", "decision_id", "decision_note"]
    assert header[13:] == ["customer_ref", "legal_name", "kind", "note"]
    # input_row is the row in the registered file, as in `screening screen` output
    assert all(rows[int(r["input_row"]) - 1]["customer_ref"] == r["input_id"] for r in table)
    assert {r["change"] for r in table} == {"delisted"} and all(r["customer_file"] == "book" for r in table)
    removed = sorted(_sdn("2024-05-02").keys() - _sdn("2024-05-03").keys())
    assert {r["note"] for r in table if r["list_refs"].count(";") == 0} <= {f"sdn {e}" for e in removed}
    unknown = run(main, ["rescreen", "--db", str(db), "--name", "nope"], catch_exceptions=False)
    assert unknown.exit_code == 2 and "no registered customer file" in unknown.output


def test_rescreen_exits_3_while_registered_rows_are_not_screened(tmp_path: Path, db: Path):
    """A registered row in error is never re-screened: the run is incomplete, whatever it found."""
    rows = _customer_file(tmp_path / "book.csv")
    with (tmp_path / "book.csv").open("a", encoding="utf-8") as handle:
        handle.write("K9003,!!!,organization,no letters\n")
    refresh_lists(db, ["us_ofac_sdn"], str(sdn_snapshot("2024-05-01")))
    columns = {"id": "customer_ref", "name": "legal_name", "type": "kind"}
    summary = register_customers(tmp_path / "book.csv", "book", columns, db=db)
    assert summary.rows == len(rows) + 1 and summary.errors == 1
    refresh_lists(db, ["us_ofac_sdn"], str(sdn_snapshot("2024-05-02")))
    result = CliRunner().invoke(main, ["rescreen", "--db", str(db), "-o", str(tmp_path / "changes.csv")],
                                catch_exceptions=False)
    assert result.exit_code == 3, result.output  # new hits too (05-02 added entries), but incomplete
    assert "new" in {r["change"] for r in csv.DictReader((tmp_path / "changes.csv").open(encoding="utf-8"))}
    assert "1 rows NOT screened (status=error)" in result.stderr
