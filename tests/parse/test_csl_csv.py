import csv
import hashlib
import io
from collections import Counter
from pathlib import Path

import pytest

from screening.parse import csl_csv
from screening.parse.model import SourceFormatError

from ..conftest import FIXTURES, LISTS

PARTIAL = LISTS / "us_csl" / "2023-11-30-partial"
OLD = FIXTURES / "lists" / "us_csl" / "excerpt-2019-12"
NEW = FIXTURES / "lists" / "us_csl" / "excerpt-2025-06"


@pytest.fixture(scope="module")
def partial():
    return csl_csv.parse(PARTIAL, "us_csl", "2023-11-30-partial")


def _entry(result, source_id):
    return next(e for e in result.entries if e.source_id == source_id)


def test_partial_copy_counts_and_accounting(partial):
    # 4227 data rows (the cut last one included); 7 OFAC uids repeated on a second sub-list.
    assert partial.records_read == 4227
    assert len(partial.entries) == 4219
    assert partial.rejected_records == 8
    assert len(partial.entries) + partial.rejected_records == partial.records_read
    assert len({e.source_id for e in partial.entries}) == len(partial.entries)
    by_list = Counter(e.programs[0] for e in partial.entries)
    assert by_list["EL"] == 919 and by_list["DPL"] == 577 and by_list["NS-MBS"] == 14
    assert partial.version == "2023-11-30-partial"
    assert partial.published.isoformat() == "2023-11-16"


def test_entity_list_chinese_address_is_split_with_country_code(partial):
    casc = _entry(partial, "5fe80d5c6a5cbba1082e18adeef87f1135482f525aee0cfa52ff8dea")
    assert casc.primary_name == "China Aerospace Science and Technology Corporation (CASC)"
    assert casc.entity_type == "unknown"
    assert casc.programs == ["EL"]
    assert (casc.file, casc.location) == ("csl.csv", "2172")
    address = casc.addresses[0]
    assert address.full == "No.1 Fengying East Road, Haidian District, Beijing, 100094, CN"
    assert address.street == "No.1 Fengying East Road, Haidian District"
    assert address.city == "Beijing"
    assert address.postcode == "100094"
    assert address.country_code == "CN"
    assert casc.extra["federal_register_notice"] == "66 FR 24265; 84 FR 40241"
    assert casc.extra["license_policy"] == "See §744.3(d) of this part"
    assert casc.listed_on.isoformat() == "2001-05-14"
    # "...; 230 Factory; and Beijing Aerospace Times ..." : the list's "and " is not part of the name.
    assert "Beijing Aerospace Times Optical-Electronic Technology Co., Ltd." in [n.name for n in casc.names]


def test_entity_list_hong_kong_address(partial):
    comsum = _entry(partial, "a61d7cb9c810eb4d751a648fef59d91be9e0c0ab0a5b764f414085ab")
    hk = comsum.addresses[1]
    assert hk.street == "Room 1005, 10/F Carnarvon Plaza, 20 Carnarvon Road, TST"
    assert hk.city == "Kowloon"
    assert hk.postcode is None
    assert (hk.country, hk.country_code) == ("HK", "HK")


def test_sdn_row_carries_its_ofac_uid_and_person_details(partial):
    duran = _entry(partial, "11474")
    assert duran.primary_name == "DURAN PORRAS, Gloria Amparo"
    assert duran.entity_type == "person"
    assert duran.programs == ["SDN", "SDNT"]
    assert ("ofac_uid", "11474") in [(i.id_type, i.value) for i in duran.identifiers]
    cedula = next(i for i in duran.identifiers if i.id_type == "national_id")
    assert (cedula.value, cedula.country_code, cedula.note) == ("42895110", "CO", "Cedula No.")
    assert [(b.text, b.precision, b.month) for b in duran.birth_dates] == [("1968-02-11", "day", 2), ("1968-11-02", "day", 11)]
    assert [a.city for a in duran.addresses] == ["Medellin", "Medellin"]


def test_alt_names_are_split_on_semicolons_not_commas(partial):
    telecom = _entry(partial, "30882")
    assert [(n.name, n.kind) for n in telecom.names] == [
        ("China Telecom Corporation Limited", "primary"), ("CHINA TELECOM", "aka"),
        ("CHINA TELECOM CO., LTD", "aka"), ("CHINA TELECOM CORP LTD", "aka")]
    uscc = next(i for i in telecom.identifiers if i.id_type == "registration")
    assert (uscc.value, uscc.country_code) == ("9111000071093019X7", "CN")
    # Listing facts are not identifiers.
    assert "Target Type, Public Company" in telecom.extra["features"]
    assert "Public Company" not in [i.value for i in telecom.identifiers]


def test_partial_copy_defects_are_each_reported(partial):
    issues = {(i.file, i.line): i for i in partial.issues}
    header = issues[("csl.csv", "2")]
    assert "header row repeated" in header.problem and not header.rejected
    dup = issues[("csl.csv", "1012")]
    assert dup.rejected and dup.value == "17014"
    assert dup.problem.startswith("duplicate _id, first at line 10")
    # The kept NS-MBS entry still says the party is on the SSI list too.
    bank = _entry(partial, "17014")
    assert bank.location == "10" and bank.programs[0] == "NS-MBS" and "SSI" in bank.programs
    cut = issues[("csl.csv", "4233")]
    assert cut.rejected and "cut short" in cut.problem and "found 8" in cut.problem
    assert "11476" not in {e.source_id for e in partial.entries}


def test_old_28_column_layout_gets_derived_ids():
    result = csl_csv.parse(OLD, "us_csl", "excerpt-2019-12")
    assert result.records_read == len(result.entries) == 115
    assert len({e.source_id for e in result.entries}) == 115
    adrian = next(e for e in result.entries if e.primary_name == "ADRIAN MANUEL HERNANDEZ")
    key = ("DENIED PERSONS LIST (DPL) - BUREAU OF INDUSTRY AND SECURITY|ADRIAN MANUEL HERNANDEZ|"
           "3037 S. 69TH DRIVE, PHONEIX, AZ, 85043|2017-10-16")
    assert adrian.source_id == hashlib.sha1(key.encode()).hexdigest()[:16]
    assert (adrian.addresses[0].city, adrian.addresses[0].region, adrian.addresses[0].postcode) == ("PHONEIX", "AZ", "85043")
    # OFAC rows keep their uid; their ids are written "country, number, type".
    psa = next(e for e in result.entries if e.primary_name == "200G PSA HOLDINGS LLC")
    assert psa.source_id == "20264"
    tax = next(i for i in psa.identifiers if i.id_type == "tax_id")
    assert (tax.value, tax.country_code, tax.note) == ("80-0890696", "US", "Tax ID No.")


def test_2025_excerpt_named_consolidated_csv_parses():
    assert csl_csv.detect(NEW)
    result = csl_csv.parse(NEW, "us_csl", "excerpt-2025-06")
    assert result.files[0].name == "consolidated.csv"
    assert result.records_read == len(result.entries) == 13
    assert not result.issues
    meu = next(e for e in result.entries if e.programs[0] == "MEU")
    assert meu.source_id == "66f6ab3f26234b75a9093fce79ef0ce0"
    assert (meu.addresses[0].street, meu.addresses[0].city, meu.addresses[0].country_code) == (
        "Tian Wang te Zi #1, Baqiao District", "Xian", "CN")


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_wrong_delimiter_is_refused(tmp_path: Path, delimiter: str):
    _write(tmp_path / "consolidated.csv", _rows(NEW / "consolidated.csv"), delimiter)
    with pytest.raises(SourceFormatError, match=r"^consolidated\.csv: line 1 is not a CSL header"):
        csl_csv.parse(tmp_path, "us_csl", "x")


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_wrong_encoding_is_refused_naming_the_file(tmp_path: Path, encoding: str):
    # The excerpt's MEU row has a "§": latin-1 writes it as a byte that is not UTF-8.
    _write(tmp_path / "consolidated.csv", _rows(NEW / "consolidated.csv"), encoding=encoding)
    with pytest.raises(SourceFormatError, match=r"^consolidated\.csv: not utf-8-sig text"):
        csl_csv.parse(tmp_path, "us_csl", "x")


def test_row_with_too_few_columns_is_rejected_with_its_line(tmp_path: Path):
    rows = _rows(NEW / "consolidated.csv")
    rows[3] = rows[3][:5]
    _write(tmp_path / "consolidated.csv", rows)
    result = csl_csv.parse(tmp_path, "us_csl", "x")
    bad = [i for i in result.issues if i.rejected]
    assert [(i.file, i.line, i.problem) for i in bad] == [("consolidated.csv", "4", "expected 29 fields, found 5")]
    assert len(result.entries) == result.records_read - 1 == 12
