"""The common record model every parser produces.

Parsers turn a publisher's file into :class:`ParseResult` objects made of
:class:`Entry` records.  Nothing downstream (loading, consolidation, matching)
ever sees a publisher's own format: only these classes.

Vocabularies (keep them exact, the SQL and the matcher rely on them):

* ``Entry.entity_type``: ``person``, ``organization``, ``vessel``, ``aircraft``, ``unknown``.
* ``Name.kind``: ``primary``, ``aka``, ``fka``, ``weak``, ``original_script``.
* ``Identifier.id_type``: ``passport``, ``national_id``, ``tax_id``, ``registration``,
  ``imo``, ``mmsi``, ``call_sign``, ``swift_bic``, ``email``, ``website``, ``phone``,
  ``un_reference`` (a UN Security Council reference number the entry cites),
  ``ofac_uid`` (an OFAC ent_num the entry republishes), ``uk_sanctions_list_ref``,
  ``other``.
* ``BirthDate.precision``: ``day``, ``month``, ``year``, ``range``.
* ``Nationality.kind``: ``nationality``, ``citizenship`` or ``flag`` (a vessel's current flag
  state: the country it is matched by, FollowTheMoney ``flag``).
* A vessel's former names are names of kind ``fka`` (FollowTheMoney ``previousName``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ENTITY_TYPES = ("person", "organization", "vessel", "aircraft", "unknown")
NAME_KINDS = ("primary", "aka", "fka", "weak", "original_script")
DATE_PRECISIONS = ("day", "month", "year", "range")
# Entry types whose former names stay names even when the publisher marks them low quality (OFAC
# quotes them), and that screening explains as former names: a renamed vessel is screened by
# every name it sailed under.
FORMER_NAME_TYPES = ("vessel",)


@dataclass
class Name:
    """One name of an entry as published (no normalisation here)."""

    name: str
    kind: str = "primary"
    script: str | None = None  # ISO 15924 code when known (Latn, Arab, Cyrl, Hani, ...)
    quality: str | None = None  # publisher's own alias quality ("good", "low", ...)
    lang: str | None = None
    location: str | None = None  # provenance inside the file, when it differs from the entry's


@dataclass
class Address:
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2, from countries.to_country_code
    country: str | None = None  # the country as published
    full: str | None = None  # the whole address as published, when given as one string
    location: str | None = None


@dataclass
class Identifier:
    id_type: str
    value: str
    country_code: str | None = None
    note: str | None = None  # the publisher's own label or details ("Passport", "issued 2010")
    location: str | None = None


@dataclass
class BirthDate:
    text: str  # as published
    year: int | None = None
    month: int | None = None
    day: int | None = None
    precision: str = "year"
    year_to: int | None = None  # upper bound for ``range`` (circa / "1970 to 1972")
    location: str | None = None


@dataclass
class Nationality:
    country_code: str | None
    country: str  # as published
    kind: str = "nationality"  # nationality | citizenship | flag


@dataclass
class Entry:
    """One list entry: a single record of the publisher, keyed by its own id."""

    source_id: str
    entity_type: str
    file: str  # file name inside the snapshot (provenance)
    location: str  # line number ("12") or XML path ("INDIVIDUALS/INDIVIDUAL[3]")
    names: list[Name] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed_on: date | None = None
    remarks: str | None = None
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    birth_dates: list[BirthDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[Nationality] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # list-specific facts worth keeping

    @property
    def primary_name(self) -> str | None:
        for n in self.names:
            if n.kind == "primary":
                return n.name
        return self.names[0].name if self.names else None


@dataclass
class ParseIssue:
    """A malformed row or field.

    ``rejected`` is True when the whole record was dropped because of it; then it
    counts in the row accounting (records read = entries + rejected records).
    """

    file: str
    line: str | None  # line number or XML path
    field: str | None
    value: str | None
    problem: str
    rejected: bool = False


@dataclass
class ParseResult:
    source: str
    version: str  # publication date (YYYY-MM-DD) when the file says, else the snapshot label
    published: date | None
    files: list[Path]
    entries: list[Entry] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    records_read: int = 0  # primary records seen, in the unit of an entry (row, element, group)
    notes: list[str] = field(default_factory=list)  # e.g. "alt.csv absent: no aliases in this version"
    # "file:line" of a last row the file ends inside: the file was cut short (a truncated download)
    truncated: list[str] = field(default_factory=list)

    @property
    def rejected_records(self) -> int:
        return sum(1 for i in self.issues if i.rejected)


class SourceFormatError(Exception):
    """The file is not the expected format at all: the whole source is refused.

    The message is one line naming the file and what is wrong with it.
    """
