import shutil
from collections import Counter
from pathlib import Path

import pytest

from screening.parse import uk_ofsi
from screening.parse.model import ParseResult, SourceFormatError

from ..conftest import FIXTURES, LISTS

XLSX_2025 = LISTS / "uk_ofsi" / "2025-04-10-2022format"
CSV_2018 = FIXTURES / "lists" / "uk_ofsi" / "2018-04-13"
CSV_2020 = FIXTURES / "lists" / "uk_ofsi" / "2020-04-27"


@pytest.fixture(scope="module")
def conlist_2025() -> ParseResult:
    return uk_ofsi.parse(XLSX_2025, "uk_ofsi", XLSX_2025.name)


@pytest.fixture(scope="module")
def conlist_2018() -> ParseResult:
    return uk_ofsi.parse(CSV_2018, "uk_ofsi", CSV_2018.name)


@pytest.fixture(scope="module")
def conlist_2020() -> ParseResult:
    return uk_ofsi.parse(CSV_2020, "uk_ofsi", CSV_2020.name)


def _by_id(result: ParseResult) -> dict:
    return {e.source_id: e for e in result.entries}


def test_2022_xlsx_groups_become_entries(conlist_2025):
    result = conlist_2025
    assert result.version == "2025-04-10" and result.published.isoformat() == "2025-04-10"
    assert result.records_read == len(result.entries) + result.rejected_records == 4686
    assert result.rejected_records == 0
    assert Counter(e.entity_type for e in result.entries) == {"person": 3662, "organization": 1009, "vessel": 15}
    assert any("18796 rows" in note for note in result.notes)
    assert all(sum(n.kind == "primary" for n in e.names) == 1 for e in result.entries)


@pytest.mark.parametrize("fixture, rows, groups, version", [
    ("conlist_2018", 9487, 2106, "2018-04-13"),
    ("conlist_2020", 9492, 2114, "2020-04-27"),
])
def test_old_csv_counts(request, fixture, rows, groups, version):
    result = request.getfixturevalue(fixture)
    assert result.version == version
    assert result.records_read == len(result.entries) + result.rejected_records == groups
    assert result.rejected_records == 0
    assert any(f"{rows} rows" in note and "old format" in note for note in result.notes)
    assert len({e.source_id for e in result.entries}) == groups


def test_2022_alias_rows_of_a_group_make_one_entry(conlist_2025):
    # Group 14201: five name rows (one "Primary name", four variations) plus two Cyrillic names.
    plant = _by_id(conlist_2025)["14201"]
    assert plant.entity_type == "organization"
    assert plant.primary_name == "JSC 558 AIRCRAFT REPAIR PLANT"
    akas = sorted(n.name for n in plant.names if n.kind == "aka")
    assert akas == ["558 ARP", "JOINT STOCK COMPANY 558 ARP", "JSC 558 ARP"]
    originals = {n.name: n.script for n in plant.names if n.kind == "original_script"}
    assert originals == {"558 АВІЯЦЫЙНЫ РАМОНТНЫ ЗАВОД": "Cyrl", "558 АВИАЦИОННЫЙ РЕМОНТНЫЙ ЗАВОД": "Cyrl"}
    assert [(i.id_type, i.value) for i in plant.identifiers] == [("uk_sanctions_list_ref", "RUS0261"),
                                                                 ("email", "box@558arp.by")]
    assert plant.addresses[0].postcode == "225415" and plant.addresses[0].country_code == "BY"
    assert plant.listed_on.isoformat() == "2022-03-01"


def test_old_csv_group_joins_name_rows_and_dates(conlist_2018):
    # Group 13349 spans lines 3-4 (AKA x two DOBs) and its "Prime Alias" at line 1285.
    qahtani = _by_id(conlist_2018)["13349"]
    assert qahtani.location == "3"
    assert qahtani.primary_name == "AL-HABABI, Nayef Salam Muhammad Ujaym"
    assert {"AL-QAHTANI, Sheikh Farooq", "SHAYKH, Imran Farouk", "AL-QATARI, Faruq"} <= {n.name for n in qahtani.names}
    assert len(qahtani.names) == 8
    # DOB 00/00/1980: unknown day and month -> year precision.
    assert [(b.text, b.year, b.month, b.precision) for b in qahtani.birth_dates] == [
        ("00/00/1980", 1980, None, "year"), ("00/00/1981", 1981, None, "year")]
    assert [n.country_code for n in qahtani.nationalities] == ["SA", "QA"]
    passport = next(i for i in qahtani.identifiers if i.id_type == "passport")
    assert passport.value == "592667" and "Qatari passport" in passport.note


def test_2022_dob_forms_keep_their_precision(conlist_2025):
    khan = _by_id(conlist_2025)["12629"]  # DOB 00/08/1977 and 00/09/1977
    assert {(b.year, b.month, b.precision) for b in khan.birth_dates} >= {(1977, 8, "month"), (1977, 9, "month")}
    tarazi = _by_id(conlist_2025)["13754"]  # DOB 09/1962 (mm/yyyy)
    assert any((b.text, b.year, b.month, b.precision) == ("09/1962", 1962, 9, "month") for b in tarazi.birth_dates)


def test_un_references_are_identifiers_in_the_un_form(conlist_2025, conlist_2020, conlist_2018):
    azzouz = _by_id(conlist_2025)["13312"]
    assert ("un_reference", "QDi.371") in {(i.id_type, i.value) for i in azzouz.identifiers}
    assert ("uk_sanctions_list_ref", "AQD0089") in {(i.id_type, i.value) for i in azzouz.identifiers}
    # "(UN Ref):CDi. 038." with a stray space.
    byamungu = _by_id(conlist_2025)["16180"]
    assert [(i.value, i.note) for i in byamungu.identifiers if i.id_type == "un_reference"] == [("CDi.038", "UN Ref: CDi. 038")]
    # Old form "UN Ref QI.A.86.03" -> QDi.086, the published value kept in the note.
    iqbal = _by_id(conlist_2020)["6894"]
    assert [(i.value, i.note) for i in iqbal.identifiers if i.id_type == "un_reference"] == [("QDi.086", "UN Ref: QI.A.86.03")]
    assert [i.value for i in _by_id(conlist_2018)["13188"].identifiers if i.id_type == "un_reference"] == ["QDe.146"]


def test_ship_cites_its_owners_un_ref_which_is_not_its_own(conlist_2025):
    ship = _by_id(conlist_2025)["13651"]
    assert ship.entity_type == "vessel" and ship.primary_name == "SAM JONG 2"
    assert ("imo", "7408873") in {(i.id_type, i.value) for i in ship.identifiers}
    assert "UN Ref KPe.064" in ship.remarks
    assert not [i for i in ship.identifiers if i.id_type == "un_reference"]


def test_2022_numbered_passports_are_split_with_their_details(conlist_2025):
    azzouz = _by_id(conlist_2025)["13312"]
    passports = [(i.value, i.note) for i in azzouz.identifiers if i.id_type == "passport"]
    assert passports == [("223611", "Libya number"), ("C00146605", "British passport number")]


def test_individual_names_are_surname_comma_given_names_with_alias_quality(conlist_2025):
    # Group 13312: Name 6 / Name 1 / Alias Type / Alias Quality of its four rows.
    azzouz = _by_id(conlist_2025)["13312"]
    assert [(n.name, n.kind, n.quality) for n in azzouz.names] == [
        ("AZZOUZ, ABD AL-BASET", "primary", None),
        ("AA", "weak", "low"),  # a one-part low-quality alias: no comma
        ("AZOUZ, Abdelbassed", "aka", "good"),
        ("AZOUZ, Abdul Baset", "aka", "good"),
    ]


def _old_lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def test_csv_row_with_too_few_columns_is_rejected_with_its_line(tmp_path: Path):
    lines = _old_lines(CSV_2020 / "ConList.csv")
    lines[9] = b",".join(lines[9].split(b",")[:5]) + b"\r"  # line 10
    (tmp_path / "ConList.csv").write_bytes(b"\n".join(lines))
    result = uk_ofsi.parse(tmp_path, "uk_ofsi", "x")
    bad = [i for i in result.issues if i.rejected]
    assert [(i.file, i.line) for i in bad] == [("ConList.csv", "10")]
    assert "expected 29 fields, found 5" in bad[0].problem
    assert result.records_read == len(result.entries) + 1
    # The cut row's group keeps its other rows: still 2114 groups.
    assert len(result.entries) == 2114


def test_utf16_csv_is_refused(tmp_path: Path):
    text = (CSV_2018 / "sanctionsconlist.csv").read_bytes().decode("cp1252")
    (tmp_path / "sanctionsconlist.csv").write_bytes(text.encode("utf-16"))
    with pytest.raises(SourceFormatError, match="sanctionsconlist.csv.*UTF-16"):
        uk_ofsi.parse(tmp_path, "uk_ofsi", "x")


def test_csv_without_the_ofsi_header_is_refused(tmp_path: Path):
    lines = _old_lines(CSV_2018 / "sanctionsconlist.csv")
    lines[1] = b"Surname,Forename,DOB"
    (tmp_path / "sanctionsconlist.csv").write_bytes(b"\n".join(lines))
    with pytest.raises(SourceFormatError, match="line 2 is not the OFSI ConList header"):
        uk_ofsi.parse(tmp_path, "uk_ofsi", "x")
    (tmp_path / "sanctionsconlist.csv").write_bytes(b"\n".join(lines[1:]))
    with pytest.raises(SourceFormatError, match="line 1 is not OFSI's 'Last Updated"):
        uk_ofsi.parse(tmp_path, "uk_ofsi", "x")


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML page"),
    (bytes(range(256)) * 8, "not an XLSX file"),
])
def test_xlsx_that_is_not_an_xlsx_is_refused(tmp_path: Path, content: bytes, message: str):
    (tmp_path / "ConList.xlsx").write_bytes(content)
    with pytest.raises(SourceFormatError, match=f"ConList.xlsx: .*{message}"):
        uk_ofsi.parse(tmp_path, "uk_ofsi", "x")


def test_truncated_xlsx_is_refused(tmp_path: Path):
    data = (XLSX_2025 / "ConList.xlsx").read_bytes()
    (tmp_path / "ConList.xlsx").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError, match="ConList.xlsx: unreadable XLSX"):
        uk_ofsi.parse(tmp_path, "uk_ofsi", "x")


def test_empty_csv_is_refused(tmp_path: Path):
    (tmp_path / "ConList.csv").write_bytes(b"")
    with pytest.raises(SourceFormatError, match="ConList.csv: file is empty"):
        uk_ofsi.parse(tmp_path, "uk_ofsi", "x")


def test_detect_and_parse_snapshot_choose_the_csv_when_both_are_present(tmp_path: Path):
    shutil.copy(CSV_2020 / "ConList.csv", tmp_path / "ConList.csv")
    (tmp_path / "ConList.xlsx").write_bytes(b"not read")
    assert uk_ofsi.detect(tmp_path) and not uk_ofsi.detect(tmp_path / "nothing")
    result = uk_ofsi.parse(tmp_path, "uk_ofsi", "x")
    assert len(result.entries) == 2114
    assert any("ConList.xlsx" in note and "ignored" in note for note in result.notes)


def test_2022_format_as_csv_gives_the_same_entries(tmp_path: Path, conlist_2025):
    # OFSI publishes the same 2022-format table as ConList.csv; rebuild it from the XLSX cells
    # (1118 cells hold newlines, so records span several lines).
    import csv

    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(XLSX_2025 / "ConList.xlsx").get_sheet_by_name("Data").to_python()
    with (tmp_path / "ConList.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = uk_ofsi.parse(tmp_path, "uk_ofsi", "x")
    assert result.version == "2025-04-10"
    assert any("2022 format, 18796 rows" in note for note in result.notes)
    assert [_content(e) for e in result.entries] == [_content(e) for e in conlist_2025.entries]
    # Locations are CSV line numbers: multi-line records push later rows down.
    assert int(result.entries[-1].location) > int(conlist_2025.entries[-1].location)


def _content(entry) -> tuple:
    """An entry without its provenance (line numbers differ between the CSV and the sheet)."""
    return (entry.source_id, entry.entity_type, [(n.name, n.kind, n.script, n.quality) for n in entry.names],
            [(i.id_type, i.value, i.note) for i in entry.identifiers],
            [(b.text, b.precision) for b in entry.birth_dates], entry.remarks, entry.programs)


def test_ship_flag_is_its_country_and_its_ship_facts_are_kept(conlist_2025):
    # Group 13647, CHON MYONG 1: "(Flag of ship):North Korea (Previous flags):Togo (Type of ship):Oil tanker"
    ship = _by_id(conlist_2025)["13647"]
    assert ship.entity_type == "vessel" and ship.primary_name == "CHON MYONG 1"
    assert [(n.country_code, n.country, n.kind) for n in ship.nationalities] == [("KP", "North Korea", "flag")]
    assert (ship.extra["flag"], ship.extra["previous_flags"], ship.extra["type_of_ship"]) == (
        "North Korea", "Togo", "Oil tanker")
    # the former names of a ship are its aliases in OFSI's table (no previous-name field): names all the same
    assert {"CHIE MARU NO.6", "ZU ZAG BONG 5"} <= {n.name for n in ship.names}
    ships = [e for e in conlist_2025.entries if e.entity_type == "vessel"]
    assert len(ships) == 15 and all(len(e.nationalities) == 1 for e in ships)
    assert not any(n.kind == "flag" for e in conlist_2025.entries if e.entity_type != "vessel" for n in e.nationalities)
