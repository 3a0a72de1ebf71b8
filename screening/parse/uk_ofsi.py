"""HM Treasury OFSI Consolidated List ("ConList"), both of its table layouts.

* Old format (until 2022): ``ConList.csv`` / ``sanctionsconlist.csv``, cp1252, 29 columns.
* 2022 format: ``ConList.xlsx`` (sheet "Data") or a ``ConList.csv`` with the 36-column header;
  it adds non-Latin names, alias quality and the UK Sanctions List reference.

Both start with a ``Last Updated,dd/mm/yyyy`` line, then the header.  The table has one row
per name variant x date of birth (x address...), so rows are grouped on ``Group ID``, OFSI's
own key: one :class:`Entry` per group, ``source_id`` = Group ID.  ``records_read`` counts the
groups plus the rows that could not be put in any group (too few columns, no Group ID).

Names are rebuilt as OFSI shows them: ``Name 6, Name 1 Name 2 ... Name 5`` for individuals
(surname first), the non-empty parts joined for entities and ships; titles are kept apart.
"""
from __future__ import annotations

import csv
import io
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import python_calamine

from ..countries import to_country_code
from .enumerations import enumerated_items
from .dates import birth_date, parse_dmy, plausible_year
from .files import decode_text, read_checked_bytes
from .model import (Address, BirthDate, Entry, Name, Nationality, ParseIssue, ParseResult,
                    SourceFormatError)
from .results import set_version
from .uk_ofsi_details import _identifiers
from ..scripts import name_script, original_script

NAME = "uk_ofsi"
CSV_FILES = ("ConList.csv", "sanctionsconlist.csv")
XLSX_FILE = "ConList.xlsx"

NAME_PARTS = ["Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5"]
_ADDRESS = ["Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6"]
OLD_HEADER = NAME_PARTS + ["Title", "DOB", "Town of Birth", "Country of Birth", "Nationality",
                           "Passport Details", "NI Number", "Position"] + _ADDRESS + [
    "Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type", "Regime", "Listed On",
    "Last Updated", "Group ID"]
NEW_HEADER = NAME_PARTS + ["Title", "Name Non-Latin Script", "Non-Latin Script Type",
                           "Non-Latin Script Language", "DOB", "Town of Birth", "Country of Birth",
                           "Nationality", "Passport Number", "Passport Details",
                           "National Identification Number", "National Identification Details",
                           "Position"] + _ADDRESS + [
    "Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type", "Alias Quality", "Regime",
    "Listed On", "UK Sanctions List Date Designated", "Last Updated", "Group ID"]

ENTITY_TYPES = {"individual": "person", "entity": "organization", "ship": "vessel"}
# Alias Type -> name kind; "Primary name" rows after a group's first become aka.
ALIAS_KINDS = {"primary name": "primary", "prime alias": "primary", "primary name variation": "aka",
               "aka": "aka", "fka": "fka"}
# Columns whose distinct values an entry keeps (names are read row by row).
_COLLECTED = ("DOB", "Nationality", "Passport Number", "Passport Details", "National Identification Number",
              "National Identification Details", "NI Number", "Position", "Title", "Other Information",
              "Group Type", "Regime", "Listed On", "UK Sanctions List Date Designated", "Last Updated")
_KIND_RANK = {"primary": 4, "aka": 3, "fka": 2, "weak": 1}

_DOB = re.compile(r"(?:(\d{1,2})/)?(?:(\d{1,2})/)?(\d{4})")


def detect(snapshot: Path) -> bool:
    return any((snapshot / name).is_file() for name in (*CSV_FILES, XLSX_FILE))


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Read the snapshot's ConList (CSV of either layout, or the 2022-format XLSX)."""
    present = [name for name in (*CSV_FILES, XLSX_FILE) if (snapshot / name).is_file()]
    if not present:
        raise SourceFormatError(f"{snapshot.name}: no {', '.join((*CSV_FILES, XLSX_FILE))} in the folder")
    path = snapshot / present[0]
    if path.name == XLSX_FILE:
        updated, header, rows = _read_xlsx(path)
    else:
        updated, header, rows = _read_csv(path)
    result = ParseResult(source=source, version=label, published=None, files=[path])
    if len(present) > 1:
        result.notes.append(f"read {present[0]}; also present and ignored: {', '.join(present[1:])}")
    _set_version(result, path.name, updated)
    layout = "2022 format" if header == NEW_HEADER else "old format"
    result.notes.append(f"{path.name}: {layout}, {len(rows)} rows (one per name variant x date of birth)")
    groups = _group_rows(path.name, header, rows, result)
    for group_id, members in groups.items():
        result.records_read += 1
        entry = _entry(path.name, group_id, members, result)
        if entry is None:
            result.issues.append(ParseIssue(path.name, members[0][0], "Name 6", "",
                                            f"group {group_id} has no row with a name", rejected=True))
        else:
            result.entries.append(entry)
    return result


# --- reading the two containers -------------------------------------------------------------

Row = tuple[str, list[str]]  # (line or sheet row number, cells)


def _read_csv(path: Path) -> tuple[str, list[str], list[Row]]:
    data = read_checked_bytes(path)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        raise SourceFormatError(f"{path.name}: looks like UTF-16 text, not OFSI's cp1252/UTF-8 CSV (re-encoded?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # The old format is Windows-1252 (0x92 for the apostrophe in names).
        text = decode_text(path, data, "cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    first = next(reader, [])
    updated = _check_first_line(path.name, first)
    header = _check_header(path.name, _trim(next(reader, [])), "line 2")
    rows: list[Row] = []
    end = reader.line_num
    for values in reader:
        start, end = end + 1, reader.line_num
        if any(v.strip() for v in values):
            rows.append((str(start), values))
    return updated, header, rows


def _read_xlsx(path: Path) -> tuple[str, list[str], list[Row]]:
    data = read_checked_bytes(path)
    if not data.startswith(b"PK\x03\x04"):
        raise SourceFormatError(f"{path.name}: not an XLSX file (no zip signature); a page saved in its place?")
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_name("Data") if "Data" in book.sheet_names else book.get_sheet_by_index(0)
        table = sheet.to_python()
        offset = sheet.start[0]
    except Exception as exc:  # calamine raises its own error types for every kind of corrupt file
        raise SourceFormatError(f"{path.name}: unreadable XLSX ({type(exc).__name__}: {str(exc)[:80]})") from exc
    # Every cell of OFSI's sheet is text; convert only the odd one out.
    cells = [[c if type(c) is str else _cell_text(c) for c in row] for row in table]
    if offset != 0 or len(cells) < 2:
        raise SourceFormatError(f"{path.name}: the sheet does not start with the Last Updated line and the header")
    updated = _check_first_line(path.name, cells[0])
    header = _check_header(path.name, _trim(cells[1]), "row 2")
    width = len(header)
    # A sheet has no delimiters: empty cells past the header's width are no fault, others are.
    rows = [(str(i + 1), _fit(row, width)) for i, row in enumerate(cells) if i >= 2 and any(c.strip() for c in row)]
    return updated, header, rows


def _fit(row: list[str], width: int) -> list[str]:
    if len(row) > width and not any(c.strip() for c in row[width:]):
        return row[:width]
    return row + [""] * (width - len(row))


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def _trim(cells: list[str]) -> list[str]:
    cells = [c.strip() for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _check_first_line(file: str, cells: list[str]) -> str:
    if not cells or cells[0].lstrip("\ufeff").strip() != "Last Updated":
        raise SourceFormatError(f"{file}: line 1 is not OFSI's 'Last Updated,dd/mm/yyyy' line; "
                                f"got {str(cells[:3])[:80]}")
    return cells[1].strip() if len(cells) > 1 else ""


def _check_header(file: str, header: list[str], where: str) -> list[str]:
    if header == OLD_HEADER:
        return OLD_HEADER
    if header == NEW_HEADER:
        return NEW_HEADER
    raise SourceFormatError(f"{file}: {where} is not the OFSI ConList header (29 or 36 columns "
                            f"'Name 6, Name 1, ...'); got {len(header)} columns {str(header[:3])[:80]}")


def _set_version(result: ParseResult, file: str, updated: str) -> None:
    published = parse_dmy(updated)
    if published and not plausible_year(published.year):
        published = None
    set_version(result, published, file, "1", "Last Updated", updated, "not a dd/mm/yyyy date")


Members = list[tuple[str, dict[str, str]]]  # a group's rows: (line, column -> value)


def _group_rows(file: str, header: list[str], rows: list[Row], result: ParseResult) -> dict[str, Members]:
    """Rows keyed by Group ID, in order of first appearance (the 2022 file is not sorted)."""
    groups: dict[str, Members] = OrderedDict()
    for line, values in rows:
        if len(values) != len(header):
            result.records_read += 1
            result.issues.append(ParseIssue(file, line, None, ",".join(values)[:200],
                                            f"expected {len(header)} fields, found {len(values)}", rejected=True))
            continue
        row = {k: v.strip() for k, v in zip(header, values)}
        if not row["Group ID"]:
            result.records_read += 1
            result.issues.append(ParseIssue(file, line, "Group ID", "", "row without a Group ID", rejected=True))
            continue
        groups.setdefault(row["Group ID"], []).append((line, row))
    return groups


# --- one group -> one entry ------------------------------------------------------------------

@dataclass
class _Collected:
    """Distinct values of one group's rows, in order of appearance."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {value: line}

    def add(self, column: str, value: str, line: str) -> None:
        if value:
            self.values.setdefault(column, {}).setdefault(value, line)

    def get(self, column: str) -> dict[str, str]:
        return self.values.get(column, {})


def _entry(file: str, group_id: str, members: Members, result: ParseResult) -> Entry | None:
    first_line, first = members[0]
    kind_of_group = first["Group Type"].lower()
    entity_type = ENTITY_TYPES.get(kind_of_group, "unknown")
    if entity_type == "unknown":
        result.issues.append(ParseIssue(file, first_line, "Group Type", first["Group Type"], "unknown group type"))
    names = _names(file, members, entity_type, result)
    if not names:
        return None
    entry = Entry(source_id=group_id, entity_type=entity_type, file=file, location=first_line, names=names)
    seen = _Collected()
    for line, row in members:
        for column in _COLLECTED:
            if column in row:
                seen.add(column, row[column], line)
        seen.add("_address", _address_key(row), line)
        seen.add("_birthplace", ", ".join(p for p in (row["Town of Birth"], row["Country of Birth"]) if p), line)
    if len(seen.get("Group Type")) > 1:
        result.issues.append(ParseIssue(file, first_line, "Group Type", " / ".join(seen.get("Group Type")),
                                        f"group {group_id} mixes group types; the first is kept"))
    entry.programs = list(seen.get("Regime"))
    entry.remarks = "\n\n".join(seen.get("Other Information")) or None
    entry.birth_places = list(seen.get("_birthplace"))
    _dates(file, entry, seen, result)
    _nationalities(entry, seen)
    _addresses(entry, seen)
    _identifiers(file, entry, seen, "Passport Number" in first, result)
    _extra(entry, seen)
    return entry


def _names(file: str, members: Members, entity_type: str, result: ParseResult) -> list[Name]:
    found: dict[str, Name] = OrderedDict()
    primary = None
    for line, row in members:
        text = _full_name(row, entity_type)
        if not text:
            if not row.get("Name Non-Latin Script"):
                result.issues.append(ParseIssue(file, line, "Name 6", "",
                                                "row without a name; its other fields are kept"))
            continue
        kind = ALIAS_KINDS.get(row["Alias Type"].lower())
        if kind is None:
            result.issues.append(ParseIssue(file, line, "Alias Type", row["Alias Type"],
                                            "unknown alias type; read as aka"))
            kind = "aka"
        quality = row.get("Alias Quality", "").lower().replace(" quality", "") or None
        if quality == "low" and kind != "primary":
            kind = "weak"
        if kind == "primary":
            # A group may have several "Primary name" rows: the first is the primary, the others akas.
            primary = primary or text
            kind = "primary" if text == primary else "aka"
        _keep_name(found, Name(text, kind, script=name_script(text), quality=quality, location=line))
    for line, row in members:
        original = row.get("Name Non-Latin Script", "")
        if original and original not in found:
            script = original_script(original, row["Non-Latin Script Type"])
            found[original] = Name(original, "original_script", script=script,
                                   lang=row["Non-Latin Script Language"] or None, location=line)
    names = list(found.values())
    if names and not any(n.kind == "primary" for n in names):
        # Real case: a few groups have no "Primary name" row; their first name stands in.
        promoted = next((n for n in names if n.kind != "original_script"), names[0])
        result.issues.append(ParseIssue(file, promoted.location, "Alias Type", promoted.name,
                                        "group has no primary name row; its first name is taken as primary"))
        promoted.kind = "primary"
    names.sort(key=lambda n: n.kind != "primary")
    return names


def _keep_name(found: dict[str, Name], name: Name) -> None:
    """Keep each name text once, with the strongest kind it was published with."""
    old = found.get(name.name)
    if old is None:
        found[name.name] = name
    elif _KIND_RANK.get(name.kind, 0) > _KIND_RANK.get(old.kind, 0):
        old.kind, old.quality = name.kind, name.quality


def _full_name(row: dict[str, str], entity_type: str) -> str:
    """OFSI's rendering: 'SURNAME, Given names' for individuals; the parts joined otherwise."""
    given = " ".join(row[k] for k in NAME_PARTS[1:] if row[k])
    if entity_type == "person":
        if row["Name 6"] and given:
            return f"{row['Name 6']}, {given}"
        return row["Name 6"] or given
    return " ".join(p for p in (given, row["Name 6"]) if p)


def _dates(file: str, entry: Entry, seen: _Collected, result: ParseResult) -> None:
    for text, line in seen.get("DOB").items():
        parsed = _parse_dob(text, line)
        if parsed is None:
            result.issues.append(ParseIssue(file, line, "DOB", text, "not a dd/mm/yyyy, mm/yyyy or yyyy date"))
        else:
            entry.birth_dates.append(parsed)
    for text, line in seen.get("Listed On").items():
        listed = parse_dmy(text)
        if listed is None:
            result.issues.append(ParseIssue(file, line, "Listed On", text, "not a dd/mm/yyyy date"))
        elif entry.listed_on is None or listed < entry.listed_on:
            entry.listed_on = listed


def _parse_dob(text: str, line: str) -> BirthDate | None:
    """dd/mm/yyyy with 00 for unknown parts, mm/yyyy or yyyy."""
    match = _DOB.fullmatch(text)
    if not match:
        return None
    first, second, year = match.group(1), match.group(2), int(match.group(3))
    day, month = (int(first), int(second)) if second is not None else (0, int(first or 0))
    if not plausible_year(year) or not 0 <= month <= 12 or not 0 <= day <= 31:
        return None
    if day and month:
        try:
            date(year, month, day)
        except ValueError:
            return None
    return birth_date(text, year, month, day, location=line)


def _nationalities(entry: Entry, seen: _Collected) -> None:
    for text in seen.get("Nationality"):
        for item in enumerated_items(text):
            if item and not any(n.country == item for n in entry.nationalities):
                entry.nationalities.append(Nationality(_country_code(item), item, "nationality"))


def _country_code(text: str) -> str | None:
    """Country code of a published country, also for 'Iraq (previous address)' or 'Congo (Democratic Republic)'."""
    code = to_country_code(text)
    qualified = None if code else re.fullmatch(r"(.+?)\s*\((.+)\)\.?", text)
    if qualified:
        name, qualifier = qualified.groups()
        for candidate in (f"{qualifier} of the {name}", f"{qualifier} of {name}", name):
            code = to_country_code(candidate)
            if code:
                break
    return code


def _address_key(row: dict[str, str]) -> str:
    parts = [row[k] for k in _ADDRESS] + [row["Post/Zip Code"], row["Country"]]
    return "\x1f".join(parts) if any(parts) else ""


def _addresses(entry: Entry, seen: _Collected) -> None:
    for key, line in seen.get("_address").items():
        parts = key.split("\x1f")
        lines, postcode, country = [p for p in parts[:6] if p], parts[6], parts[7]
        code = _country_code(country) if country else None
        entry.addresses.append(Address(street=", ".join(lines) or None, postcode=postcode or None,
                                       country=country or None, country_code=code,
                                       full=", ".join(p for p in (*lines, postcode, country) if p), location=line))


def _extra(entry: Entry, seen: _Collected) -> None:
    for column, key in (("Title", "titles"), ("Position", "position"),
                        ("UK Sanctions List Date Designated", "uk_sanctions_list_date_designated")):
        if seen.get(column):
            entry.extra[key] = "; ".join(seen.get(column))
    updates = [d for d in (parse_dmy(t) for t in seen.get("Last Updated")) if d]
    if updates:
        entry.extra["last_updated"] = max(updates).isoformat()
    elif seen.get("Last Updated"):
        entry.extra["last_updated"] = "; ".join(seen.get("Last Updated"))
