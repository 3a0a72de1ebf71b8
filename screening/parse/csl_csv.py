"""US Consolidated Screening List (trade.gov), ``consolidated.csv`` (older copies: ``csl.csv``).

One CSV (UTF-8, comma-separated, RFC 4180 quoting, header row) republishing eleven lists of
three agencies: BIS (Entity List, DPL, Unverified List, MEU), State (ISN, ITAR debarred) and
OFAC (SDN, SSI, FSE, PLC, CAP, CMIC, NS-MBS).  Two layouts are recognised by their header:

* 29 columns starting with ``_id`` (2020 onwards).  ``source_id`` is ``_id``: the OFAC uid for
  rows OFAC issued, a 32- or 56-hex key that trade.gov derives from the row for the others
  (so a BIS or State row's id may change in a later CSL release).
* 28 columns without ``_id`` (2019 and earlier).  ``source_id`` is derived: ``entity_number``
  (the OFAC uid) when the row is OFAC-issued, else the first 16 hex digits of the SHA-1 of the
  upper-cased, whitespace-collapsed ``source|name|addresses|start_date``.

The same OFAC uid can sit on two sub-lists (an NS-MBS row and an SSI row, a PLC row and an
SDN row).  The id is read once: the later row is a rejected issue ("duplicate _id, first at
line N") and its sub-list code and programs are added to the first row's entry, so the
entry still says it is on both lists.

Multi-valued cells are ``; ``-separated; the Entity List writes some alt_names and
addresses as an English list ("a; b; and c"), whose "and " is dropped.  An address is
``street, city, state, postcode, country`` with empty parts left out (see
:func:`split_address`); ``ids`` items are ``type, number, country, details...`` (the
28-column layout writes them the other way round: ``country, number, type``).  Items that are not identifiers (sanctions directives, listing
dates, gender, target type...) go to ``extra["features"]``.  The file has no publication
date: the version is the snapshot label and ``published`` the newest plausible start_date.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date
from pathlib import Path

from ..countries import to_country_code
from .dates import birth_date, parse_iso_date, plausible_year
from .files import decode_text, first_present, read_checked_bytes
from .results import add_flag
from .model import (Address, BirthDate, Entry, Identifier, Name, Nationality, ParseIssue,
                    ParseResult, SourceFormatError)
from ..scripts import name_script

NAME = "csl_csv"
# Current download name first; csl.csv is the name of older copies.
FILES = ("consolidated.csv", "csl.csv")
COLUMNS = ["_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
           "federal_register_notice", "start_date", "end_date", "standard_order",
           "license_requirement", "license_policy", "call_sign", "vessel_type", "gross_tonnage",
           "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks", "source_list_url",
           "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
           "source_information_url", "ids"]
OLD_COLUMNS = COLUMNS[1:]
ID_FIELDS = ("source", "name", "addresses", "start_date")
SEP = "; "

_TYPES = {"individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft", "": "unknown"}
# Columns kept verbatim in Entry.extra when set (BIS licence facts, vessel particulars...).
_EXTRA_COLUMNS = ("title", "federal_register_notice", "end_date", "standard_order", "license_requirement",
                  "license_policy", "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag",
                  "vessel_owner", "source_list_url", "source_information_url")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DOB_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_DOB_TEXT = re.compile(r"^(?:(\d{1,2}) )?([A-Za-z]{3})[a-z]*\.? (\d{4})$")
_DOB_RANGE = re.compile(r"^(\d{4}) to (\d{4})$")
_POSTCODE = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9 \-]{1,9}$")
_REGION_CODE = re.compile(r"^[A-Z]{2,3}$")
_REGION_WORDS = ("province", "oblast", "region", "prefecture", "governorate", "krai", "state")

# ids labels -> Identifier.id_type, first match wins (searched in the lower-cased label).
_ID_TYPES = tuple((re.compile(pattern), id_type) for pattern, id_type in (
    (r"driver|immigration|visa|serial no|\bisin\b|ticker|\bbik\b", "other"),
    (r"passport|travel document", "passport"),
    (r"swift|\bbic\b", "swift_bic"),
    (r"e-?mail", "email"),
    (r"website|\burl\b", "website"),
    (r"phone|\bfax\b", "phone"),
    (r"\bmmsi\b", "mmsi"),
    (r"call sign", "call_sign"),
    (r"\bimo\b", "imo"),
    (r"\btax\b|\bnit\b|r\.?f\.?c\b|\bruc\b|v\.a\.t\.|\bvat\b|\bfein\b|fiscal|c\.u\.i\.t\.|\binn\b", "tax_id"),
    (r"national|c[eé]dula|d\.n\.i\.|c\.u\.r\.p\.|\bcurp\b|\bssn\b|personal id|identification number|id card"
     r"|\bid no|electoral", "national_id"),
    (r"regist|company number|c\.r\. no|incorporation|legal entity|gazette|uscc|social credit|matr[ií]cula"
     r"|commercial|licen[cs]e|\ble number", "registration"),
))
# ids items that describe the listing, not the party: kept as features, never matched on.
_FEATURE_WORDS = ("date", "directive", "sanction", "gender", "target type", "issuer name", "organization type",
                  "nationality", "flag", "vessel type", "vessel year", "tonnage", "aircraft", "caatsa", "ifca",
                  "transactions prohibited")


def detect(snapshot: Path) -> bool:
    return first_present(snapshot, FILES).is_file()


def derive_id(row: dict[str, str]) -> str:
    """source_id of a 28-column row: the OFAC uid, else a SHA-1 prefix of its listing facts."""
    if row["entity_number"]:
        return row["entity_number"]
    key = "|".join(" ".join(row[f].split()).upper() for f in ID_FIELDS)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def list_code(source_name: str) -> str:
    """Short code of a CSL sub-list: 'Entity List (EL) - Bureau...' -> 'EL', '(NS-MBS List)' -> 'NS-MBS'."""
    head = source_name.split(" - ")[0]
    found = re.findall(r"\(([^()]+)\)", head)
    if not found:
        return head.strip()
    code = found[-1].strip()
    return code[: -len(" List")] if code.endswith(" List") else code


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Read the CSL CSV: one entry per row (per ``_id``), rows of every sub-list."""
    path = first_present(snapshot, FILES)
    name = path.name
    text = decode_text(path, read_checked_bytes(path), "utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if header not in (COLUMNS, OLD_COLUMNS):
        raise SourceFormatError(f"{name}: line 1 is not a CSL header (comma-separated _id, source, entity_number, "
                                f"... or the older 28 columns without _id); got {str(header)[:80]}")
    result = ParseResult(source=source, version=label, published=None, files=[path])
    if header == OLD_COLUMNS:
        result.notes.append(f"{name}: older 28-column layout without _id; source ids derived (entity_number or SHA-1)")
    # A file that stops without its final newline was cut: its last row is incomplete.
    last_line = -1 if text.endswith(("\n", "\r")) else text.count("\n") + 1
    kept: dict[str, Entry] = {}  # source_id -> its entry (whose location is its first line)
    end = reader.line_num
    for values in reader:
        # A row may span lines (newlines inside quotes): report the line it starts on.
        line, end = str(end + 1), reader.line_num
        if not any(v.strip() for v in values):
            continue
        if [v.strip() for v in values] == header:
            result.issues.append(ParseIssue(name, line, None, ",".join(header)[:80], "header row repeated; not an entry"))
            continue
        result.records_read += 1
        if len(values) != len(header):
            result.issues.append(_bad_width(name, line, values, len(header), cut=end == last_line))
            if end == last_line and len(values) < len(header):
                result.truncated.append(f"{name}:{line}")
            continue
        row = {k: v.strip() for k, v in zip(header, values)}
        entry = _row_entry(row, name, line, result)
        if entry is None:
            continue
        if entry.source_id in kept:
            _merge_duplicate(kept[entry.source_id], entry, header[0], result)
            continue
        kept[entry.source_id] = entry
        result.entries.append(entry)
    result.published = _newest_start(result.entries)
    return result


def _bad_width(name: str, line: str, values: list[str], expected: int, cut: bool) -> ParseIssue:
    found = f"expected {expected} fields, found {len(values)}"
    problem = f"row cut short at the end of the file (truncated copy?): {found}" if cut and len(values) < expected else found
    return ParseIssue(name, line, None, ",".join(values)[:200], problem, rejected=True)


def _merge_duplicate(first: Entry, dup: Entry, id_field: str, result: ParseResult) -> None:
    """Keep one entry per id; the duplicate's sub-list still shows on the first entry."""
    code = dup.programs[0] if dup.programs else ""
    result.issues.append(ParseIssue(dup.file, dup.location, id_field, dup.source_id,
                                    f"duplicate {id_field}, first at line {first.location}; its list "
                                    f"{code} is added to that entry's programs", rejected=True))
    first.programs.extend(p for p in dup.programs if p not in first.programs)
    also = [v for v in first.extra.get("also_listed_on", "").split(SEP) if v]
    if dup.extra.get("list") and dup.extra["list"] not in also + [first.extra.get("list")]:
        first.extra["also_listed_on"] = SEP.join(also + [dup.extra["list"]])


def _newest_start(entries: list[Entry]) -> date | None:
    # The file states no date; its newest start_date not in the future is the best witness.
    today = date.today()
    dates = [e.listed_on for e in entries if e.listed_on and plausible_year(e.listed_on.year) and e.listed_on <= today]
    return max(dates, default=None)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(SEP) if v.strip()] if value else []


def _list_items(value: str) -> list[str]:
    """Split names or addresses written as an English list ("a; b; and c"): the "and " goes."""
    return [re.sub(r"^and\s+", "", v) if i else v for i, v in enumerate(_split(value))]


def _row_entry(row: dict[str, str], file: str, line: str, result: ParseResult) -> Entry | None:
    """Build the entry of one well-formed row; None (with a rejected issue) when it has no id or name."""
    source_id = row["_id"] if "_id" in row else derive_id(row)
    if not source_id:
        result.issues.append(ParseIssue(file, line, "_id", "", "empty _id", rejected=True))
        return None
    if not row["name"]:
        result.issues.append(ParseIssue(file, line, "name", "", "empty name", rejected=True))
        return None
    kind = row["type"].lower()
    if kind not in _TYPES:
        result.issues.append(ParseIssue(file, line, "type", row["type"], "unknown type; entity type left unknown"))
    entry = Entry(source_id=source_id, entity_type=_TYPES.get(kind, "unknown"), file=file, location=line,
                  programs=[list_code(row["source"])] + _split(row["programs"]),
                  remarks=row["remarks"] or None,
                  extra={"list": row["source"], **{c: row[c] for c in _EXTRA_COLUMNS if row[c]}})
    entry.names = [_name(row["name"], "primary")] + [_name(n, "aka") for n in _list_items(row["alt_names"])]
    entry.addresses = [split_address(a) for a in _list_items(row["addresses"])]
    entry.birth_places = _split(row["places_of_birth"])
    entry.nationalities = ([Nationality(to_country_code(c), c, "citizenship") for c in _split(row["citizenships"])]
                           + [Nationality(to_country_code(c), c, "nationality") for c in _split(row["nationalities"])])
    add_flag(entry, row["vessel_flag"], result.issues, field="vessel_flag")
    if row["entity_number"]:
        entry.identifiers.append(Identifier("ofac_uid", row["entity_number"], note="entity_number"))
    if row["call_sign"]:
        entry.identifiers.append(Identifier("call_sign", row["call_sign"], note="call_sign"))
    _add_ids(entry, row["ids"], old_layout="_id" not in row, result=result)
    for text in _split(row["dates_of_birth"]):
        dob = parse_birth_date(text)
        if dob is None:
            result.issues.append(ParseIssue(file, line, "dates_of_birth", text, "unrecognised date of birth; not kept"))
        else:
            entry.birth_dates.append(dob)
    entry.listed_on = parse_iso_date(row["start_date"])
    if row["start_date"] and entry.listed_on is None:
        result.issues.append(ParseIssue(file, line, "start_date", row["start_date"], "not a YYYY-MM-DD date"))
    elif entry.listed_on and (not plausible_year(entry.listed_on.year) or entry.listed_on > date.today()):
        result.issues.append(ParseIssue(file, line, "start_date", row["start_date"],
                                        "implausible start date (typo?); ignored for the version date"))
    return entry


def _name(text: str, kind: str) -> Name:
    script = name_script(text)
    return Name(text, "original_script" if script and kind == "aka" else kind, script=script)


def split_address(text: str) -> Address:
    """Split a CSL address ``street, city, state, postcode, country`` (parts may be missing).

    Read from the right: a last part that is a country (ISO code or name) is the country, a
    repeated country name before the code ("Xian, China, CN") is dropped, then a postcode-like
    part (digits, capitals, at most 10 characters), then a state written as a 2-3 letter code or
    ending in Province/Oblast/Region..., then the city (a part without digits); the rest is the
    street.  The CSV joins the publisher's fields with commas that also occur inside streets,
    so the split is a best reading: ``full`` always keeps the text as published.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    address = Address(full=text)
    code = to_country_code(parts[-1]) if parts else None
    if code:
        address.country, address.country_code = parts.pop(), code
        if len(parts) > 1 and to_country_code(parts[-1]) == code:
            parts.pop()
    if parts and _POSTCODE.match(parts[-1]) and (len(parts) > 1 or code):
        address.postcode = parts.pop()
    if len(parts) > 1 and (_REGION_CODE.match(parts[-1]) or parts[-1].lower().endswith(_REGION_WORDS)):
        address.region = parts.pop()
    if parts and not any(ch.isdigit() for ch in parts[-1]) and (len(parts) > 1 or not address.region):
        address.city = parts.pop()
    address.street = ", ".join(parts) or None
    return address


def parse_birth_date(text: str) -> BirthDate | None:
    """CSL dates of birth: 1968-02-11, 1968, Feb 1968, 11 Feb 1968, 1968 to 1970, with 'circa' kept in the text."""
    core = re.sub(r"^circa\s+", "", text, flags=re.I).strip()
    if m := _DOB_ISO.match(core):
        return birth_date(text, int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    if m := _DOB_RANGE.match(core):
        return birth_date(text, int(m[1]), year_to=int(m[2]))
    if core.isdigit() and len(core) == 4:
        return birth_date(text, int(core))
    if (m := _DOB_TEXT.match(core)) and m[2].lower() in _MONTHS:
        return birth_date(text, int(m[3]), _MONTHS[m[2].lower()], int(m[1]) if m[1] else None)
    return None


def _add_ids(entry: Entry, value: str, old_layout: bool, result: ParseResult) -> None:
    """Turn the ``ids`` cell into identifiers, nationality, gender and listing features."""
    features: list[str] = []
    for item in _split(value):
        parts = [p.strip() for p in item.split(",")]
        # Old layout: "country, number, type"; current: "type, number, country, details...".
        label, rest = (parts[-1], parts[:-1]) if old_layout else (parts[0], parts[1:])
        low = label.lower()
        if low == "gender" and rest:
            entry.extra["gender"] = ", ".join(rest)
        elif low == "nationality country" and rest:
            entry.nationalities.append(Nationality(to_country_code(rest[0]), rest[0], "nationality"))
        elif not rest or label.endswith((":", "-")) or any(w in low for w in _FEATURE_WORDS):
            features.append(item)
        else:
            entry.identifiers.append(_identifier(label, rest, old_layout))
    if features:
        entry.extra["features"] = SEP.join(features)


def _identifier(label: str, rest: list[str], old_layout: bool) -> Identifier:
    country = None
    if old_layout and len(rest) > 1 and _is_country_code(rest[0]):
        country, rest = rest[0], rest[1:]
    number, details = rest[0], rest[1:]
    if not old_layout:
        for part in details:
            if _is_country_code(part):
                country = part
                details = [d for d in details if d is not part]
                break
    low = label.lower()
    id_type = next((t for pattern, t in _ID_TYPES if pattern.search(low)), "other")
    if id_type == "registration" and number.upper().startswith("IMO"):
        id_type = "imo"
    return Identifier(id_type, number, country_code=to_country_code(country) if country else None,
                      note=", ".join([label] + details))


def _is_country_code(text: str) -> bool:
    return len(text) == 2 and text.isupper() and to_country_code(text) is not None
