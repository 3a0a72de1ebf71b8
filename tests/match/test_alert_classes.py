"""Alert classes on real list entries: the junk pair a legitimate customer makes does not hit, the
real variant beside it does."""
from __future__ import annotations

import pytest

from screening.match import check

THINH_CUONG = "us_ofac_sdn:27688"  # THINH CUONG COMPANY LIMITED, a.k.a. CONG TY TNHH THINH CUONG


def _refs(result) -> set[str]:
    return {ref for hit in result.hits for ref in hit.list_refs.split(";")}


@pytest.mark.parametrize("name", [
    "Công ty TNHH Minh Phát",          # any Vietnamese limited company
    "Công ty TNHH MTV Hoàng Long",
    "Công ty Cổ phần Đại Việt",
    "Hoàng Long Công ty TNHH",
])
def test_vietnamese_legal_form_alone_does_not_hit(screen_db, name):
    result = check(name, country="VN", entity_type="organization", db=screen_db)
    assert THINH_CUONG not in _refs(result)


@pytest.mark.parametrize("name", [
    "Công ty TNHH Thịnh Cường",
    "CONG TY TNHH MTV THINH CUONG",
    "Thinh Cuong Co., Ltd.",
])
def test_the_listed_vietnamese_company_still_hits(screen_db, name):
    result = check(name, country="VN", entity_type="organization", db=screen_db)
    assert THINH_CUONG in _refs(result)


BANK_MELLI = "Bank Melli Iran"


@pytest.mark.parametrize("hidden", [
    "\x1b[1mBank Melli Iran\x1b[0m",           # ANSI escape codes around the name
    "Bank\u200b Melli\u200d Iran",              # zero-width characters inside it
    "\u202enarI illeM knaB\u202c",               # reversed inside a right-to-left override: shows the name
    "Bank\x00 Melli\x9b Iran",                  # C0 and C1 controls
])
def test_control_characters_are_removed_and_flagged(screen_db, hidden):
    plain = check(BANK_MELLI, db=screen_db)
    result = check(hidden, db=screen_db)
    assert plain.hits and {h.entity_id for h in result.hits} == {h.entity_id for h in plain.hits}
    for hit in result.hits:
        assert "control characters removed" in hit.explanation
        assert f"'{BANK_MELLI}'" in hit.explanation     # the cleaned name is the one shown
    assert all("control characters" not in h.explanation for h in plain.hits)


PREMIER = "uk_ofsi:16789"  # 普萊米樂(香港)國際貿易有限公司


@pytest.mark.parametrize("name, derived", [
    ("普萊米樂(香港)國際貿易有限公司", ["普萊米樂國際貿易有限公司"]),        # uk_ofsi 16789: 香港 is Hong Kong
    ("Foo Trading (Hong Kong) Limited", ["Foo Trading  Limited"]),
    ("Acme (Pvt) Ltd", ["Acme  Ltd"]),                                         # a legal form alone
    ("Enterprise Chips Hunter (ECH)", ["Enterprise Chips Hunter", "ECH"]),     # an acronym stays a name
])
def test_place_and_legal_form_fragments_are_not_names(name, derived):
    from screening.match_features import derived_names

    assert derived_names(name) == derived


def test_hong_kong_alone_does_not_hit_a_company_with_hong_kong_in_parentheses(screen_db):
    assert PREMIER not in _refs(check("香港", db=screen_db))
    assert PREMIER in _refs(check("普萊米樂國際貿易有限公司", db=screen_db))

