import re
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from screening.parse import ofac_csv, ofac_enhanced_xml
from screening.parse.model import ParseResult, SourceFormatError

from ..conftest import FIXTURES, LISTS

ENHANCED = FIXTURES / "lists" / "us_ofac_cons" / "2025-01-10"
ZIP = ENHANCED / "CONS_ENHANCED.ZIP"


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return ofac_enhanced_xml.parse(ENHANCED, "us_ofac_cons", "2025-01-10")


@pytest.fixture(scope="module")
def by_id(result: ParseResult) -> dict:
    return {e.source_id: e for e in result.entries}


def _xml_text() -> str:
    with zipfile.ZipFile(ZIP) as archive:
        return archive.read("CONS_ENHANCED.XML").decode("utf-8")


def test_counts_version_and_accounting(result: ParseResult):
    assert result.records_read == 443 == len(result.entries)
    assert result.rejected_records == 0
    assert result.version == "2025-01-10" and result.published == date(2025, 1, 10)
    assert result.notes == ["read CONS_ENHANCED.XML from CONS_ENHANCED.ZIP"]
    assert {e.file for e in result.entries} == {"CONS_ENHANCED.ZIP"}
    assert Counter(e.entity_type for e in result.entries) == {"organization": 363, "person": 80}


def test_entries_match_the_legacy_csv_of_the_same_list(result: ParseResult):
    # Same list eleven months later: ids, types and (but for one renamed refinery) primary names agree.
    csv_by_id = {e.source_id: e for e in ofac_csv.parse(LISTS / "us_ofac_cons" / "2025-12-19", "c", "x").entries}
    common = [e for e in result.entries if e.source_id in csv_by_id]
    assert len(common) == 442
    assert all(e.entity_type == csv_by_id[e.source_id].entity_type for e in common)
    assert sum(e.primary_name != csv_by_id[e.source_id].primary_name for e in common) == 1


def test_person_features_and_relationship(by_id):
    zahhar = by_id["9647"]
    assert zahhar.location == "entities/entity[9]" and zahhar.entity_type == "person"
    assert [(n.name, n.kind) for n in zahhar.names] == [
        ("ZAHHAR, Mahmoud Khaled", "primary"), ("AL ZAHAR, Mahmoud Khaled", "aka"),
        ("ZAHAR, Mahmoud", "weak"), ("AL-ZAHAR, Mahmoud", "weak")]
    assert [(b.text, b.year, b.precision) for b in zahhar.birth_dates] == [("1945", 1945, "year")]
    assert zahhar.birth_places == ["Gaza Strip"]
    assert [(n.country, n.country_code) for n in zahhar.nationalities] == [("Palestinian", "PS")]
    assert zahhar.extra["gender"] == "Male"
    assert zahhar.extra["linked_to"] == "HAMAS"
    assert zahhar.extra["relationships"] == "Acting for or on behalf of: HAMAS (4695)"
    assert zahhar.programs == ["NS-PLC", "SDGT"]
    assert zahhar.addresses[0].region == "Gaza"


def test_organisation_scripts_documents_and_features(by_id):
    vtb = by_id["17013"]
    assert vtb.primary_name == "VTB BANK PUBLIC JOINT STOCK COMPANY"
    cyrillic = [n for n in vtb.names if n.kind == "original_script"]
    assert cyrillic[0].name == "БАНК ВТБ ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО" and cyrillic[0].script == "Cyrl"
    ids = {(i.id_type, i.value): i for i in vtb.identifiers}
    assert ids[("registration", "1027739609391")].country_code == "RU"
    assert ids[("tax_id", "7702070139")].note == "Tax ID No."
    assert ("swift_bic", "VTBRRUMM") in ids
    assert ids[("website", "www.vtb.ru")].note == "Website; Russian Language website for the bank"
    moscow = [a for a in vtb.addresses if a.postcode == "119121"]
    assert moscow[0].street == "37 Plyushchikha ul." and moscow[0].city == "Moscow" and moscow[0].country_code == "RU"


def _write_zip(folder: Path, xml: str, member: str = "CONS_ENHANCED.XML") -> None:
    with zipfile.ZipFile(folder / "CONS_ENHANCED.ZIP", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, xml)


def test_entity_without_id_is_rejected(tmp_path: Path):
    text = _xml_text()
    blocks = re.findall(r"    <entity id=.*?</entity>\n", text, flags=re.S)[:3]
    blocks[2] = re.sub(r'<entity id="\d+">', "<entity>", blocks[2], count=1)
    head = text[: text.index("    <entity id=")]
    _write_zip(tmp_path, head + "".join(blocks) + "  </entities>\n</sanctionsData>\n")
    result = ofac_enhanced_xml.parse(tmp_path, "us_ofac_cons", "x")
    rejected = [i for i in result.issues if i.rejected]
    assert [(i.file, i.line, i.field) for i in rejected] == [("CONS_ENHANCED.ZIP", "entities/entity[3]", "id")]
    assert result.records_read == 3 and len(result.entries) == 2


def test_truncated_zip_is_refused(tmp_path: Path):
    data = ZIP.read_bytes()
    (tmp_path / "CONS_ENHANCED.ZIP").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError, match=r"^CONS_ENHANCED\.ZIP: not a readable ZIP archive"):
        ofac_enhanced_xml.parse(tmp_path, "us_ofac_cons", "x")


def test_corrupted_zip_member_is_refused(tmp_path: Path):
    data = bytearray(ZIP.read_bytes())
    data[5000:6000] = bytes(b ^ 0xFF for b in data[5000:6000])  # damage the compressed XML, keep the directory
    (tmp_path / "CONS_ENHANCED.ZIP").write_bytes(bytes(data))
    with pytest.raises(SourceFormatError, match=r"^CONS_ENHANCED\.ZIP: not a readable ZIP archive"):
        ofac_enhanced_xml.parse(tmp_path, "us_ofac_cons", "x")


def test_zip_without_xml_and_zip_of_other_xml_are_refused(tmp_path: Path):
    with zipfile.ZipFile(tmp_path / "SDN_ENHANCED.ZIP", "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(SourceFormatError, match=r"SDN_ENHANCED\.ZIP: no XML file in the ZIP"):
        ofac_enhanced_xml.parse(tmp_path, "us_ofac_sdn", "x")
    other = tmp_path / "other"
    other.mkdir()
    _write_zip(other, '<?xml version="1.0"?><sdnList><publshInformation/></sdnList>')
    with pytest.raises(SourceFormatError, match=r"CONS_ENHANCED\.XML: root element is <sdnList>"):
        ofac_enhanced_xml.parse(other, "us_ofac_cons", "x")


def test_detect_only_the_enhanced_files():
    assert ofac_enhanced_xml.detect(ENHANCED)
    assert not ofac_enhanced_xml.detect(FIXTURES / "lists" / "us_ofac_cons" / "2018-04-06")
