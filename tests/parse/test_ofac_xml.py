import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from screening.parse import ofac_csv, ofac_xml
from screening.parse.model import ParseResult, SourceFormatError

from ..conftest import FIXTURES

CONS_2018 = FIXTURES / "lists" / "us_ofac_cons" / "2018-04-06"
XML = CONS_2018 / "consolidated.xml"


@pytest.fixture(scope="module")
def xml_result() -> ParseResult:
    return ofac_xml.parse(CONS_2018, "us_ofac_cons", "2018-04-06")


@pytest.fixture(scope="module")
def xml_by_id(xml_result: ParseResult) -> dict:
    return {e.source_id: e for e in xml_result.entries}


def test_counts_version_and_accounting(xml_result: ParseResult):
    assert xml_result.records_read == 639 == len(xml_result.entries)
    assert xml_result.rejected_records == 0
    assert xml_result.version == "2018-04-06" and xml_result.published == date(2018, 4, 6)
    assert [p.name for p in xml_result.files] == ["consolidated.xml"]
    assert Counter(e.entity_type for e in xml_result.entries) == {"organization": 471, "person": 94, "vessel": 74}
    assert not [i for i in xml_result.issues if "Record_Count" in (i.field or "")]


def test_same_entries_as_the_csv_of_the_same_release(xml_result: ParseResult):
    csv_result = ofac_csv.parse(CONS_2018, "us_ofac_cons", "2018-04-06")
    csv_by_id = {e.source_id: e for e in csv_result.entries}
    assert set(csv_by_id) == {e.source_id for e in xml_result.entries}
    for entry in xml_result.entries:
        other = csv_by_id[entry.source_id]
        assert entry.entity_type == other.entity_type
        assert entry.primary_name == other.primary_name
        # OFAC's weak a.k.a.: a category in the XML, single quotes in the CSV Remarks.
        assert {n.name for n in entry.names if n.kind == "weak"} == {n.name for n in other.names if n.kind == "weak"}
        assert sorted(b.text for b in entry.birth_dates) == sorted(b.text for b in other.birth_dates)


def test_individual_names_dob_pob(xml_by_id):
    haniya = xml_by_id["9639"]
    assert haniya.location == "sdnEntry[8]" and haniya.file == "consolidated.xml"
    assert [(n.name, n.kind) for n in haniya.names] == [
        ("HANIYA, Ismail Abdul Salah", "primary"), ("HANIYA, Ismail", "aka"), ("HANIYYA, Ismaeel", "aka")]
    assert haniya.names[1].quality == "strong"
    assert [(b.year, b.precision) for b in haniya.birth_dates] == [(1962, "year")]
    assert haniya.birth_places == ["Shati"]
    assert haniya.programs == ["NS-PLC"]


def test_weak_aka_category(xml_by_id):
    bim = xml_by_id["4637"]  # BANK OF INDUSTRY AND MINE (OF IRAN)
    weak = [n for n in bim.names if n.kind == "weak"]
    assert [(n.name, n.quality) for n in weak] == [("BIM", "weak")]


def test_vessel_ids_flag_and_linked_to_from_remarks(xml_by_id):
    shona = xml_by_id["15036"]
    ids = {i.id_type: i.value for i in shona.identifiers}
    assert ids == {"mmsi": "572469210", "imo": "IMO 9187629", "call_sign": "T2EU4"}
    assert shona.extra["vessel_flag_code"] == "TZ" and shona.extra["tonnage"] == "99144"
    assert shona.remarks == "(Linked To: NATIONAL IRANIAN TANKER COMPANY)"
    assert shona.extra["linked_to"] == "NATIONAL IRANIAN TANKER COMPANY"
    assert [n.kind for n in shona.names] == ["primary", "fka", "fka"]


def test_id_number_with_country_in_parentheses_and_addresses(xml_by_id):
    novatek = xml_by_id["17064"]  # <idNumber>1026303117642 (Russia)</idNumber>, no <idCountry>
    reg = next(i for i in novatek.identifiers if i.value == "1026303117642")
    assert (reg.id_type, reg.country_code, reg.note) == ("registration", "RU", "Registration ID")
    address = novatek.addresses[0]
    assert (address.street, address.region, address.postcode, address.country_code) == (
        "2, Udaltsova Street", "Moscow", "119415", "RU")


def _small_xml(entries: int, edit=None) -> str:
    """The real file's head with its first ``entries`` sdnEntry elements."""
    text = XML.read_text(encoding="utf-8")
    blocks = re.findall(r"  <sdnEntry>.*?</sdnEntry>\n", text, flags=re.S)[:entries]
    if edit:
        blocks = edit(blocks)
    head = text[: text.index("  <sdnEntry>")]
    return head + "".join(blocks) + "</sdnList>\n"


def test_entry_without_uid_is_rejected_and_record_count_checked(tmp_path: Path):
    def drop_uid(blocks):
        blocks[1] = re.sub(r"<uid>\d+</uid>", "", blocks[1], count=1)
        return blocks
    (tmp_path / "consolidated.xml").write_text(_small_xml(3, drop_uid), encoding="utf-8")
    result = ofac_xml.parse(tmp_path, "us_ofac_cons", "x")
    rejected = [i for i in result.issues if i.rejected]
    assert [(i.file, i.line, i.field) for i in rejected] == [("consolidated.xml", "sdnEntry[2]", "uid")]
    assert result.records_read == 3 and len(result.entries) == 2
    count = [i for i in result.issues if i.field == "Record_Count"]
    assert count and "639" in count[0].problem


def test_truncated_xml_is_refused(tmp_path: Path):
    data = XML.read_bytes()
    (tmp_path / "consolidated.xml").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError, match=r"^consolidated\.xml: not well-formed XML"):
        ofac_xml.parse(tmp_path, "us_ofac_cons", "x")


def test_other_root_is_refused(tmp_path: Path):
    (tmp_path / "sdn.xml").write_text('<?xml version="1.0"?><export><x/></export>', encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"sdn\.xml: root element is <export>"):
        ofac_xml.parse(tmp_path, "us_ofac_sdn", "x")


def test_detect_finds_the_xml_but_not_the_csv_only_folder():
    assert ofac_xml.detect(CONS_2018)
    assert not ofac_xml.detect(FIXTURES / "lists" / "us_ofac_sdn" / "2024-04-26")
