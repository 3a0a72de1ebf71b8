"""Country names and codes to ISO 3166-1 alpha-2.

Publishers and customers write countries every way there is ("Iran, Islamic
Republic of", "PRC", "Korea, North", "UAE", "Moscow", "Iranian"): ``data/country_names.csv``
maps the names, abbreviations, demonyms and places that ``pycountry`` (ISO 3166 names and
codes) does not know; ``pycountry`` resolves the rest. Both install as wheels everywhere
(countrynames and normality need pyicu, which builds from C++, since countrynames 1.17).
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import pycountry
from anyascii import anyascii

_DATA = Path(__file__).resolve().parent / "data" / "country_names.csv"
_NON_WORD = re.compile(r"[^a-z0-9]+")
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _key(text: str) -> str:
    """A country name as the data file writes it: Latin, lower case, one space between words; one
    word per Chinese, Japanese or Korean character, so 盧安達 (Rwanda) is "lu an da", not Luanda."""
    if not text.isascii():
        text = _CJK.sub(lambda m: f" {anyascii(m.group(0))} ", text)
    return _NON_WORD.sub(" ", anyascii(text).lower()).strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Normalised name -> code; code '' marks a placeholder for 'no country' (unknown, n/a, stateless)."""
    with open(_DATA, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row["name"]: row["code"] for row in csv.DictReader(lines)}


def _is_placeholder(text: str) -> bool:
    return not text or _names().get(_key(text)) == ""


@lru_cache(maxsize=8192)
def to_country_code(value: str | None) -> str | None:
    """Return the ISO alpha-2 code for a country name or code, or None when unknown."""
    if value is None:
        return None
    text = value.strip().strip(".").strip()
    if _is_placeholder(text):
        return None
    if len(text) == 2 and text.isalpha() and pycountry.countries.get(alpha_2=text.upper()):
        return text.upper()  # an ISO code is itself, whatever name some language spells that way
    key = _key(text)
    code = _names().get(key)
    if code:
        return code
    for candidate in (text, key):  # the key too: "Syrian\nArab Republic", "Pakistan)"
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return None


# shown when a customer's country is not recognised: what to give instead
COUNTRY_EXAMPLES = "DE or Germany, IR or Iran, KP or North Korea, HK or Hong Kong, AE or United Arab Emirates"


def is_unrecognised(value: str | None) -> bool:
    """A country given (not blank, not a 'no country' placeholder such as n/a) that maps to no ISO code."""
    if value is None:
        return False
    text = value.strip().strip(".").strip()
    return not _is_placeholder(text) and to_country_code(text) is None


def unrecognised_message(value: str) -> str:
    """One line saying that a country was not recognised, and what is."""
    return (f"country {value!r} is not recognised: screened without a country. Give an ISO 3166-1 code or "
            f"English name (e.g. {COUNTRY_EXAMPLES}); the codes are listed at https://www.iso.org/obp/ui/#search")
