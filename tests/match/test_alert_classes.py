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

