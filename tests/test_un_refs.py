"""UN reference numbers: one form, the UN list's own, for stored identifiers and consolidation keys."""
from __future__ import annotations

import re

import pytest

from screening.parse import uk_ofsi_details, un_xml
from screening.un_refs import canonical, un_ref_key

from .conftest import LISTS


def test_every_spelling_of_a_reference_gives_the_un_lists_form():
    assert un_ref_key("QDi.006") == un_ref_key("UN Ref QDi.6") == un_ref_key("qdi . 6") == "QDi.006"
    assert un_ref_key("QI.A.317.13") == "QDi.317"
    assert un_ref_key("TI.H.144.01") == "TAi.144"
    assert un_ref_key("KPe.1234") == "KPe.1234"  # a serial of four digits stays whole
    assert un_ref_key("no reference here") is None
    assert canonical("QDe", "4") == "QDe.004"


@pytest.fixture(scope="module")
def un_refs() -> list[str]:
    snapshot = LISTS / "un_sc" / "2026-02-27"
    return [e.source_id for e in un_xml.parse(snapshot, "un_sc", snapshot.name).entries]


def test_the_form_is_the_one_the_un_list_files_its_entries_under(un_refs):
    assert len(un_refs) > 900
    assert [un_ref_key(ref) for ref in un_refs] == un_refs
    assert any(re.search(r"\.0\d\d$", ref) for ref in un_refs)  # zero-padded serials are in the data


@pytest.mark.parametrize("cited, stored", [("UN Ref QDi.6", "QDi.006"), ("UN Ref QD1.6", "QDi.006"),
                                           ("UN Ref QI.A.317.13", "QDi.317"), ("UN Ref KPE.62", "KPe.062")])
def test_a_parser_stores_a_cited_reference_as_consolidation_keys_it(cited, stored):
    found = uk_ofsi_details._UN_REF_CITED.search(cited)
    assert uk_ofsi_details._un_ref(found) == stored
    assert un_ref_key(stored) == stored
