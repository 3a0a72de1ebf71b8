from functools import lru_cache
from pathlib import Path

import pytest

from screening.parse import uk_fcdo
from screening.parse.model import Entry, ParseResult, SourceFormatError

from ..conftest import FIXTURES

EXCERPT = FIXTURES / "lists" / "uk_fcdo" / "excerpt-2026-06-10"


@lru_cache(maxsize=1)
def _result() -> ParseResult:
    return uk_fcdo.parse(EXCERPT, "uk_fcdo", EXCERPT.name)


def _entry(unique_id: str) -> Entry:
    return next(e for e in _result().entries if e.source_id == unique_id)


def test_uk_excerpt_every_designation_is_an_entry():
    assert uk_fcdo.detect(EXCERPT)
    result = _result()
    assert result.version == "2026-06-10"  # <DateGenerated>10/06/2026</DateGenerated>
    assert result.records_read == 30
    assert len(result.entries) + result.rejected_records == result.records_read == 30
    types = [e.entity_type for e in result.entries]
    assert (types.count("person"), types.count("organization"), types.count("vessel")) == (23, 6, 1)
    assert sum(n.kind == "primary" for e in result.entries for n in e.names) == 30
    assert result.issues == []


def test_uk_designation_aliases_group_id_un_reference_and_passport():
    mansur = _entry("AFG0011")
    assert mansur.extra["ofsi_group_id"] == "7270"
    assert ("un_reference", "TAi.007") in {(i.id_type, i.value) for i in mansur.identifiers}
    assert [(n.name, n.kind, n.quality) for n in mansur.names] == [
        ("ABDUL LATIF MANSUR", "primary", None),
        ("Abdul Latif MANSOOR", "aka", "good"),
        ("Wali MOHAMMAD", "aka", "good"),
        ("عبد اللطيف منصور", "original_script", None),
    ]
    assert mansur.names[-1].script == "Arab"
    # Published as "<PassportNumber> D0009720</PassportNumber>": stray space stripped, nothing else.
    passports = [i.value for i in mansur.identifiers if i.id_type == "passport"]
    assert passports == ["D0009720", "D0010442"]
    # "dd/mm/1968" plus "12/11/1967" listed twice: two dates, precisions from the known parts.
    assert [(b.text, b.precision) for b in mansur.birth_dates] == [("dd/mm/1968", "year"), ("12/11/1967", "day")]
    assert mansur.listed_on.isoformat() == "2001-01-31"
    assert mansur.programs == ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]


def test_uk_low_quality_alias_is_weak_and_name_parts_are_joined():
    zahir = _entry("AFG0012")
    assert zahir.primary_name == "Shams Ur-Rahman ABDUL ZAHIR"  # "Shams " + "Ur-Rahman" + " ABDUL ZAHIR"
    weak = [(n.name, n.quality) for n in zahir.names if n.kind == "weak"]
    assert weak == [("Shams ur-Rahman Sher Alam", "low")]
    assert [i.value for i in zahir.identifiers if i.id_type == "national_id"] == ["2132370", "812673"]


def test_uk_name_type_casing_varies_primary_name_variation_is_an_alias():
    kiselyov = _entry("RUS0001")
    assert [n.kind for n in kiselyov.names] == ["primary", "aka", "aka", "aka"]
    assert kiselyov.primary_name == "Dmitry Konstantinovich Kiselyov"
    assert "ofsi_group_id" in kiselyov.extra and not any(i.id_type == "un_reference" for i in kiselyov.identifiers)


def test_uk_ship_has_its_imo_number_and_no_group_id():
    ship = _entry("DPR0075")
    assert ship.entity_type == "vessel"
    assert ship.primary_name == "Petrel 8"
    assert [(i.id_type, i.value) for i in ship.identifiers if i.id_type == "imo"] == [("imo", "IMO9562233")]
    assert "ofsi_group_id" not in ship.extra
    assert ship.extra["flag"] == "Comoros"
    # the current believed flag is the ship's country; the previous one (India) stays a fact
    assert [(n.country_code, n.country, n.kind) for n in ship.nationalities] == [("KM", "Comoros", "flag")]
    assert ship.extra["previous_flags"] == "India"


def test_uk_entity_non_latin_name_with_script_and_language():
    synesis = _entry("BEL0065")
    original = next(n for n in synesis.names if n.kind == "original_script")
    assert (original.name, original.script, original.lang) == ("ООО “Синезис”", "Cyrl", "ru")
    assert [a.postcode for a in synesis.addresses] == [None, "123100"]
    assert any(i.id_type == "registration" and "190950894" in i.value for i in synesis.identifiers)


def test_uk_duplicate_unique_id_is_rejected(tmp_path: Path):
    text = (EXCERPT / "uksl_sample.xml").read_text(encoding="utf-8")
    start = text.index("<Designation ")
    end = text.index("</Designation>") + len("</Designation>")
    (tmp_path / "uksl_sample.xml").write_text(text[:end] + text[start:end] + text[end:], encoding="utf-8")
    result = uk_fcdo.parse(tmp_path, "uk_fcdo", "x")
    [bad] = [i for i in result.issues if i.rejected]
    assert (bad.line, bad.value) == ("Designation[2]", "AFG0001")
    assert (result.records_read, len(result.entries)) == (31, 30)


def test_uk_unreadable_dob_is_reported(tmp_path: Path):
    text = (EXCERPT / "uksl_sample.xml").read_text(encoding="utf-8")
    (tmp_path / "uksl_sample.xml").write_text(text.replace("<DOB>26/04/1954</DOB>", "<DOB>26/4/54</DOB>"),
                                              encoding="utf-8")
    result = uk_fcdo.parse(tmp_path, "uk_fcdo", "x")
    [issue] = result.issues
    assert (issue.field, issue.value, issue.rejected) == ("DOB", "26/4/54", False)
    assert issue.line == "Designation[30]/IndividualDetails/Individual/DOBs"
    kiselyov = next(e for e in result.entries if e.source_id == "RUS0001")
    assert kiselyov.birth_dates == [] and len(result.entries) == 30


def test_uk_folder_without_the_file_is_refused(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    assert not uk_fcdo.detect(tmp_path)
    with pytest.raises(SourceFormatError, match="no FCDO UK Sanctions List XML file"):
        uk_fcdo.parse(tmp_path, "uk_fcdo", "x")
