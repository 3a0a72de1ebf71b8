"""The alert-quality benchmark scripts run on the bundled lists (they need the 'bench' extra)."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

pytest.importorskip("faker")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import legit_book  # noqa: E402
import third_country  # noqa: E402
import threshold_curve  # noqa: E402


def test_legit_book_rows_and_locales():
    book = legit_book.make_book(400, seed=3)
    assert len(book) == 400 and set(book[0]) == {"id", "name", "address", "country", "dob", "type"}
    assert {row["type"] for row in book} == {"person", "organization"}
    assert any(row["dob"] for row in book) and any(not row["dob"] for row in book if row["type"] == "person")
    assert len({row["country"] for row in book}) >= 15
    assert len({row["name"] for row in book}) >= 390   # mostly distinct names
    assert legit_book.make_book(50, seed=3) == legit_book.make_book(50, seed=3)


def test_screen_path_reads_a_book_as_the_cli_does(screen_db, tmp_path):
    # a customer file screened through the field mapping of screening.match.files
    path = tmp_path / "book.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "address", "country", "dob", "type"])
        writer.writerow(["B1", "Bank Melli Iran", "12 Rue de la Paix, Paris", "FR", "", "organization"])
        writer.writerow(["B2", "Amelie Zimmer", "Eric-Kobelt-Gasse 9, Passau", "DE", "1964-04-22", "person"])
    results, fields = threshold_curve.screen_path(path, screen_db, 0.01)
    assert [r.input_id for r in results] == ["B1", "B2"]
    assert fields["name"] == ["Bank Melli Iran", "Amelie Zimmer"] and fields["country"] == ["FR", "DE"]
    assert any(h.matched_name == "BANK MELLI IRAN" for h in results[0].hits)
    lines = threshold_curve.sample_alerts(results, fields, 0.01, 5, seed=1)
    assert lines and lines[0].startswith("B1 'Bank Melli Iran' (FR) -> ")


def test_third_country_customers_live_elsewhere(screen_db):
    positives = third_country.make_positives(screen_db, seed=5, sample=40)
    assert {p.variant for p in positives} >= {"verbatim"} and len(positives) == 80
    for pos in positives:
        assert pos.country in third_country.COUNTRIES and pos.address and "\n" not in pos.address
    verbatim = [p for p in positives if p.variant == "verbatim"]
    results = third_country.screen(verbatim, screen_db, 0.1)
    table = third_country.recall_table(verbatim, results)
    assert table["all"][1] == 40 and table["all"][0] >= 30   # at 0.1 nearly every listed name finds itself


def test_legit_book_makes_company_names_up():
    # Faker draws some ru_RU, tr_TR and fa_IR company names from real firms, some of them listed
    # (Transneft, Bank Pasargad): a legitimate book must not contain them
    from faker import Faker

    real = set()
    for locale in ("ru_RU", "tr_TR", "fa_IR"):
        real |= legit_book._real_companies(Faker(locale))[0]
    assert real
    book = legit_book.make_book(3000, seed=3)
    assert not [row["name"] for row in book if row["name"] in real]
