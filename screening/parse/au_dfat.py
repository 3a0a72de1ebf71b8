"""Australia DFAT Consolidated List, ``regulation8_consolidated.xlsx``: one sheet, one row per name.

Columns: Reference, Name of Individual or Entity, Type, Name Type, Date of Birth, Place of Birth,
Citizenship, Address, Additional Information, Listing Information, Committees, Control Date.

The rows of one listing share the digits of their Reference and differ by a suffix:
``2`` (often stored as the Excel number 2.0), ``2a`` .. ``2m``, ``300aa``, ``34c1``, ``2672a10``,
even ``2672c4 `` with a trailing space.  ``source_id`` is that leading number; each group has one
"Primary Name" row (the Name Type column's case and trailing spaces vary).  ``records_read`` counts
the groups plus the rows that could not be put in one (no leading number in Reference).

The file carries no publication date: the version is the snapshot label and ``published`` the
newest Control Date.  Additional Information cites other listings' UN reference numbers
("Associated with Al-Qaida (QDe.004)") but never the entry's own, so they are kept in
``extra["un_references_cited"]``, not as ``un_reference`` identifiers (that would link a
member to his organisation's UN listing).
"""
from __future__ import annotations

import io
import re
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path

import python_calamine

from ..countries import to_country_code
from .dates import birth_date, excel_serial_to_date, plausible_year
from .files import read_checked_bytes
from .model import Address, BirthDate, Entry, Name, Nationality, ParseIssue, ParseResult, SourceFormatError
from ..scripts import name_script, original_script
from .enumerations import enumerated_items

NAME = "au_dfat_xlsx"
FILE = "regulation8_consolidated.xlsx"
HEADER = ["Reference", "Name of Individual or Entity", "Type", "Name Type", "Date of Birth", "Place of Birth",
          "Citizenship", "Address", "Additional Information", "Listing Information", "Committees",
          "Control Date"]

ENTITY_TYPES = {"individual": "person", "entity": "organization"}
NAME_KINDS = {"primary name": "primary", "aka": "aka", "original script": "original_script",
              "formerly known as": "fka", "previously listed as": "fka"}
_NONE = {"", "na", "n/a", "-", "unknown", "not known"}

_REFERENCE = re.compile(r"\s*(\d+)")
_UN_REF = re.compile(r"\b(?:[A-Z]{2}[ie]\.\s?\d{1,3}|[QT]\.?[IE]\.[A-Z]{1,2}\.\d{1,3}\.\d{2})\b", re.I)
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                          "oct", "nov", "dec"))}
_MONTH = (r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?"
          r"\.?(?![a-z])")
# Date forms seen in the file, most precise first: one regex, scanned left to right.
_DATE = re.compile(
    r"(?P<dmy>(?P<d1>\d{1,2})[/.](?P<m1>\d{1,2})[/.](?P<y1>\d{4}))"
    r"|(?P<my>(?<![\d/])(?P<m9>\d{1,2})/(?P<y9>\d{4}))"
    r"|(?P<iso>(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2}))"
    rf"|(?P<dMy>(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+{_MONTH}[\s,-]*(?P<y3>\d{{4}}|\d{{2}})(?!\d))"
    rf"|(?P<Mdy>{_MONTH}\s+(?P<d4>\d{{1,2}}),?\s+(?P<y4>\d{{4}}))"
    rf"|(?P<My>{_MONTH},?\s+(?P<y5>\d{{4}}))"
    r"|(?P<range>(?:between\s+)?(?P<y6>\d{4})\s*(?:-|–|/|to|and)\s*(?P<y7>\d{4}))"
    r"|(?P<y>(?<![\d/.-])(?P<y8>\d{4})(?![\d/-]))",
    re.I)


def detect(snapshot: Path) -> bool:
    return (snapshot / FILE).is_file()


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Read the DFAT consolidated list: one entry per Reference number."""
    path = snapshot / FILE
    rows = _read_rows(path)
    result = ParseResult(source=source, version=label, published=None, files=[path])
    result.notes.append(f"{FILE}: {len(rows)} name rows")
    groups: dict[str, list[tuple[str, dict]]] = OrderedDict()
    for line, row in rows:
        match = _REFERENCE.match(_text(row["Reference"]))
        if not match:
            result.records_read += 1
            result.issues.append(ParseIssue(FILE, line, "Reference", _text(row["Reference"]),
                                            "Reference does not start with a number; row not assigned to an entry",
                                            rejected=True))
            continue
        groups.setdefault(match.group(1), []).append((line, row))
    merged = [0]  # names repeated within one listing, kept once
    for source_id, members in groups.items():
        result.records_read += 1
        entry = _entry(source_id, members, result, merged)
        if entry is None:
            result.issues.append(ParseIssue(FILE, members[0][0], "Name of Individual or Entity", "",
                                            f"reference {source_id} has no row with a name", rejected=True))
        else:
            result.entries.append(entry)
    if merged[0]:
        result.notes.append(f"{merged[0]} names repeated within their listing were kept once")
    controls = [d for _, row in rows if (d := _control_date(row["Control Date"]))]
    result.published = max(controls) if controls else None
    return result


def _read_rows(path: Path) -> list[tuple[str, dict]]:
    data = read_checked_bytes(path)
    if not data.startswith(b"PK\x03\x04"):
        raise SourceFormatError(f"{FILE}: not an XLSX file (no zip signature); a page saved in its place?")
    try:
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        table = sheet.to_python()
        offset = sheet.start[0]
    except Exception as exc:  # calamine raises its own error types for every kind of corrupt file
        raise SourceFormatError(f"{FILE}: unreadable XLSX ({type(exc).__name__}: {str(exc)[:80]})") from exc
    header = [_text(c) for c in table[0]] if table else []
    while header and not header[-1]:
        header.pop()
    if header != HEADER:
        raise SourceFormatError(f"{FILE}: the first row is not the DFAT header ({', '.join(HEADER[:3])}, ...); "
                                f"got {str(header[:3])[:80]}")
    width = len(HEADER)
    return [(str(offset + i + 1), dict(zip(HEADER, (list(values) + [""] * width)[:width])))
            for i, values in enumerate(table) if i > 0 and any(_text(v) for v in values)]


def _text(value: object) -> str:
    """A cell as text: Excel stores plain references as numbers (2.0 -> '2')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return "" if value is None else str(value).strip()


def _control_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and value > 0:
        return excel_serial_to_date(value)
    return None


def _entry(source_id: str, members: list[tuple[str, dict]], result: ParseResult, merged: list[int]) -> Entry | None:
    names = _names(members, result, merged)
    if not names:
        return None
    primary_line = next((n.location for n in names if n.kind == "primary"), members[0][0])
    row = next(r for line, r in members if line == primary_line)
    entity_type = ENTITY_TYPES.get(_text(row["Type"]).lower(), "unknown")
    if entity_type == "unknown":
        result.issues.append(ParseIssue(FILE, primary_line, "Type", _text(row["Type"]), "unknown type"))
    entry = Entry(source_id=source_id, entity_type=entity_type, file=FILE, location=primary_line, names=names)
    entry.extra["references"] = ", ".join(_text(r["Reference"]) for _, r in members)
    for column, handler in ((("Date of Birth", _birth_dates), ("Place of Birth", _birth_places),
                             ("Citizenship", _citizenships), ("Address", _addresses),
                             ("Additional Information", _information), ("Listing Information", _listing),
                             ("Committees", _committees))):
        for value, line in _distinct(members, column).items():
            handler(entry, value, line, result)
    controls = [d for _, r in members if (d := _control_date(r["Control Date"]))]
    if controls:
        entry.extra["control_date"] = max(controls).isoformat()
    return entry


def _distinct(members: list[tuple[str, dict]], column: str) -> dict[object, str]:
    """The distinct values of a column over a group's rows (the primary's first), with their row."""
    found: dict[object, str] = {}
    for line, row in members:
        value = row[column]
        key = value.strip() if isinstance(value, str) else value
        if key not in ("", None) and key not in found:
            found[key] = line
    return found


def _names(members: list[tuple[str, dict]], result: ParseResult, merged: list[int]) -> list[Name]:
    names: list[Name] = []
    for line, row in members:
        text = _text(row["Name of Individual or Entity"])
        label = _text(row["Name Type"])
        if not text:
            result.issues.append(ParseIssue(FILE, line, "Name of Individual or Entity", "", "row without a name"))
            continue
        kind = NAME_KINDS.get(" ".join(label.lower().split()))
        if kind is None:
            result.issues.append(ParseIssue(FILE, line, "Name Type", label, "unknown name type; read as aka"))
            kind = "aka"
        if kind == "primary" and any(n.kind == "primary" for n in names):
            result.issues.append(ParseIssue(FILE, line, "Name Type", label, "second primary name; read as aka"))
            kind = "aka"
        if any(n.name == text and n.kind == kind for n in names):
            # The same name twice in one listing (real: rows 2672a and 2672a3); counted in the notes.
            merged[0] += 1
            continue
        script = original_script(text) if kind == "original_script" else name_script(text)
        names.append(Name(text, kind, script=script, location=line))
    if names and not any(n.kind == "primary" for n in names):
        result.issues.append(ParseIssue(FILE, names[0].location, "Name Type", names[0].name,
                                        "no Primary Name row; the first name is taken as primary"))
        names[0].kind = "primary"
    names.sort(key=lambda n: n.kind != "primary")
    return names


def _birth_dates(entry: Entry, value: object, line: str, result: ParseResult) -> None:
    if isinstance(value, (date, datetime)):
        day = value.date() if isinstance(value, datetime) else value
        found = [birth_date(day.isoformat(), day.year, day.month, day.day, location=line)]
    elif isinstance(value, float) and value.is_integer() and plausible_year(int(value)):
        found = [birth_date(str(int(value)), int(value), location=line)]
    else:
        found = parse_free_dates(_text(value), line)
    if not found and _text(value).lower() in _NONE:
        return
    if not found:
        result.issues.append(ParseIssue(FILE, line, "Date of Birth", _text(value)[:120], "no date found in the text"))
        entry.extra.setdefault("date_of_birth_text", _text(value))
    for parsed in found:
        if not any((b.year, b.month, b.day, b.year_to) == (parsed.year, parsed.month, parsed.day, parsed.year_to)
                   for b in entry.birth_dates):
            entry.birth_dates.append(parsed)


def parse_free_dates(text: str, line: str | None = None) -> list[BirthDate]:
    """Every date in a free-text field ('a) 1 Jan. 1960 b) Approximately 1955-1958 c) 12/03/1970').

    Day-first (Australian) numeric dates.  A field holding one date keeps its whole text; several
    dates each keep their own fragment.
    """
    found: list[BirthDate] = []
    for match in _DATE.finditer(text):
        parsed = _one_date(match, line)
        if parsed is not None:
            found.append(parsed)
    if len(found) == 1:
        found[0].text = text
    return found


def _one_date(match: re.Match, line: str | None) -> BirthDate | None:
    g = match.groupdict()
    fragment = match.group(0).strip()
    if g["dmy"] or g["iso"] or g["dMy"] or g["Mdy"]:
        day = int(g["d1"] or g["d2"] or g["d3"] or g["d4"])
        month = int(g["m1"] or g["m2"]) if (g["m1"] or g["m2"]) else _MONTHS[_month_of(fragment)]
        year = int(g["y1"] or g["y2"] or g["y3"] or g["y4"])
        if year < 100:
            year += 1900  # 'dd-Mon-yy' birth dates are all twentieth century
        try:
            date(year, month, day)
        except ValueError:
            return None
        return birth_date(fragment, year, month, day, location=line) if plausible_year(year) else None
    if g["My"] or g["my"]:
        year = int(g["y5"] or g["y9"])
        month = int(g["m9"]) if g["my"] else _MONTHS[_month_of(fragment)]
        ok = plausible_year(year) and 1 <= month <= 12
        return birth_date(fragment, year, month, location=line) if ok else None
    if g["range"]:
        low, high = int(g["y6"]), int(g["y7"])
        if plausible_year(low) and plausible_year(high) and low <= high:
            return birth_date(fragment, low, year_to=high, location=line)
        return None
    year = int(g["y8"])
    return birth_date(fragment, year, location=line) if plausible_year(year) else None


def _month_of(fragment: str) -> str:
    return re.search(_MONTH, fragment, re.I).group(1).lower()


def _birth_places(entry: Entry, value: object, line: str, result: ParseResult) -> None:
    for place in enumerated_items(_text(value)):
        if place.lower() not in _NONE and place not in entry.birth_places:
            entry.birth_places.append(place)


def _citizenships(entry: Entry, value: object, line: str, result: ParseResult) -> None:
    for item in enumerated_items(_text(value)):
        parts = [item] if to_country_code(item) else [p for p in re.split(r"\s*(?:;|,|/|\band\b)\s*", item) if p]
        for part in parts:
            part = part.strip().rstrip(".")
            if part.lower() in _NONE or any(n.country == part for n in entry.nationalities):
                continue
            code = to_country_code(part) or to_country_code(re.sub(r"\s*\(.*\)$", "", part))
            entry.nationalities.append(Nationality(code, part, "citizenship"))


def _addresses(entry: Entry, value: object, line: str, result: ParseResult) -> None:
    for item in enumerated_items(_text(value)):
        if item.lower().rstrip(".") in _NONE or any(a.full == item for a in entry.addresses):
            continue
        last = item.rsplit(",", 1)[-1].strip().rstrip(".")
        code = to_country_code(last) or to_country_code(re.sub(r"\s*\(.*\)$", "", last))
        entry.addresses.append(Address(full=item, country=last if code else None, country_code=code, location=line))


def _information(entry: Entry, value: object, line: str, result: ParseResult) -> None:
    text = _text(value)
    entry.remarks = f"{entry.remarks}\n\n{text}" if entry.remarks else text
    cited = [m.group(0) for m in _UN_REF.finditer(text)]
    if cited:
        known = entry.extra.get("un_references_cited", "")
        merged = list(dict.fromkeys([*filter(None, known.split("; ")), *cited]))
        entry.extra["un_references_cited"] = "; ".join(merged)


def _listing(entry: Entry, value: object, line: str, result: ParseResult) -> None:
    text = _text(value)
    entry.extra["listing_information"] = "\n".join(filter(None, (entry.extra.get("listing_information"), text)))
    if isinstance(value, (date, datetime)):
        listed = value.date() if isinstance(value, datetime) else value
    else:
        # The first full date of the text is the (first) listing date: 'Listed on 9 Sep. 2001 (relisted ...)'.
        listed = next((date(b.year, b.month, b.day) for b in parse_free_dates(text) if b.precision == "day"), None)
    if listed and (entry.listed_on is None or listed < entry.listed_on):
        entry.listed_on = listed


def _committees(entry: Entry, value: object, line: str, result: ParseResult) -> None:
    program = " ".join(_text(value).split())
    if program and program not in entry.programs:
        entry.programs.append(program)
