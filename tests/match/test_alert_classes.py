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
    from screening.match.features import derived_names

    assert derived_names(name) == derived


def test_hong_kong_alone_does_not_hit_a_company_with_hong_kong_in_parentheses(screen_db):
    assert PREMIER not in _refs(check("香港", db=screen_db))
    assert PREMIER in _refs(check("普萊米樂國際貿易有限公司", db=screen_db))



def _hit_says(result, ref: str) -> str:
    return next(hit.explanation for hit in result.hits if ref in hit.list_refs.split(";"))


OREJUELA = "us_ofac_sdn:4108"  # RODRIGUEZ OREJUELA, Miguel Angel


def test_a_person_named_by_first_and_last_name_hits(screen_db):
    # middle names left out: the first and the last listed word, both the same
    result = check("Miguel Orejuela", db=screen_db)
    assert OREJUELA in _refs(result)
    assert "middle names left out" in _hit_says(result, OREJUELA)


def test_a_first_name_and_a_middle_surname_are_no_shortened_name(screen_db):
    # a common given name and surname, the surname not the listed last word: another person
    assert OREJUELA not in _refs(check("Miguel Rodriguez", db=screen_db))


HADDAD = "us_ofac_sdn:8207"  # HADDAD, Fethi Ben Assen Ben Salem


def test_the_listed_name_holding_every_customer_word_is_the_one_compared(screen_db):
    # the entity's long name holds both words; another of its names would share one
    result = check("HADDAD, Fethi", entity_type="person", db=screen_db)
    assert HADDAD in _refs(result)


RUSTANKER = "us_ofac_sdn:29507"  # RUSTANKER LLC


def test_a_long_one_word_name_with_a_typo_hits(screen_db):
    result = check("Rustankre LLC", entity_type="organization", db=screen_db)
    assert RUSTANKER in _refs(result)
    assert "a letter apart" in _hit_says(result, RUSTANKER)


def test_a_one_word_name_two_letters_away_does_not_hit(screen_db):
    assert RUSTANKER not in _refs(check("Rostankar LLC", entity_type="organization", db=screen_db))


NUJOMA = "us_ofac_sdn:21079"  # CONSORCIO NUJOMA, SOCIEDAD CIVIL a.k.a. CONSORCIO NUJOMA, S.C.


def test_sociedad_civil_written_out_or_short_hits(screen_db):
    for name in ("Consorcio Nujoma S.C.", "Consorcio Nujoma Sociedad Civil"):
        result = check(name, country="MX", entity_type="organization", db=screen_db)
        assert NUJOMA in _refs(result)
        assert "same name" in _hit_says(result, NUJOMA)


ZHENG_YANXIONG = "us_ofac_sdn:29261"  # ZHENG, Yanxiong


def test_a_pinyin_name_written_in_wade_giles_hits(screen_db):
    # a Taiwanese passport's spelling: Cheng for Zheng, Yen-hsiung for Yanxiong (syllables split)
    result = check("CHENG, Yen-hsiung", entity_type="person", db=screen_db)
    assert ZHENG_YANXIONG in _refs(result)
    assert "spelling variant" in _hit_says(result, ZHENG_YANXIONG)


def test_another_given_name_in_wade_giles_does_not_hit(screen_db):
    assert ZHENG_YANXIONG not in _refs(check("CHENG, Yen-hui", entity_type="person", db=screen_db))


def test_an_honorific_in_parentheses_is_no_name_of_its_own(screen_db):
    # '(Sheikh) Musa Hilal' (au_dfat 599) made 'Sheikh' a name of the entity
    from screening.match.features import derived_names

    assert derived_names("(Sheikh) Musa Hilal") == ["Musa Hilal"]
    assert "au_dfat:599" not in _refs(check("Sheikh", entity_type="person", db=screen_db))


XIU_LING_CHEN = "us_csl:85365e96450d42b9a0617789c3a18c20"  # Xiu Ling Chen
KIL_CHONG_HUN = "us_ofac_sdn:17619"                          # Kil Cho'ng-hun


@pytest.mark.parametrize("name, country, ref", [
    ("黃秀玲", "HK", XIU_LING_CHEN),   # Huang Xiu Ling: the given name alike, the surname Huang
    ("吳秀玲", "HK", XIU_LING_CHEN),   # Wu Xiu Ling
    ("김정훈", "KR", KIL_CHONG_HUN),   # Kim Jeong-hun: Kim, not Kil
])
def test_a_short_east_asian_name_under_another_surname_does_not_hit(screen_db, name, country, ref):
    assert ref not in _refs(check(name, country=country, entity_type="person", db=screen_db))


@pytest.mark.parametrize("name, country, ref", [
    ("陳秀玲", "HK", XIU_LING_CHEN),   # Chen Xiu Ling: the listed surname
    ("길정훈", "KR", KIL_CHONG_HUN),   # Kil Jeong-hun
])
def test_the_same_short_east_asian_name_with_its_surname_hits(screen_db, name, country, ref):
    assert ref in _refs(check(name, country=country, entity_type="person", db=screen_db))


ROBERT_ANDERSON = "us_csl:cd67951e2a4841f6b60415ff5778a49d"  # Robert Anderson
VANESSA_GROUP = "us_ofac_sdn:46872"                           # VANESSA GROUP LIMITED
NASRALLAH = "us_ofac_sdn:2686"                                # NASRALLAH, Hasan


@pytest.mark.parametrize("name, country, ref", [
    ("Robert Henderson", "US", ROBERT_ANDERSON),  # the same letters once vowels are left out
    ("van Susa Groep", "NL", VANESSA_GROUP),
])
def test_latin_names_sharing_only_their_consonants_do_not_hit(screen_db, name, country, ref):
    assert ref not in _refs(check(name, country=country, db=screen_db))


@pytest.mark.parametrize("name, ref", [
    ("Robert Anderson", ROBERT_ANDERSON),
    ("Vanessa Group Ltd", VANESSA_GROUP),
])
def test_the_listed_latin_name_beside_them_hits(screen_db, name, ref):
    assert ref in _refs(check(name, db=screen_db))


def test_an_arabic_name_written_without_vowels_still_hits_by_its_consonants(screen_db):
    result = check("حسن نصر الله", db=screen_db)
    assert NASRALLAH in _refs(result)
    assert "vowels are left out" in _hit_says(result, NASRALLAH)


KU_SEUNG_SUB = "us_ofac_sdn:23089"  # KU, Sung Sop (a.k.a. KU, Seung Sub)


def test_the_revised_romanisation_gu_finds_a_listed_ku(screen_db):
    # 구 is Ku in McCune-Reischauer and Wade-Giles, Gu in the Revised Romanisation and Pinyin
    assert KU_SEUNG_SUB in _refs(check("Gu Seung Sub", db=screen_db))


BAL = "un_sc:CDe.002"  # BUTEMBO AIRLINES, a.k.a. BAL
MEO = "us_csl:22e4dd550742706f3d97ee109870b65986b974beb346cb5b1364514d"  # MEO GMBH (BIS)


@pytest.mark.parametrize("name, ref", [
    ("유한회사 발해", BAL),     # Balhae: its first syllable is not the airline's acronym
    ("유한회사 모두", MEO),     # Modu: 'mo' sounds like MEO, 'du' is no branch of it
    ("BAL Consulting", BAL),   # a trade word makes another company that shares a word
])
def test_a_listed_one_word_name_and_another_word_does_not_hit(screen_db, name, ref):
    assert ref not in _refs(check(name, country="KR", entity_type="organization", db=screen_db))


@pytest.mark.parametrize("name, ref", [
    ("BAL International", BAL),   # a group word or a place after the listed word: its own branch
    ("MEO Moscow", MEO),
    ("MEO GmbH", MEO),
])
def test_a_listed_one_word_name_with_a_group_word_or_place_added_hits(screen_db, name, ref):
    assert ref in _refs(check(name, entity_type="organization", db=screen_db))


PROMTEKHNOLOGIYA = "us_ofac_sdn:36999"  # LIMITED LIABILITY COMPANY PROMTEKHNOLOGIYA


def test_a_one_word_company_name_cut_at_payment_width_hits(screen_db):
    # a payment message's 35-character name line cuts the only word of the name after its legal form
    cut = "LIMITED LIABILITY COMPANY PROMTEKHNOLOGIYA"[:35]
    hit = next((h for h in check(cut, country="RU", db=screen_db).hits if PROMTEKHNOLOGIYA in h.list_refs.split(";")), None)
    assert hit is not None and "cut short" in hit.explanation
    # the same letters in a name that was not cut are only the start of a word
    assert PROMTEKHNOLOGIYA not in _refs(check("Promtekhn LLC", country="RU", db=screen_db))


ZHANG_XIAOMING = "us_ofac_sdn:29259"  # ZHANG, Xiaoming
RI_SONG_JIN = "uk_ofsi:16820"         # 리송진 (RI SONG JIN)


@pytest.mark.parametrize("name, country, ref", [
    ("张想", "CN", ZHANG_XIAOMING),   # Zhang Xiang: the surname agrees, Xiang only sounds like Xiaoming
    ("黎進興", "TW", RI_SONG_JIN),    # Li Jin Xing: Li is Ri, but Jin Xing is not Song Jin
])
def test_a_short_east_asian_name_with_another_given_name_does_not_hit(screen_db, name, country, ref):
    assert ref not in _refs(check(name, country=country, entity_type="person", db=screen_db))


@pytest.mark.parametrize("name, ref", [
    ("리송진", RI_SONG_JIN), ("Ri Song Jin", RI_SONG_JIN), ("Zhang Xiaoming", ZHANG_XIAOMING)])
def test_the_listed_east_asian_name_beside_them_hits(screen_db, name, ref):
    assert ref in _refs(check(name, entity_type="person", db=screen_db))


DIDAT = "us_csl:e48f91d967ec0bda54ab33c856c9972b1766d85d406ab20b5babb8dc"  # JEAN-MICHEL DIDAT (BIS)


def test_a_listed_persons_given_names_alone_do_not_hit(screen_db):
    # the first words of a listed person's name without the surname: another person
    assert DIDAT not in _refs(check("Jean Michel", country="FR", entity_type="person", db=screen_db))
    assert DIDAT in _refs(check("Jean-Michel Didat", country="FR", entity_type="person", db=screen_db))


SINNO = "uk_ofsi:16259"  # 信諾電子科技有限公司, SINNO ELECTRONICS CO., LIMITED


def test_a_chinese_company_sharing_only_trade_words_and_a_syllable_does_not_hit(screen_db):
    # Lixin and Xinnuo share the syllable xin and the trade words 电子科技 (electronics technology)
    assert SINNO not in _refs(check("立信电子科技有限公司", country="CN", entity_type="organization", db=screen_db))


@pytest.mark.parametrize("name", ["信諾電子科技有限公司", "信诺电子科技有限公司", "信諾電子有限公司"])
def test_the_listed_chinese_company_still_hits(screen_db, name):
    assert SINNO in _refs(check(name, country="HK", entity_type="organization", db=screen_db))


JANG_GYONG = "us_ofac_sdn:23159"  # JANG GYONG (vessel)
KIM_JONG_UN = "us_ofac_sdn:20157"  # KIM, Jong Un


def test_a_listed_two_syllable_name_inside_a_longer_korean_name_does_not_hit(screen_db):
    # 장경희 Jang Gyeong-hui holds the two syllables of the vessel JANG GYONG and one more
    assert JANG_GYONG not in _refs(check("장경희", country="KR", entity_type="person", db=screen_db))
    assert JANG_GYONG in _refs(check("장경", entity_type="vessel", db=screen_db))
    # three syllables that are the listed name's words written otherwise still hit
    assert KIM_JONG_UN in _refs(check("김정은", db=screen_db))


VORKUTAUGOL = "us_ofac_sdn:45014"  # JSC VORKUTAUGOL


def test_a_long_one_word_name_with_two_typos_hits(screen_db):
    # a word of eleven letters, two letters swapped and one doubled: found by its first five letters
    result = check("Vorkutuagoll JSC", country="RU", entity_type="organization", db=screen_db)
    assert VORKUTAUGOL in _refs(result)
    assert "two letters apart" in _hit_says(result, VORKUTAUGOL)


def test_another_company_of_the_same_town_does_not_hit(screen_db):
    # the same first letters, another word: not two typos
    assert VORKUTAUGOL not in _refs(check("Vorkutatrans JSC", country="RU", entity_type="organization", db=screen_db))


WANG_CHEN = "us_ofac_sdn:30503"  # WANG, Chen
DIAB = "us_ofac_sdn:34436"       # DIAB, Adel


@pytest.mark.parametrize("name, country, ref", [
    ("Chen Wnag", "CN", WANG_CHEN),   # a four-letter surname with two letters swapped
    ("Daib Adel", "LB", DIAB),        # the same, the surname first
])
def test_a_short_name_with_a_typo_in_one_word_hits(screen_db, name, country, ref):
    result = check(name, country=country, entity_type="person", db=screen_db)
    assert ref in _refs(result)
    assert "the other spelt a letter apart" in _hit_says(result, ref)


YONG_XIN = "us_ofac_sdn:40900"  # YONG XIN (vessel)


@pytest.mark.parametrize("name, country, ref", [
    ("Chen Wan", "CN", WANG_CHEN),    # a three-letter word a letter off is another word (Wan, not Wang)
    ("Adel Ziab", "LB", DIAB),        # another first letter: another word, not a typo
    ("杨欣", "CN", YONG_XIN),          # Yang Xin: a syllable a letter off is another character
])
def test_a_short_name_a_word_away_does_not_hit(screen_db, name, country, ref):
    assert ref not in _refs(check(name, country=country, entity_type="person", db=screen_db))
