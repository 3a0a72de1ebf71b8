"""Country names to ISO 3166-1 alpha-2 codes, from data/country_names.csv and pycountry."""
from __future__ import annotations

import sys

import pytest

from screening.countries import is_unrecognised, to_country_code


@pytest.mark.parametrize("value, code", [
    ("Iran, Islamic Republic of", "IR"), ("Iran (Islamic Republic of)", "IR"), ("PRC", "CN"),
    ("Korea, North", "KP"), ("DPRK", "KP"), ("UAE", "AE"), ("Burma", "MM"), ("Russia", "RU"),
    ("Cote d Ivoire", "CI"), ("Türkiye", "TR"), ("Turkiye", "TR"), ("Syrian\nArab Republic", "SY"),
    ("Pakistan)", "PK"), ("Iranian", "IR"), ("Kosovo", "XK"), ("XK", "XK"), ("de", "DE"), ("DEU", "DE"),
    ("中国", "CN"), ("Россия", "RU"), ("Deutschland", "DE"),
])
def test_publishers_and_customers_spellings(value, code):
    assert to_country_code(value) == code


@pytest.mark.parametrize("value, code", [
    # places the lists give as a country are folded to their country, never a subdivision code
    # (ISO 3166-2 'CN-BJ' never equals a customer's 'CN')
    ("Beijing", "CN"), ("Shanghai", "CN"), ("Tianjin", "CN"), ("Crimea", "UA"),
    ("crimea (occupied)", "UA"), ("Northern Ireland", "GB"),
    ("Mauritian", "MU"),  # Mauritius, not Mauritania (MR)
])
def test_places_map_to_their_country(value, code):
    assert to_country_code(value) == code


def test_chinese_characters_are_read_one_by_one():
    """盧安達 (Rwanda) read as one word would be 'luanda', Angola's capital."""
    assert to_country_code("盧安達") == "RW"
    assert to_country_code("Luanda") is None


@pytest.mark.parametrize("value", ["", "n/a", "-0-", "Unknown", "stateless", "None", "00"])
def test_placeholders_are_no_country_and_no_error(value):
    assert to_country_code(value) is None
    assert not is_unrecognised(value)


def test_unknown_country_is_unrecognised():
    assert to_country_code("Narnia") is None
    assert is_unrecognised("Narnia")


def test_no_pyicu_chain():
    """countrynames >= 1.17 and normality >= 3 need pyicu, which has no wheels: not used."""
    import screening.countries  # noqa: F401
    import screening.normalize  # noqa: F401
    assert "countrynames" not in sys.modules and "normality" not in sys.modules
