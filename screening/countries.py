"""Country names and codes to ISO 3166-1 alpha-2.

Publishers and customers write countries every way there is ("Iran, Islamic
Republic of", "PRC", "Korea, North", "UAE"); ``countrynames`` (maintained by
OpenSanctions for exactly this) maps them, ``pycountry`` catches the rest.
"""
from __future__ import annotations

from functools import lru_cache

import countrynames
import pycountry

# Values publishers use for "no country"; they are not an error.
_UNKNOWN = {"", "unknown", "00", "-0-", "n/a", "none", "not known", "stateless"}


@lru_cache(maxsize=8192)
def to_country_code(value: str | None) -> str | None:
    """Return the ISO alpha-2 code for a country name or code, or None when unknown."""
    if value is None:
        return None
    text = value.strip().strip(".").strip()
    if text.lower() in _UNKNOWN:
        return None
    code = countrynames.to_code(text, fuzzy=False)
    if code:
        return code.upper()
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return found.alpha_2
