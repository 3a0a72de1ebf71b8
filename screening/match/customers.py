"""A customer as screened, and the reading of its fields: date of birth, entity type (with its
vocabulary of the words customer files use) and country. (Invisible characters are removed from
its name where a batch is ordered by name, :func:`screening.match.api.name_order`.)"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable

from ..countries import to_country_code

FIELDS = ("name", "address", "country", "dob", "type", "id")
_DOB = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")
_DOB_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
# the words customer files use for an entity type -> the lists' entity types
TYPES = {"person": "person", "individual": "person", "natural person": "person", "p": "person",
         "i": "person", "organization": "organization", "organisation": "organization",
         "entity": "organization", "company": "organization", "corporate": "organization",
         "business": "organization", "legal person": "organization", "o": "organization",
         "e": "organization", "vessel": "vessel", "ship": "vessel", "aircraft": "aircraft"}
CLEANED_NOTE = "note: control characters removed from the name"


@dataclass(slots=True)
class Customer:
    """A customer as screened: the raw values, one per field."""

    name: str | None
    address: str | None = None
    country: str | None = None
    dob: str | None = None
    type: str | None = None
    id: str | None = None
    identifiers: tuple = ()   # screening.identifiers.Identifier values, keyed and validated


def parse_dob(text: str | None) -> tuple[date | None, int | None]:
    """(date, year) of a date of birth given as YYYY, YYYY-MM or YYYY-MM-DD (or DD/MM/YYYY)."""
    if not text or not str(text).strip():
        return None, None
    text = str(text).strip()[:10] if "T" in str(text) else str(text)
    m = _DOB.match(text)
    if m:
        year, month, day = (int(g) if g else None for g in m.groups())
    else:
        m = _DOB_DMY.match(text)
        if not m:
            raise ValueError(f"date of birth {text!r} is not YYYY, YYYY-MM-DD or DD/MM/YYYY")
        day, month, year = (int(g) for g in m.groups())
    if not 1800 <= year <= 2100:
        raise ValueError(f"date of birth {text!r}: year out of range")
    try:
        return (date(year, month, day) if month and day else None), year
    except ValueError:
        raise ValueError(f"date of birth {text!r} is not a valid date") from None


@lru_cache(maxsize=100_000)
def cached_dob(text: str | None) -> tuple[date | None, int | None]:
    """:func:`parse_dob`, cached (a file repeats its dates)."""
    return parse_dob(text)


@lru_cache(maxsize=10_000)
def country_code(text: str) -> str | None:
    """The ISO code of a customer's country value, cached (a file repeats its countries)."""
    return to_country_code(text)


def parse_type(text: str | None) -> str | None:
    """Entity type of a customer (person, organization, vessel, aircraft), None when not given."""
    if not text or not str(text).strip():
        return None
    return TYPES.get(str(text).strip().lower())


def as_customers(records: Iterable[dict | Customer]) -> list[Customer]:
    """Customers from records (dicts with some of name, address, country, dob, type, id; or
    Customer); an empty value is no value."""
    out = []
    for rec in records:
        if isinstance(rec, Customer):
            out.append(rec)
            continue
        out.append(Customer(**{k: (None if rec.get(k) in (None, "") else str(rec.get(k))) for k in FIELDS}))
    return out
