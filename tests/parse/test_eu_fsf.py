from pathlib import Path

from screening.parse import eu_fsf
from screening.parse.model import Entry, ParseResult

from ..conftest import FIXTURES

SELECTED = FIXTURES / "lists" / "eu_fsf" / "excerpt-2020-04-15"  # sample_eu.xml: chosen entities
HEAD = FIXTURES / "lists" / "eu_fsf" / "excerpt-2020-04-15-head"  # sample_eu_sanctions.xml: first 7


def _parse(snapshot: Path) -> ParseResult:
    return eu_fsf.parse(snapshot, "eu_fsf", snapshot.name)


def _entry(result: ParseResult, logical_id: str) -> Entry:
    return next(e for e in result.entries if e.source_id == logical_id)


def test_eu_head_excerpt_every_entity_is_read():
    assert eu_fsf.detect(HEAD)
    result = _parse(HEAD)
    assert (result.version, result.files[0].name) == ("2020-04-15", "sample_eu_sanctions.xml")
    assert [e.source_id for e in result.entries] == ["13", "20", "23", "25", "29", "33", "39"]
    assert result.records_read == len(result.entries) == 7
    assert result.issues == []
    assert all(e.entity_type == "person" and e.programs == ["IRQ"] for e in result.entries)


def test_eu_first_strong_alias_is_primary_even_when_it_is_a_nickname():
    saddam = _entry(_parse(HEAD), "13")
    # The file has no primary flag; its first alias for Saddam Hussein is "Abou Ali".
    assert saddam.primary_name == "Abou Ali"
    assert [(n.name, n.kind, n.lang) for n in saddam.names] == [
        ("Abou Ali", "primary", "fr"), ("Abu Ali", "aka", None), ("Saddam Hussein Al-Tikriti", "aka", None)]
    assert saddam.extra["eu_reference_number"] == "EU.27.28"
    [dob] = saddam.birth_dates
    assert (dob.year, dob.month, dob.day, dob.precision) == (1937, 4, 28, "day")
    assert [(n.country_code, n.country, n.kind) for n in saddam.nationalities] == [("IQ", "IRAQ", "citizenship")]


def test_eu_circa_birthdate_keeps_its_year_and_says_circa():
    result = _parse(SELECTED)
    zeid = _entry(result, "5295")
    assert [(b.text, b.year, b.precision) for b in zeid.birth_dates] == [
        ("1965-12-12", 1965, "day"), ("circa 1958", 1958, "year")]
    assert zeid.birth_places[1] == "Deb-Deb, Amenas, Wilaya (province) of Illizi, ALGERIA"
    assert zeid.programs == ["TAQA"] and zeid.listed_on.isoformat() == "2008-07-03"


def test_eu_identification_address_and_unknown_country():
    result = _parse(SELECTED)
    [passport] = _entry(result, "191").identifiers
    # countryIso2Code "00" is the EU's UNKNOWN: no country code rather than a wrong one.
    assert (passport.id_type, passport.value, passport.country_code, passport.note) == (
        "passport", "488555", None, "National passport")
    [address] = _entry(result, "5807").addresses
    assert (address.region, address.country_code) == ("North Kivu", "CD")


def test_eu_synthetic_duplicate_logical_id_is_rejected_not_merged():
    result = _parse(SELECTED)
    assert result.records_read == 6
    assert len(result.entries) == 5
    [bad] = [i for i in result.issues if i.rejected]
    assert (bad.file, bad.line, bad.field, bad.value) == ("sample_eu.xml", "sanctionEntity[6]", "logicalId", "5468")
    assert "first at sanctionEntity[3]" in bad.problem
    hwang = _entry(result, "5468")
    assert [n.name for n in hwang.names] == ["Sok-hwa Hwang"]  # "TestOneWord" not merged in


def test_eu_weak_alias_and_un_reference_of_an_entity(tmp_path: Path):
    # Neither real excerpt has a weak alias or a UN id (all strong="true", unitedNationId="").
    # So this copy of real entity 5295 gets the UN reference the UN list gives the same person
    # (QDi.250, AMOR MOHAMED GHEDEIR) and one alias marked strong="false".
    text = (SELECTED / "sample_eu.xml").read_text(encoding="utf-8")
    text = text.replace('unitedNationId="" euReferenceNumber="EU.2026.82"',
                        'unitedNationId="QDi.250" euReferenceNumber="EU.2026.82"')
    weak = 'wholeName="Abou Abdellah" function="" title="" nameLanguage="" strong="'
    assert weak + 'true"' in text
    (tmp_path / "sample_eu.xml").write_text(text.replace(weak + 'true"', weak + 'false"'), encoding="utf-8")
    zeid = _entry(_parse(tmp_path), "5295")
    assert [(i.id_type, i.value) for i in zeid.identifiers] == [("un_reference", "QDi.250")]
    assert [(n.name, n.quality) for n in zeid.names if n.kind == "weak"] == [("Abou Abdellah", "weak")]
    assert zeid.primary_name == "Abid Hammadou"


def test_eu_file_is_found_by_content_not_by_name(tmp_path: Path):
    # The official URL ends in ".../content?token=...": a download is saved as "content".
    (tmp_path / "content").write_bytes((HEAD / "sample_eu_sanctions.xml").read_bytes())
    (tmp_path / "notes.txt").write_text("fetched from the FSF site", encoding="utf-8")
    assert eu_fsf.detect(tmp_path)
    result = _parse(tmp_path)
    assert result.files[0].name == "content" and result.records_read == 7
    assert result.entries[0].file == "content"
