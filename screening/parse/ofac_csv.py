"""OFAC legacy CSV files: the SDN list (sdn.csv, add.csv, alt.csv, sdn_comments.csv) and the
non-SDN consolidated list (cons_prim.csv, cons_add.csv, cons_alt.csv, cons_comments.csv).

Layout (OFAC's cons_dat_spec.txt): no header; comma-separated; text values in double
quotes; null is ``-0-`` (usually followed by a space); CRLF; ASCII; the file ends with a
lone 0x1A (DOS end-of-file) byte.  The main file has 12 columns, ent_num first;
addresses, aliases and the Remarks spill-over are linked to it by ent_num.  Remarks are
cut at exactly 1000 characters and continue in the comments file, joined with no
separator.  ``source_id`` is OFAC's ent_num, the same number as the XML ``uid`` and the
enhanced XML ``entity id``.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..countries import to_country_code
from .files import decode_text, read_checked_bytes
from .model import Address, Entry, Identifier, Name, ParseIssue, ParseResult, SourceFormatError
from .ofac_remarks import merge_facts, parse_remarks
from .results import add_flag
from ..scripts import name_script

NAME = "ofac_csv"

# role -> file name, for each of the two lists sharing this layout
FILE_SETS = {
    "sdn": {"prim": "sdn.csv", "add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"},
    "cons": {"prim": "cons_prim.csv", "add": "cons_add.csv", "alt": "cons_alt.csv", "comments": "cons_comments.csv"},
}
COLUMNS = {
    "prim": ("ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage",
             "GRT", "Vess_flag", "Vess_owner", "Remarks"),
    "add": ("ent_num", "add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks"),
    "alt": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    "comments": ("ent_num", "Remarks_extension"),
}
ABSENT_NOTES = {
    "add": "{name} absent: no addresses in this version",
    "alt": "{name} absent: no aliases in this version",
    "comments": "{name} absent: Remarks longer than 1000 characters stay cut in this version",
}
ENTITY_TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", "": "organization"}
ALIAS_KINDS = {"aka": "aka", "fka": "fka", "nka": "aka"}
REMARKS_CUT = 1000  # OFAC's column size; longer Remarks continue in the comments file
EOF_MARK = "\x1a"
_POSTCODE_TOKEN = re.compile(r"[A-Z]{0,3}-?[0-9][0-9A-Z/-]*")
_POSTCODE_PREFIX = re.compile(r"[A-Z]{1,3}")
_NL_POSTCODE = re.compile(r"[0-9]{4} [A-Z]{2}")


@dataclass
class Row:
    line: int
    values: list[str]


def detect(snapshot: Path) -> bool:
    """True when the folder holds any OFAC legacy CSV file (so a missing main file gets a clear error)."""
    return any(_find(snapshot, name) for files in FILE_SETS.values() for name in files.values())


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Parse an SDN or consolidated legacy CSV snapshot; the version is the snapshot label."""
    files = _file_set(snapshot)
    prim = _find(snapshot, files["prim"])
    if prim is None:
        present = ", ".join(sorted(p.name for p in snapshot.iterdir())) or "nothing"
        raise SourceFormatError(f"{files['prim']}: file is missing (the folder holds {present}); "
                                f"the main file is required")
    result = ParseResult(source=source, version=label, published=None, files=[prim])
    entries = _read_prim(prim, result)
    by_id = {e.source_id: e for e in entries}
    # Comments first: Remarks must be whole before they are parsed.
    linked = {role: _find(snapshot, files[role]) for role in ("comments", "alt", "add")}
    for role, path in linked.items():
        if path is None:
            result.notes.append(ABSENT_NOTES[role].format(name=files[role]))
            continue
        result.files.append(path)
        READERS[role](path, by_id, result)
    has_comments = linked["comments"] is not None
    for entry in entries:
        _apply_remarks(entry, result, has_comments, files["comments"])
    result.entries = entries
    return result


def _file_set(snapshot: Path) -> dict[str, str]:
    # The consolidated list is recognised by its file names (cons_*.csv).
    for files in (FILE_SETS["cons"], FILE_SETS["sdn"]):
        if any(_find(snapshot, name) for name in files.values()):
            return files
    raise SourceFormatError(f"{snapshot.name}: no OFAC CSV file (sdn.csv or cons_prim.csv) in the folder")


def _find(snapshot: Path, name: str) -> Path | None:
    """The file of that name, in any letter case (OFAC's own spec writes CONS_PRIM.CSV)."""
    exact = snapshot / name
    if exact.is_file():
        return exact
    for path in snapshot.iterdir() if snapshot.is_dir() else ():
        if path.name.lower() == name and path.is_file():
            return path
    return None


# --- reading rows ---------------------------------------------------------------------------

def read_rows(path: Path, required: bool, result: ParseResult, rejected: bool) -> list[Row]:
    """Rows of one OFAC CSV file with their line numbers.

    The final 0x1A byte is skipped.  A last row without a line end was cut short (a
    truncated download) and is reported instead of returned.  ``rejected`` says
    whether such a row counts as a rejected record (main file) or not (other files).
    """
    data = read_checked_bytes(path) if required or path.stat().st_size else b""
    text = decode_text(path, data, "utf-8")
    body = text.rstrip(EOF_MARK + " \t")
    if required and not body.strip():
        raise SourceFormatError(f"{path.name}: holds no rows (only the end-of-file mark)")
    rows = []
    reader = csv.reader(io.StringIO(body, newline=""))
    start = 1
    for values in reader:
        if any(v.strip() for v in values):
            rows.append(Row(start, values))
        start = reader.line_num + 1
    if rows and not body.endswith("\n"):
        cut = rows.pop()
        if rejected:
            result.records_read += 1
        result.issues.append(ParseIssue(path.name, str(cut.line), None, ",".join(cut.values)[:200],
                                        "row cut short: the file ends inside it (truncated download?)",
                                        rejected=rejected))
        result.truncated.append(f"{path.name}:{cut.line}")
    if rows and not rows[0].values[0].strip().isdigit():
        raise SourceFormatError(f"{path.name}: line {rows[0].line} is not an OFAC row "
                                f"(expected ent_num first, no header); got {','.join(rows[0].values)[:80]!r}")
    return rows


def _val(value: str) -> str | None:
    """Strip a field; OFAC's null '-0-' (with or without its trailing space) becomes None."""
    value = value.strip()
    return None if value in ("", "-0-") else value


def _checked(row: Row, role: str, path: Path, result: ParseResult, rejected: bool) -> list[str | None] | None:
    expected = len(COLUMNS[role])
    if len(row.values) != expected:
        result.issues.append(ParseIssue(path.name, str(row.line), None, ",".join(row.values)[:200],
                                        f"expected {expected} fields, found {len(row.values)}", rejected=rejected))
        return None
    if not row.values[0].strip().isdigit():
        result.issues.append(ParseIssue(path.name, str(row.line), "ent_num", row.values[0],
                                        "ent_num is not a number", rejected=rejected))
        return None
    return [_val(v) for v in row.values]


# --- main file ------------------------------------------------------------------------------

def _read_prim(path: Path, result: ParseResult) -> list[Entry]:
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    for row in read_rows(path, True, result, rejected=True):
        result.records_read += 1
        values = _checked(row, "prim", path, result, rejected=True)
        if values is None:
            continue
        ent_num, name = values[0], values[1]
        if name is None:
            result.issues.append(ParseIssue(path.name, str(row.line), "SDN_Name", row.values[1], "empty name",
                                            rejected=True))
            continue
        if ent_num in first_line:
            result.issues.append(ParseIssue(path.name, str(row.line), "ent_num", ent_num,
                                            f"duplicate ent_num (first at line {first_line[ent_num]})",
                                            rejected=True))
            continue
        first_line[ent_num] = row.line
        # Remarks raw, not stripped: a cut Remarks may end with the space its continuation needs.
        values[11] = row.values[11] if values[11] else None
        entries.append(_prim_entry(values, row.line, path.name, result))
    return entries


def _prim_entry(values: list[str | None], line: int, file: str, result: ParseResult) -> Entry:
    (ent_num, name, sdn_type, program, title, call_sign, vess_type, tonnage, grt, vess_flag,
     vess_owner, remarks) = values
    entity_type = ENTITY_TYPES.get((sdn_type or "").lower())
    if entity_type is None:
        result.issues.append(ParseIssue(file, str(line), "SDN_Type", sdn_type, "unknown SDN_Type; entity type unknown"))
        entity_type = "unknown"
    entry = Entry(source_id=ent_num, entity_type=entity_type, file=file, location=str(line),
                  names=[Name(name, "primary", script=name_script(name))],
                  programs=split_programs(program), remarks=remarks)
    if call_sign:
        entry.identifiers.append(Identifier("call_sign", call_sign, note="Call_Sign"))
    for key, value in (("title", title), ("vessel_type", vess_type), ("tonnage", tonnage),
                       ("gross_registered_tonnage", grt), ("vessel_flag", vess_flag), ("vessel_owner", vess_owner)):
        if value:
            entry.extra[key] = value
    if vess_flag and to_country_code(vess_flag):
        entry.extra["vessel_flag_code"] = to_country_code(vess_flag)
    add_flag(entry, vess_flag, result.issues, field="Vess_flag")
    return entry


def split_programs(value: str | None) -> list[str]:
    """'SDGT] [IRGC' -> ['SDGT', 'IRGC'] (OFAC joins several programs with '] [')."""
    if not value:
        return []
    return [p.strip().strip("[]").strip() for p in value.split("] [") if p.strip().strip("[]").strip()]


# --- linked files ---------------------------------------------------------------------------

def _linked_rows(path: Path, role: str, by_id: dict[str, Entry], result: ParseResult):
    """Valid rows of a linked file whose ent_num is an entry; the others become issues."""
    for row in read_rows(path, False, result, rejected=False):
        values = _checked(row, role, path, result, rejected=False)
        if values is None:
            continue
        entry = by_id.get(values[0])
        if entry is None:
            result.issues.append(ParseIssue(path.name, str(row.line), "ent_num", values[0],
                                            f"ent_num not in {_prim_name(result)}; row ignored"))
            continue
        yield row, values, entry


def _prim_name(result: ParseResult) -> str:
    return result.files[0].name


def _read_comments(path: Path, by_id: dict[str, Entry], result: ParseResult) -> None:
    for row, _values, entry in _linked_rows(path, "comments", by_id, result):
        # Raw value: the continuation may start or end with a space that belongs to the text.
        extension = row.values[1]
        if len(entry.remarks or "") != REMARKS_CUT:
            result.issues.append(ParseIssue(path.name, str(row.line), "Remarks", extension[:200],
                                            f"continues a Remarks of {len(entry.remarks or '')} characters, "
                                            f"not a cut one of {REMARKS_CUT}; appended anyway"))
        entry.remarks = (entry.remarks or "") + extension
        entry.extra["remarks_continued"] = f"{path.name}:{row.line}"


def _read_alt(path: Path, by_id: dict[str, Entry], result: ParseResult) -> None:
    for row, values, entry in _linked_rows(path, "alt", by_id, result):
        _, _, alt_type, alt_name, alt_remarks = values
        if alt_name is None:
            result.issues.append(ParseIssue(path.name, str(row.line), "alt_name", row.values[3], "empty alias"))
            continue
        kind = ALIAS_KINDS.get((alt_type or "").lower())
        if kind is None:
            result.issues.append(ParseIssue(path.name, str(row.line), "alt_type", alt_type,
                                            "unknown alias type; kept as aka"))
            kind = "aka"
        entry.names.append(Name(alt_name, kind, script=name_script(alt_name), location=f"{path.name}:{row.line}"))
        if alt_remarks:
            _append_extra(entry, "alias_remarks", f"{alt_name}: {alt_remarks}")


def _read_add(path: Path, by_id: dict[str, Entry], result: ParseResult) -> None:
    for row, values, entry in _linked_rows(path, "add", by_id, result):
        _, _, street, city_line, country, add_remarks = values
        if not (street or city_line or country):
            continue  # OFAC's placeholder row for "no address known": nothing to keep
        entry.addresses.append(address_from(street, city_line, country, f"{path.name}:{row.line}"))
        if add_remarks:
            _append_extra(entry, "address_remarks", add_remarks)


def address_from(street: str | None, city_line: str | None, country: str | None, location: str) -> Address:
    """Build an Address; the free-text 'City/State/Province/Postal Code' is split on a best-effort basis."""
    city, region, postcode = split_city_line(city_line)
    full = ", ".join(p for p in (street, city_line, country) if p) or None
    return Address(street=street, city=city, region=region, postcode=postcode,
                   country=country, country_code=to_country_code(country) if country else None,
                   full=full, location=location)


def split_city_line(text: str | None) -> tuple[str | None, str | None, str | None]:
    """Best-effort split of the free-text 'City/State/Province/Postal Code' column.

    'Guadalajara, Jalisco 44680' -> ('Guadalajara', 'Jalisco', '44680');
    'London EC3N 1DY' -> ('London', None, 'EC3N 1DY'); 'Valletta VLT 1455' -> ('Valletta', None, 'VLT 1455');
    'Richardson, TX 75081' -> ('Richardson', 'TX', '75081'); 'Moscow' -> ('Moscow', None, None).
    """
    if not text:
        return None, None, None
    tokens = text.split()
    cut = _postcode_start(tokens)
    postcode = " ".join(tokens[cut:]) or None
    rest = " ".join(tokens[:cut]).rstrip(",").strip()
    city, _, region = rest.partition(", ")
    return city or None, region.strip() or None, postcode


def _postcode_start(tokens: list[str]) -> int:
    """Index of the first token of a trailing postcode (len(tokens) when there is none)."""
    end = len(tokens)
    if end >= 2 and _NL_POSTCODE.fullmatch(f"{tokens[-2]} {tokens[-1]}"):
        return end - 2  # Dutch '3089 JN'
    if not _POSTCODE_TOKEN.fullmatch(tokens[-1]):
        return end
    cut = end - 1
    if cut >= 1:
        before = tokens[cut - 1]
        after_comma = cut >= 2 and tokens[cut - 2].endswith(",")
        # 'EC3N 1DY', 'VLT 1455', 'D 40474' are one postcode; in 'Richardson, TX 75081' TX is the state.
        if _POSTCODE_TOKEN.fullmatch(before) or (_POSTCODE_PREFIX.fullmatch(before) and cut >= 2 and not after_comma):
            cut -= 1
    return cut


def _append_extra(entry: Entry, key: str, value: str) -> None:
    entry.extra[key] = f"{entry.extra[key]} | {value}" if key in entry.extra else value


READERS = {"comments": _read_comments, "alt": _read_alt, "add": _read_add}


# --- remarks --------------------------------------------------------------------------------

def _apply_remarks(entry: Entry, result: ParseResult, has_comments: bool, comments_name: str) -> None:
    if not entry.remarks:
        return
    if len(entry.remarks) == REMARKS_CUT:
        why = f"no continuation in {comments_name}" if has_comments else f"{comments_name} absent"
        result.issues.append(ParseIssue(entry.file, entry.location, "Remarks", entry.remarks[-60:],
                                        f"Remarks is exactly {REMARKS_CUT} characters ({why}): probably cut"))
    facts = parse_remarks(entry.remarks)
    merge_facts(entry, facts)
    for field_name, value, problem in facts.problems:
        result.issues.append(ParseIssue(entry.file, entry.location, field_name, value, problem))
