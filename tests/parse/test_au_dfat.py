from collections import Counter
from pathlib import Path

import pytest
import xlsxwriter

from screening.parse import au_dfat
from screening.parse.model import ParseResult, SourceFormatError

from ..conftest import LISTS

SNAPSHOT = LISTS / "au_dfat" / "2024-12"


@pytest.fixture(scope="module")
def dfat() -> ParseResult:
    return au_dfat.parse(SNAPSHOT, "au_dfat", SNAPSHOT.name)


def _by_id(result: ParseResult) -> dict:
    return {e.source_id: e for e in result.entries}


def test_every_reference_number_is_one_entry_with_one_primary_name(dfat):
    assert dfat.version == "2024-12"
    assert dfat.published.isoformat() == "2024-11-11"  # newest Control Date
    assert dfat.records_read == len(dfat.entries) + dfat.rejected_records == 3062
    assert dfat.rejected_records == 0
    assert all(sum(n.kind == "primary" for n in e.names) == 1 for e in dfat.entries)
    assert Counter(e.entity_type for e in dfat.entries) == {"person": 2316, "organization": 746}
    # 9553 name rows: 20 repeat a name of their own listing and are kept once.
    assert "regulation8_consolidated.xlsx: 9553 name rows" in dfat.notes
    assert sum(len(e.names) for e in dfat.entries) == 9553 - 20


def test_float_reference_and_letter_suffixes_group_together(dfat):
    # Row 2 has Reference 2.0 (an Excel number), row 3 "2a" (its Arabic original script).
    akhund = _by_id(dfat)["2"]
    assert akhund.location == "2"
    assert [(n.name, n.kind, n.script, n.location) for n in akhund.names] == [
        ("MOHAMMAD HASSAN AKHUND", "primary", None, "2"),
        ("محمد حسن أخوند", "original_script", "Arab", "3"),
    ]
    assert akhund.programs == ["1988 (Taliban)"]
    assert akhund.listed_on.isoformat() == "2001-01-25"  # "Listed by UN 1267 Committee on 25 January 2001 ..."
    # "a) Approximately 1955- 1958 b) Approximately 1945-1950"
    assert [(b.year, b.year_to, b.precision) for b in akhund.birth_dates] == [(1955, 1958, "range"), (1945, 1950, "range")]


def test_reference_with_trailing_space_and_digit_suffix_joins_its_entry(dfat):
    # Sheet row 3867 has Reference "2672c4 " (trailing space): the name "Jabhat Fateh Al-Sham".
    nusrah = _by_id(dfat)["2672"]
    assert nusrah.primary_name == "AL-NUSRAH FRONT FOR THE PEOPLE OF THE LEVANT"
    assert ("Jabhat Fateh Al-Sham", "aka", "3867") in {(n.name, n.kind, n.location) for n in nusrah.names}
    assert "2672c4" in nusrah.extra["references"].split(", ")
    assert "2672a10" in nusrah.extra["references"].split(", ")
    assert not [e for e in dfat.entries if not e.source_id.isdigit()]
    # Other suffix forms: "300aa" and "34c1".
    assert ("Falah-i-Insaniat Foundation (FIF)", "aka") in {(n.name, n.kind) for n in _by_id(dfat)["300"].names}
    assert ("اختر محمد ولد نور محمد", "Arab") in {(n.name, n.script) for n in _by_id(dfat)["34"].names}


def test_original_script_names_get_their_script(dfat):
    scripts = Counter(n.script for e in dfat.entries for n in e.names if n.kind == "original_script")
    assert scripts["Arab"] > 350 and scripts["Cyrl"] > 30 and scripts["Hani"] >= 3
    entry = _by_id(dfat)["3"]
    assert [(n.name, n.kind, n.script) for n in entry.names][2] == ("عبد الکبیر محمد جان", "original_script", "Arab")
    assert [n.country_code for n in entry.nationalities] == ["AF"]


def test_cited_un_references_are_kept_but_not_as_the_entrys_own(dfat):
    # Reference 1105: "Chief of finance of Lashkar-e-Tayyiba (listed under permanent reference number QDe.118)".
    entry = _by_id(dfat)["1105"]
    assert "QDe.118" in entry.extra["un_references_cited"]
    assert not [i for e in dfat.entries for i in e.identifiers if i.id_type == "un_reference"]


@pytest.mark.parametrize("text, expected", [
    ("1 Jan. 1967", [(1967, 1, 1, "day")]),
    ("a) 03/1965; b) 04/1965", [(1965, 3, None, "month"), (1965, 4, None, "month")]),
    ("a) 12/03/1970; b) Approximately 1955-1958", [(1970, 3, 12, "day"), (1955, None, None, "range")]),
    ("Approximately (30-35 years old)", []),
])
def test_free_text_birth_dates(text, expected):
    found = au_dfat.parse_free_dates(text)
    assert [(b.year, b.month, b.day, b.precision) for b in found] == expected


def _write_xlsx(path: Path, rows: list[list]) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    book.close()


def test_row_without_a_reference_number_is_rejected(tmp_path: Path):
    _write_xlsx(tmp_path / au_dfat.FILE, [
        au_dfat.HEADER,
        [7.0, "Jane DOE", "Individual", "Primary Name", "1 Jan. 1970", "", "", "", "", "", "X", 45000],
        ["7a", "Janet DOE", "Individual", "aka", "", "", "", "", "", "", "X", 45000],
        ["n/a", "Nobody", "Individual", "Primary Name", "", "", "", "", "", "", "X", 45000],
    ])
    result = au_dfat.parse(tmp_path, "au_dfat", "x")
    assert [e.source_id for e in result.entries] == ["7"]
    assert [n.name for n in result.entries[0].names] == ["Jane DOE", "Janet DOE"]
    bad = [i for i in result.issues if i.rejected]
    assert [(i.file, i.line, i.field) for i in bad] == [(au_dfat.FILE, "4", "Reference")]
    assert result.records_read == 2


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"<html><head><title>Page not found</title></head></html>", "HTML page"),
    (b"Reference,Name of Individual or Entity\n1,X\n", "not an XLSX file"),
])
def test_file_that_is_not_an_xlsx_is_refused(tmp_path: Path, content: bytes, message: str):
    (tmp_path / au_dfat.FILE).write_bytes(content)
    with pytest.raises(SourceFormatError, match=f"{au_dfat.FILE}: .*{message}"):
        au_dfat.parse(tmp_path, "au_dfat", "x")


def test_corrupt_zip_and_wrong_header_are_refused(tmp_path: Path):
    data = (SNAPSHOT / au_dfat.FILE).read_bytes()
    (tmp_path / au_dfat.FILE).write_bytes(data[:4096])
    with pytest.raises(SourceFormatError, match="unreadable XLSX"):
        au_dfat.parse(tmp_path, "au_dfat", "x")
    _write_xlsx(tmp_path / au_dfat.FILE, [["Name", "Country"], ["X", "Y"]])
    with pytest.raises(SourceFormatError, match="first row is not the DFAT header"):
        au_dfat.parse(tmp_path, "au_dfat", "x")
