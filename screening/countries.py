"""Country names and codes to ISO 3166-1 alpha-2.

Publishers and customers write countries every way there is ("Iran, Islamic
Republic of", "PRC", "Korea, North", "UAE"); ``countrynames`` (maintained by
OpenSanctions for exactly this) maps them, ``pycountry`` catches the rest.
"""
from __future__ import annotations

import warnings
from functools import lru_cache

import countrynames
import pycountry

# countrynames transliterates with text-unidecode when pyicu (no wheels) is absent: enough for names
warnings.filterwarnings("ignore", message="Install 'pyicu'")

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


# shown when a customer's country is not recognised: what to give instead
COUNTRY_EXAMPLES = "DE or Germany, IR or Iran, KP or North Korea, HK or Hong Kong, AE or United Arab Emirates"


def is_unrecognised(value: str | None) -> bool:
    """A country given (not blank, not a 'no country' placeholder such as n/a) that maps to no ISO code."""
    if value is None:
        return False
    text = value.strip().strip(".").strip()
    return text.lower() not in _UNKNOWN and to_country_code(text) is None


def unrecognised_message(value: str) -> str:
    """One line saying that a country was not recognised, and what is."""
    return (f"country {value!r} is not recognised: screened without a country. Give an ISO 3166-1 code or "
            f"English name (e.g. {COUNTRY_EXAMPLES}); the codes are listed at https://www.iso.org/obp/ui/#search")
