from collections import Counter
from pathlib import Path

import pytest

from screening.parse import ca_sema
from screening.parse.model import SourceFormatError

from ..conftest import LISTS

SNAPSHOT = LISTS / "ca_sema" / "2020-04"


@pytest.fixture(scope="module")
def sema():
    return ca_sema.parse(SNAPSHOT, "ca_sema", "2020-04")


def _entry(result, source_id):
    return next(e for e in result.entries if e.source_id == source_id)


def test_every_record_is_an_entry_with_a_unique_id(sema):
    assert sema.records_read == len(sema.entries) == 1369
    assert sema.rejected_records == 0 and not sema.issues
    assert Counter(e.entity_type for e in sema.entries) == {"person": 985, "organization": 384}
    assert len({e.source_id for e in sema.entries}) == 1369
    programs = Counter(e.programs[0] for e in sema.entries)
    assert programs["Russia"] == 197 and programs["JVCFOR"] == 70 and programs["Venezuela"] == 96
    assert (sema.version, sema.published) == ("2020-04", None)


def test_individual_with_date_of_birth_and_given_name_alias(sema):
    kostin = _entry(sema, "Russia|1|101")
    assert kostin.entity_type == "person"
    assert [(n.name, n.kind) for n in kostin.names] == [("KOSTIN, Andrey Leonidovich", "primary"),
                                                        ("KOSTIN, Andrei", "aka")]
    assert [(b.text, b.year, b.month, b.day, b.precision) for b in kostin.birth_dates] == [
        ("1956-09-21", 1956, 9, 21, "day")]
    assert kostin.programs == ["Russia"]
    assert kostin.extra["regime"] == "Russia / Russie"
    assert kostin.extra["aliases"] == "Andrei"
    assert (kostin.extra["last_name"], kostin.extra["given_name"]) == ("KOSTIN", "Andrey Leonidovich")
    assert not kostin.addresses and not kostin.nationalities  # the regime is not a country of the person
    assert kostin.file == "sema-lemes.xml" and kostin.location.startswith("record[")


def test_two_dates_of_birth_and_jvcfor_regime(sema):
    person = _entry(sema, "JVCFOR|1|54")
    assert person.primary_name == "ABAHUSSAIN, Mansour Othman"
    assert [b.text for b in person.birth_dates] == ["1972-08-10", "1972-08-11"]
    assert person.extra["regime"].startswith("Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)")


def test_surname_variants_and_nicknames(sema):
    pashchenko = _entry(sema, "Ukraine|1|121")
    assert [n.name for n in pashchenko.names] == ["PASHCHENKO, Natalya Aleksandrovna", "PASHENKO, Natalya Aleksandrovna"]
    pavlov = _entry(sema, "Ukraine|1|83")
    assert [(n.name, n.kind) for n in pavlov.names] == [("PAVLOV, Arseny", "primary"), ("Motorola", "weak")]
    girkin = _entry(sema, "Russia|1|43")
    assert ("Igor STRELKOV", "aka") in [(n.name, n.kind) for n in girkin.names]


def test_bilingual_entity_name_and_aliases(sema):
    gort = _entry(sema, "Syria|1|42")
    assert gort.entity_type == "organization"
    assert [(n.name, n.kind, n.lang) for n in gort.names] == [
        ("General Organization of Radio and TV", "primary", "en"),
        ("Organisme général de la radio et de la télévision", "aka", "fr"),
        ("GORT", "aka", None), ("ORTAS", "aka", None)]
    bagan = _entry(sema, "Burma|1|1")
    assert [n.name for n in bagan.names] == ["Air Bagan", "Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sema-lmes.xml").write_text(text, encoding="utf-8")
    return tmp_path


def test_record_without_a_name_is_rejected(tmp_path: Path):
    snapshot = _write(tmp_path, "<data-set><record><Country>Russia / Russie</Country><LastName>IVANOV</LastName>"
                                "<Schedule>1</Schedule><Item>1</Item></record><record><Country>Iran</Country>"
                                "<Schedule>1</Schedule><Item>2</Item></record></data-set>")
    result = ca_sema.parse(snapshot, "ca_sema", "x")
    assert result.records_read == 2 and [e.source_id for e in result.entries] == ["Russia|1|1"]
    assert [(i.file, i.line, i.rejected) for i in result.issues] == [("sema-lmes.xml", "record[2]", True)]


@pytest.mark.parametrize("text, message", [
    ("<data-set><record><Entity>Broken</record></data-set>", "not well-formed XML"),
    ("<html><body>Not found</body></html>", "HTML page"),
    ("<export><record/></export>", "root element is <export>"),
])
def test_not_a_sema_file_is_refused(tmp_path: Path, text: str, message: str):
    with pytest.raises(SourceFormatError, match=rf"^sema-lmes\.xml: .*{message}"):
        ca_sema.parse(_write(tmp_path, text), "ca_sema", "x")
