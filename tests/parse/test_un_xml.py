from pathlib import Path

import pytest

from screening.parse import un_xml
from screening.parse.model import Entry, ParseResult

from ..conftest import FIXTURES, LISTS

UN_FIXTURES = FIXTURES / "lists" / "un_sc"
# (snapshot folder, individuals, entities) as published in each download
VERSIONS = [
    (LISTS / "un_sc" / "2026-02-27", 730, 273),
    (UN_FIXTURES / "2024-11-30", 686, 193),  # pretty-printed, single-quoted attributes
    (UN_FIXTURES / "2020-03-20", 709, 305),
    (UN_FIXTURES / "2018-06-21", 695, 405),
    (UN_FIXTURES / "2018-06-07", 693, 405),
]
_CACHE: dict[Path, ParseResult] = {}


def _parse(snapshot: Path) -> ParseResult:
    if snapshot not in _CACHE:
        _CACHE[snapshot] = un_xml.parse(snapshot, "un_sc", snapshot.name)
    return _CACHE[snapshot]


def _entry(snapshot: Path, ref: str) -> Entry:
    return next(e for e in _parse(snapshot).entries if e.source_id == ref)


BUNDLED = VERSIONS[0][0]


@pytest.mark.parametrize("snapshot, individuals, entities", VERSIONS, ids=[v[0].name for v in VERSIONS])
def test_un_every_download_is_read_whole(snapshot: Path, individuals: int, entities: int):
    assert un_xml.detect(snapshot)
    result = _parse(snapshot)
    assert result.version == snapshot.name == result.published.isoformat()
    assert result.records_read == individuals + entities
    assert len(result.entries) + result.rejected_records == result.records_read
    assert result.rejected_records == 0
    assert sum(e.entity_type == "person" for e in result.entries) == individuals
    assert sum(e.entity_type == "organization" for e in result.entries) == entities
    assert len({e.source_id for e in result.entries}) == len(result.entries)
    assert all(e.primary_name and e.file == "consolidated.xml" for e in result.entries)


def test_un_individual_with_aliases_by_quality_original_script_and_approximate_dob():
    anwari = _entry(BUNDLED, "TAi.005")
    assert anwari.location == "INDIVIDUALS/INDIVIDUAL[589]"
    assert anwari.primary_name == "MUHAMMAD TAHER ANWARI"
    assert anwari.extra["dataid"] == "110447"
    assert anwari.programs == ["Taliban"]
    assert anwari.listed_on.isoformat() == "2001-02-23"
    names = {n.name: n for n in anwari.names}
    assert (names["Haji Mudir"].kind, names["Haji Mudir"].quality) == ("weak", "low")
    assert (names["Mohammad Taher Anwari"].kind, names["Mohammad Taher Anwari"].quality) == ("aka", "good")
    original = names["محمد طاهر أنوري"]
    assert (original.kind, original.script) == ("original_script", "Arab")
    [dob] = anwari.birth_dates
    assert (dob.year, dob.precision, dob.text) == (1961, "year", "approximately 1961")
    assert [(n.country_code, n.country) for n in anwari.nationalities] == [("AF", "Afghanistan")]
    assert anwari.birth_places == ["Zurmat District, Paktia Province, Afghanistan"]


def test_un_birth_date_precisions_exact_between_month_and_alias_dob():
    ghedeir = _entry(BUNDLED, "QDi.250")
    # The alias "Abid Hammadou" comes with its own exact date of birth.
    alias_dob = next(b for b in ghedeir.birth_dates if b.location.endswith("INDIVIDUAL_ALIAS[4]"))
    assert (alias_dob.year, alias_dob.month, alias_dob.day, alias_dob.precision) == (1965, 12, 12, "day")
    between = _entry(BUNDLED, "TAi.002").birth_dates[0]
    assert (between.year, between.year_to, between.precision) == (1955, 1958, "range")
    assert between.text == "1955-1958 (Approximately)"
    month_only = _entry(BUNDLED, "CDi.004").birth_dates[0]  # published only as the NOTE "Nov. 1973"
    assert (month_only.year, month_only.month, month_only.precision) == (1973, 11, "month")


def test_un_entity_aliases_and_passport_of_an_individual():
    al_qaida = _entry(BUNDLED, "QDe.004")
    assert al_qaida.entity_type == "organization"
    assert al_qaida.primary_name == "AL-QAIDA"
    assert ("Al Qaeda", "aka", "a.k.a.") in {(n.name, n.kind, n.quality) for n in al_qaida.names}
    assert ("un_reference", "QDe.004") in {(i.id_type, i.value) for i in al_qaida.identifiers}
    kim = _entry(BUNDLED, "KPi.035")
    passport = next(i for i in kim.identifiers if i.id_type == "passport")
    assert (passport.value, passport.country_code) == ("645120378", "KP")
    mixed = next(n for n in kim.names if n.kind == "aka")
    assert (mixed.name, mixed.script) == ("Jin Tiesan (金铁三)", "Hani")


def test_un_fka_quality_of_entities_is_kept():
    fkas = [(e.source_id, n.name) for e in _parse(BUNDLED).entries for n in e.names if n.kind == "fka"]
    assert len(fkas) == 19
    assert all(n.quality == "f.k.a." for e in _parse(BUNDLED).entries for n in e.names if n.kind == "fka")


def test_un_single_quoted_download_gives_the_same_record():
    old = _entry(UN_FIXTURES / "2024-11-30", "TAi.005")
    new = _entry(BUNDLED, "TAi.005")
    assert old.primary_name == new.primary_name
    assert {n.name for n in old.names} == {n.name for n in new.names}


def test_un_words_only_dates_and_numberless_documents_are_reported_not_dropped():
    result = _parse(BUNDLED)
    notes = [i for i in result.issues if i.field == "NOTE"]
    assert {i.value for i in notes} == {"30-35 years old", "24/06/1402 (Hijri Calendar)"}
    assert not any(i.rejected for i in result.issues)
    documents = [i for i in result.issues if i.field == "NUMBER"]
    assert len(documents) == 14
    entry = next(e for e in result.entries if documents[0].line.startswith(e.location + "/"))
    assert documents[0].value in entry.extra["documents"]


def test_un_duplicate_reference_number_is_rejected(tmp_path: Path):
    text = (BUNDLED / "consolidated.xml").read_text(encoding="utf-8")
    start = text.index("<INDIVIDUAL>")
    end = text.index("</INDIVIDUAL>") + len("</INDIVIDUAL>")
    (tmp_path / "consolidated.xml").write_text(text[:end] + text[start:end] + text[end:], encoding="utf-8")
    result = un_xml.parse(tmp_path, "un_sc", "x")
    assert result.records_read == 1004
    [bad] = [i for i in result.issues if i.rejected]
    assert (bad.line, bad.field, bad.value) == ("INDIVIDUALS/INDIVIDUAL[2]", "REFERENCE_NUMBER", "CDi.001")
    assert "first at INDIVIDUALS/INDIVIDUAL[1]" in bad.problem
    assert len(result.entries) == 1003


def test_un_detect_ignores_an_ofac_consolidated_xml(tmp_path: Path):
    (tmp_path / "consolidated.xml").write_text('<?xml version="1.0"?><sdnList></sdnList>', encoding="utf-8")
    assert not un_xml.detect(tmp_path)
