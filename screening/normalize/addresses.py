"""Addresses reduced for comparison: :func:`normalize_address`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..countries import to_country_code
from .data import _address_words
from .text import transliterate
from .tokens import _APOSTROPHES, _WORD, _rule_key, _variants, skeleton
from .names import _NON_WORD, _latin


@dataclass(frozen=True)
class NormalizedAddress:
    """One address reduced for comparison; see :func:`normalize_address`."""

    latin: str                     # the address text transliterated, lower case
    tokens: tuple[str, ...]        # distinctive street words and numbers (no 'road', 'floor'...)
    postcode: str | None           # upper case, letters and digits only
    city: str | None
    country_code: str | None
    key: str                       # sorted skeletons of street and city words, then the postcode


_POSTCODES = tuple(re.compile(p) for p in (
    r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b",    # United Kingdom
    r"\b([A-Z]\d[A-Z]) ?(\d[A-Z]\d)\b",              # Canada
    r"\b[A-Z]{1,2}-(\d{4,6})\b",                     # CH-8022, D-10115
    r"\b(\d{5})(?:-\d{4})?\b",                       # US ZIP(+4), DE, FR, ...
    r"\b(\d{6})\b",                                  # CN, RU, IN, SG
))


_CITY_POSTCODE = re.compile(r"\b(\d{4})\b")


def _find_postcode(text: str, city: str) -> tuple[str | None, str, str]:
    """Postcode found in the city or address text, and both texts without it."""
    for source in ("city", "text"):
        haystack = (city if source == "city" else text).upper()
        patterns = _POSTCODES + ((_CITY_POSTCODE,) if source == "city" else ())
        for pattern in patterns:
            match = pattern.search(haystack)
            if match:
                code = "".join(match.groups())
                cut = haystack[:match.start()] + " " + haystack[match.end():]
                return (code, text, cut.lower()) if source == "city" else (code, cut.lower(), city)
    return None, text, city


def _city_word(token: str) -> str:
    """A city word in its canonical spelling when the variants file knows it (Peking -> beijing)."""
    key = _rule_key(token)
    return _variants()[0].get(key, token)


def _address_tokens(text: str) -> list[str]:
    abbr, generic = _address_words()
    words = _WORD.findall(_APOSTROPHES.sub("", transliterate(text).lower()))
    return [w for w in (abbr.get(w, w) for w in words) if w not in generic]


def address_parts(text: str | None, city: str | None = None,
                  postcode: str | None = None) -> tuple[str, tuple[str, ...], list[str]]:
    """The postcode (upper case, "" when none), the distinct street tokens and the city tokens of
    an address: what :func:`normalize_address` builds on, and all the matcher compares."""
    raw_text, raw_city = text or "", city or ""
    code = _NON_WORD.sub("", transliterate(postcode).lower()).upper() if postcode else ""
    if not code:
        code, raw_text, raw_city = _find_postcode(raw_text, raw_city)
    tokens = tuple(dict.fromkeys(_address_tokens(raw_text)))
    return code or "", tokens, _address_tokens(raw_city) if raw_city else []


@lru_cache(maxsize=200_000)
def normalize_address(text: str | None, city: str | None = None, postcode: str | None = None,
                      country: str | None = None) -> NormalizedAddress:
    """Normalise one address for matching.

    The postcode is taken from ``postcode`` when given, else looked for in the city and the
    address text (UK and Canadian forms, 'CH-8022', 5- and 6-digit codes, 4 digits in the city
    field only). Street-type and unit words are dropped from the tokens (data/address_words.csv);
    ``key`` is meant for exact comparison across spellings and word orders.
    """
    code, tokens, city_tokens = address_parts(text, city, postcode)
    city_norm = " ".join(_city_word(t) for t in city_tokens) or None
    country_code = to_country_code(country) if country else None
    keys = sorted({skeleton(t) for t in tokens} | {skeleton(t) for t in city_tokens})
    if code:
        keys.append(code.lower())
    return NormalizedAddress(
        latin=_latin(transliterate(text).lower()) if text else "",
        tokens=tokens, postcode=code or None, city=city_norm, country_code=country_code,
        key=" ".join(keys),
    )
