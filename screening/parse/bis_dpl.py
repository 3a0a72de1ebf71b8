"""BIS Denied Persons List, ``dpl.txt``: tab-separated, every value double-quoted, header row.

The DPL has no id of its own.  ``source_id`` is derived: the first 16 hex digits of the
SHA-1 of the upper-cased Name, Street_Address, City, State, Country, Postal_Code and
Effective_Date joined by ``|`` (fields that name the party and its order, not the
ones BIS edits on updates such as Last_Update or Action), so the same row keeps its id
across releases.  A second identical row gets ``-2``, ``-3``... appended.
"""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from ..countries import to_country_code
from .dates import parse_iso_date, parse_mdy, plausible_year
from .files import decode_text, read_checked_bytes
from .model import Address, Entry, Name, ParseIssue, ParseResult, SourceFormatError

NAME = "bis_dpl_tsv"
FILE = "dpl.txt"
HEADER = ["Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
          "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation"]
ID_FIELDS = ("Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date")


def detect(snapshot: Path) -> bool:
    return (snapshot / FILE).is_file()


def derive_id(row: dict[str, str]) -> str:
    key = "|".join(" ".join(row[f].split()).upper() for f in ID_FIELDS)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    path = snapshot / FILE
    text = decode_text(path, read_checked_bytes(path), "utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"')
    header = next(reader, None)
    if header != HEADER:
        raise SourceFormatError(f"{FILE}: line 1 is not the DPL header (tab-separated {', '.join(HEADER[:3])}, ...); got {str(header)[:80]}")
    result = ParseResult(source=source, version=label, published=None, files=[path])
    seen: dict[str, int] = {}
    latest = None
    for values in reader:
        line = str(reader.line_num)
        if not any(v.strip() for v in values):
            continue
        result.records_read += 1
        if len(values) != len(HEADER):
            result.issues.append(ParseIssue(FILE, line, None, "\t".join(values)[:200],
                                            f"expected {len(HEADER)} fields, found {len(values)}", rejected=True))
            continue
        row = {k: v.strip() for k, v in zip(HEADER, values)}
        if not row["Name"]:
            result.issues.append(ParseIssue(FILE, line, "Name", "", "empty name", rejected=True))
            continue
        entry = _entry(row, line, result)
        base = derive_id(row)
        seen[base] = seen.get(base, 0) + 1
        entry.source_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        result.entries.append(entry)
        updated = parse_iso_date(row["Last_Update"])
        if updated and plausible_year(updated.year) and updated.year <= 2100 and (latest is None or updated > latest):
            latest = updated
    # The file states no publication date; its newest sane Last_Update is the best witness.
    result.published = latest
    return result


def _entry(row: dict[str, str], line: str, result: ParseResult) -> Entry:
    entry = Entry(source_id="", entity_type="unknown", file=FILE, location=line,
                  names=[Name(row["Name"], "primary")], programs=["DPL"],
                  remarks=row["Action"] or None,
                  extra={k.lower(): row[k] for k in ("Standard_Order", "FR_Citation", "Action") if row[k]})
    entry.addresses.append(Address(street=row["Street_Address"] or None, city=row["City"] or None,
                                   region=row["State"] or None, postcode=row["Postal_Code"] or None,
                                   country=row["Country"] or None,
                                   country_code=to_country_code(row["Country"]) if row["Country"] else None))
    for field_name in ("Effective_Date", "Expiration_Date"):
        if row[field_name] and parse_mdy(row[field_name]) is None:
            result.issues.append(ParseIssue(FILE, line, field_name, row[field_name], "not a MM/DD/YYYY date"))
    entry.listed_on = parse_mdy(row["Effective_Date"])
    if row["Expiration_Date"]:
        entry.extra["expiration_date"] = row["Expiration_Date"]
    updated = parse_iso_date(row["Last_Update"])
    if row["Last_Update"] and updated is None:
        result.issues.append(ParseIssue(FILE, line, "Last_Update", row["Last_Update"], "not a YYYY-MM-DD date"))
    elif updated and not plausible_year(updated.year):
        # Real case: BIS typed 3017-08-22 for 2017-08-22. Kept as published, not trusted.
        result.issues.append(ParseIssue(FILE, line, "Last_Update", row["Last_Update"],
                                        f"implausible year {updated.year} (typo?); ignored for the version date"))
    if row["Last_Update"]:
        entry.extra["last_update"] = row["Last_Update"]
    return entry
