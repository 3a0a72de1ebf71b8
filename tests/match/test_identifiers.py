"""Identifiers: kinds from headers and options, keys and validation (python-stdnum), and the list
side keyed the same way, on the bundled lists."""
from __future__ import annotations

import duckdb
import pytest

from screening import identifiers as ids


@pytest.fixture(scope="module")
def con(screen_db):
    connection = duckdb.connect(screen_db, read_only=True)
    ids.build_list_identifiers(connection)
    yield connection
    connection.close()


def test_data_files_load_and_name_known_kinds_and_stdnum_modules():
    kinds = ids.kinds()
    assert {"passport", "national_id", "tax_id", "registration", "lei", "imo", "mmsi", "swift_bic",
            "aircraft"} <= set(kinds)
    assert ids._country_schemes()  # every module named there imports (else ValueError)
    assert all(kind in kinds for kind in ids.header_hints().values())
    assert all(rule[3] is None or rule[3] in kinds for rule in ids.list_type_rules())


@pytest.mark.parametrize("header,kind", [
    ("Passport No.", "passport"), ("PASSPORT_NUMBER", "passport"), ("Reisepass", "passport"),
    ("VAT", "tax_id"), ("INN", "tax_id"), ("ИНН", "tax_id"), ("Company Number", "registration"),
    ("LEI", "lei"), ("IMO number", "imo"), ("MMSI", "mmsi"), ("SWIFT", "swift_bic"),
    ("Tail number", "aircraft"), ("Cédula", "national_id"), ("Name", None), ("Country", None)])
def test_kind_guessed_from_header(header, kind):
    assert ids.kind_of_header(header) == kind


def test_identifier_columns_guessed_given_and_refused():
    headers = ["Name", "Passport No.", "VAT", "IMO", "Notes"]
    assert ids.identifier_columns(headers) == {"Passport No.": "passport", "VAT": "tax_id", "IMO": "imo"}
    assert ids.identifier_columns(headers, taken=["VAT"]) == {"Passport No.": "passport", "IMO": "imo"}
    assert ids.identifier_columns(headers, ["Notes=lei", "IMO"]) == {"Notes": "lei", "IMO": "imo"}
    with pytest.raises(ValueError, match="'Missing' is not in the file"):
        ids.identifier_columns(headers, ["Missing=imo"])
    with pytest.raises(ValueError, match="names no kind"):
        ids.identifier_columns(headers, ["Notes"])
    with pytest.raises(ValueError, match="unknown identifier kind 'shoe_size'"):
        ids.identifier_columns(headers, ["Notes=shoe_size"])


def test_id_option_parsed_with_optional_country():
    assert ids.parse_id_option("imo:IMO 9066540") == ("imo", None, "IMO 9066540")
    assert ids.parse_id_option("Passport/Iran:E96048299") == ("passport", "IR", "E96048299")
    assert ids.parse_id_option("vat:DE812137575") == ("tax_id", None, "DE812137575")
    for bad in ("9066540", "imo:", ":123", "passport/Atlantis:1"):
        with pytest.raises(ValueError):
            ids.parse_id_option(bad)


def test_sql_keys_equal_python_keys_on_every_listed_identifier(con):
    """sql/list_identifiers.sql and screening.identifiers key a value the same way: the kind and
    the key of every stored identifier, computed both ways, are the same rows."""
    by_sql = set(con.execute("SELECT source, source_id, kind, value, key FROM list_identifiers").fetchall())
    by_python = set()
    for id_type, note, value, source, source_id in con.execute(
            "SELECT id_type, note, value, source, source_id FROM current_identifiers").fetchall():
        kind = ids.list_kind(id_type, note, value)
        if kind and ids.key(kind, value):
            by_python.add((source, source_id, kind, value, ids.key(kind, value)))
    assert len(by_sql) > 10_000
    assert by_sql == by_python
    kinds = {row[2] for row in by_sql}
    assert {"imo", "passport", "national_id", "tax_id", "registration", "swift_bic", "mmsi", "lei",
            "aircraft"} <= kinds


def test_a_real_vessels_imo_written_two_ways_has_one_key_both_sides(con):
    """OFAC writes 'IMO 8712362', OFSI '8712362' for the vessel CHON MYONG 1; a customer's
    'imo 871-2362' keys the same, and the number is valid."""
    rows = con.execute("SELECT l.source, l.value, l.key, e.primary_name FROM list_identifiers l "
                       "JOIN current_entries e USING (source, source_id) "
                       "WHERE l.kind = 'imo' AND l.key = ?", [ids.key("imo", "8712362")]).fetchall()
    assert {r[0] for r in rows} >= {"us_ofac_sdn", "uk_ofsi"}
    assert {r[1] for r in rows} >= {"IMO 8712362", "8712362"}
    assert {r[3] for r in rows} == {"CHON MYONG 1"}
    customer = ids.normalize_identifier("imo", "imo 871-2362")
    assert customer.key == rows[0][2] and customer.valid is True and customer.scheme == "imo"


def test_an_invalid_imo_check_digit_is_reported_and_kept(con):
    listed = con.execute("SELECT value, key FROM list_identifiers WHERE kind = 'imo' ORDER BY key").fetchall()
    valid = next((v, k) for v, k in listed if ids.normalize_identifier("imo", v).valid)
    value, key = valid
    wrong = key[:-1] + str((int(key[-1]) + 1) % 10)
    found = ids.normalize_identifier("imo", f"IMO {wrong}")
    assert found.valid is False and "check digit" in found.problem
    assert found.key == wrong and found.value == f"IMO {wrong}"  # kept as given, keyed all the same
    assert "not valid" in ids.describe_problem(found)
    # the lists themselves hold such numbers: they are keyed and compared, not dropped
    invalid_listed = [v for v, _ in listed if ids.normalize_identifier("imo", v).valid is False]
    assert invalid_listed and all(ids.key("imo", v) for v in invalid_listed)


def test_a_passport_with_spaces_keys_as_listed(con):
    value, key, country = con.execute(
        "SELECT value, key, country_code FROM list_identifiers WHERE kind = 'passport' AND value LIKE '% %' "
        "AND country_code IS NOT NULL ORDER BY source, source_id LIMIT 1").fetchall()[0]
    customer = ids.normalize_identifier("passport", value.replace(" ", "").lower(), country)
    assert customer.key == key and customer.country == country


@pytest.mark.parametrize("kind,value,country,valid,scheme", [
    ("tax_id", "7707083893", "RU", True, "ru.inn"),      # Sberbank's INN
    ("tax_id", "7707083894", "RU", False, "ru.inn"),
    ("lei", "253400V1H6ART1UQ0N98", None, True, "lei"),
    ("lei", "253400V1H6ART1UQ0N99", None, False, "lei"),
    ("swift_bic", "sabr ru mm xxx", None, True, "bic"),
    ("mmsi", "57246921", None, False, None),
    ("passport", "E96048299", "IR", None, None),
])
def test_validation_per_kind_and_country(kind, value, country, valid, scheme):
    found = ids.normalize_identifier(kind, value, country)
    assert (found.valid, found.scheme) == (valid, scheme)
    assert (found.problem is None) == (valid is not False)


def test_bic_head_office_branch_is_the_eight_letter_code():
    assert ids.key("swift_bic", "SABRRUMMXXX") == ids.key("swift_bic", "SABRRUMM") == "SABRRUMM"
    assert ids.key("swift_bic", "SABRRUMM012") == "SABRRUMM012"


def test_a_vessel_is_found_by_its_imo_number_alone(con):
    """A customer file naming the ship otherwise ('OCEAN STAR') with CHON MYONG 1's IMO number in
    the form OFAC does not use finds the vessel's entity through both lists' entries."""
    found = ids.find_listed(con, [ids.normalize_identifier("imo", "imo-8712362")])
    assert {(r["source"], r["value"]) for r in found} >= {("us_ofac_sdn", "IMO 8712362"), ("uk_ofsi", "8712362")}
    entities = {r["entity_id"] for r in found}
    assert len(entities) == 1
    name = con.execute("SELECT primary_name FROM match_entities WHERE entity_id = ?", [entities.pop()]).fetchall()
    assert name == [("CHON MYONG 1",)]


def test_a_person_is_found_by_passport_number_and_a_different_one_is_not(con):
    value, country, entity = con.execute(
        "SELECT l.value, l.country_code, m.entity_id FROM list_identifiers l "
        "JOIN (SELECT DISTINCT source, source_id, entity_id FROM match_names) m USING (source, source_id) "
        "JOIN match_entities e USING (entity_id) "
        "WHERE l.kind = 'passport' AND l.country_code IS NOT NULL AND e.entity_type = 'person' "
        "ORDER BY l.key LIMIT 1").fetchall()[0]
    hit = ids.find_listed(con, [ids.normalize_identifier("passport", f" {value.lower()} ", country)])
    assert {r["entity_id"] for r in hit} == {entity}
    other = value[:-1] + ("1" if value[-1] != "1" else "2")
    assert all(r["entity_id"] != entity for r in ids.find_listed(con, [ids.normalize_identifier("passport", other)]))
