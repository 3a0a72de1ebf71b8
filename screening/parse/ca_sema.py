"""Canada, Special Economic Measures Act (SEMA) consolidated list, ``sema-lmes.xml``.

Global Affairs Canada publishes one XML file (copies are also seen as ``sema-lemes.xml``):
root ``<data-set>`` with one ``<record>`` per listed person or entity, children ``Country``
(the sanctions regime, bilingual: "Russia / Russie"; the file also carries the Justice for
Victims of Corrupt Foreign Officials Regulations, "JVCFOR"), ``Entity`` or ``LastName`` +
``GivenName``, ``Title``, ``Aliases``, ``DateOfBirth`` (yyyy-mm-dd, yyyy-mm, yyyy, or two
dates joined by " or "), ``Schedule`` ("1", "2", "1, Part 2", "N/A" or absent) and ``Item``.
The file states no date: the version is the snapshot label.

Ids: the list has none; Canada numbers its entries by regulation schedule and item, so
``source_id`` is ``<regime>|<Schedule or '-'>|<Item>`` (e.g. ``Russia|1|45``, ``JVCFOR|-|3``),
where the regime is the English part of Country, or its acronym in parentheses.  The
triple is unique in the real file; a repeated one gets ``#`` and a SHA-1 prefix of the
record's names appended (reported as an issue).

Names: a person's primary name is ``LastName, GivenName`` (surname first, keeping which part
is the surname); a parenthesised surname variant ("DIKIY (DIKY)") becomes an alias.  Entity
names written "English/French" give the English part as primary and the French part as an
alias.  ``Aliases`` is comma-separated and for persons often holds name parts rather than
whole names: an all-capitals alias is a surname variant ("PASHENKO" -> "PASHENKO, Natalya
Aleksandrovna"), an alias close to the given name is a given-name variant ("Andrei" ->
"KOSTIN, Andrei"), other single words are nicknames kept as weak aliases ("Motorola").
The published texts stay in ``extra`` (last_name, given_name, aliases).  The regime goes to
``programs`` and ``extra["regime"]``; it is not an address or a nationality.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from xml.etree.ElementTree import Element

from jellyfish import jaro_winkler_similarity

from .dates import birth_date
from .files import first_present
from .model import BirthDate, Entry, Name, ParseIssue, ParseResult
from ..scripts import name_script
from .xmlsafe import local_name, read_publisher_xml, text_of

NAME = "ca_sema_xml"
# The publisher's name first; sema-lemes.xml is how some copies spell it.
FILES = ("sema-lmes.xml", "sema-lemes.xml")
ROOT = "data-set"
FIELDS = ("Country", "Entity", "LastName", "GivenName", "Title", "Aliases", "DateOfBirth", "Schedule", "Item")
_DOB = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
# Alias fragments that are only a legal form belong to the alias before them ("Foo, Ltd.").
_LEGAL_FORM = re.compile(r"^(ltd|limited|inc|llc|co|corp|plc|pjsc|ojsc|jsc|s\.?a|gmbh)\.?$", re.I)
_GIVEN_NAME_SIMILARITY = 0.8


def detect(snapshot: Path) -> bool:
    return first_present(snapshot, FILES).is_file()


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Read the SEMA XML: one entry per ``<record>``."""
    path = first_present(snapshot, FILES)
    file = path.name
    root = read_publisher_xml(path, ROOT, "SEMA list")
    result = ParseResult(source=source, version=label, published=None, files=[path])
    seen: dict[str, str] = {}
    count = 0
    for child in root:
        if local_name(child.tag) != "record":
            result.issues.append(ParseIssue(file, f"{ROOT}/{local_name(child.tag)}", None, None,
                                            "unexpected element outside <record>; ignored"))
            continue
        count += 1
        result.records_read += 1
        entry = _record_entry(child, file, f"record[{count}]", result)
        if entry is None:
            continue
        if entry.source_id in seen:
            key = entry.source_id
            digest = hashlib.sha1("|".join(n.name for n in entry.names).encode("utf-8")).hexdigest()[:8]
            entry.source_id = f"{key}#{digest}"
            result.issues.append(ParseIssue(file, entry.location, "Item", key,
                                            f"regime/schedule/item already used by {seen[key]}; id {entry.source_id}"))
        seen.setdefault(entry.source_id, entry.location)
        result.entries.append(entry)
    return result


def regime_program(country: str) -> str:
    """Short regime name: 'Russia / Russie' -> 'Russia', '... Regulations (JVCFOR) / Règlement ...' -> 'JVCFOR'."""
    english = country.split(" / ")[0].strip()
    acronym = re.search(r"\(([A-Z]{2,})\)", english)
    return acronym.group(1) if acronym else english


def _fields(record: Element, file: str, location: str, result: ParseResult) -> dict[str, str]:
    values: dict[str, str] = {}
    for child in record:
        tag = local_name(child.tag)
        if tag not in FIELDS:
            result.issues.append(ParseIssue(file, f"{location}/{tag}", tag, text_of(child),
                                            "unknown field; kept in extra"))
        value = text_of(child)
        if value:
            values[tag] = value
    return values


def _record_entry(record: Element, file: str, location: str, result: ParseResult) -> Entry | None:
    """The entry of one record; None (with a rejected issue) when it names no one."""
    row = _fields(record, file, location, result)
    if "Entity" in row:
        entity_type, names = "organization", _entity_names(row["Entity"], row.get("Aliases"))
    elif "LastName" in row or "GivenName" in row:
        entity_type, names = "person", _person_names(row.get("LastName", ""), row.get("GivenName", ""),
                                                     row.get("Aliases"))
    else:
        result.issues.append(ParseIssue(file, location, "Entity", None, "record has no Entity nor LastName/GivenName",
                                        rejected=True))
        return None
    country = row.get("Country", "")
    program = regime_program(country) if country else ""
    if not country or "Item" not in row:
        result.issues.append(ParseIssue(file, location, "Item" if country else "Country", None,
                                        "no regime or item to number the entry; id derived from the names"))
    entry = Entry(source_id=_source_id(program, row, names), entity_type=entity_type, file=file,
                  location=location, names=names, programs=[program] if program else [])
    entry.extra = {key: row[field] for key, field in (
        ("regime", "Country"), ("schedule", "Schedule"), ("item", "Item"), ("title", "Title"),
        ("last_name", "LastName"), ("given_name", "GivenName"), ("aliases", "Aliases")) if field in row}
    entry.extra.update({tag: value for tag, value in row.items() if tag not in FIELDS})
    for text in re.split(r"\s+or\s+", row.get("DateOfBirth", "")):
        if text:
            dob = _birth_date(text)
            if dob is None:
                result.issues.append(ParseIssue(file, f"{location}/DateOfBirth", "DateOfBirth", text,
                                                "not a yyyy-mm-dd, yyyy-mm or yyyy date; not kept"))
            else:
                entry.birth_dates.append(dob)
    return entry


def _source_id(program: str, row: dict[str, str], names: list[Name]) -> str:
    if program and "Item" in row:
        return f"{program}|{row.get('Schedule', '-')}|{row['Item']}"
    return hashlib.sha1("|".join(n.name for n in names).encode("utf-8")).hexdigest()[:16]


def _birth_date(text: str) -> BirthDate | None:
    match = _DOB.match(text)
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    return birth_date(text, year, month, day)


def _name(text: str, kind: str, lang: str | None = None) -> Name:
    # The list is romanised; a name in another script would be flagged with its ISO 15924 code.
    return Name(text, kind, script=name_script(text), lang=lang)


def _top_level_split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses; parts stripped, empty parts dropped."""
    parts, depth, current = [], 0, []
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == sep and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _alias_list(aliases: str | None) -> list[str]:
    """Comma-separated aliases, legal-form fragments rejoined, outer parentheses removed."""
    out: list[str] = []
    for part in _top_level_split(aliases or "", ","):
        if out and _LEGAL_FORM.match(part):
            out[-1] = f"{out[-1]}, {part}"
            continue
        if part.startswith("(") and part.endswith(")") and part.count("(") == 1:
            part = part[1:-1].strip()
        out.append(part)
    return out


def _entity_names(entity: str, aliases: str | None) -> list[Name]:
    bilingual = _top_level_split(entity, "/")
    if len(bilingual) > 1:
        names = [_name(bilingual[0], "primary", "en")] + [_name(p, "aka", "fr") for p in bilingual[1:]]
    else:
        names = [_name(entity, "primary")]
    for alias in _alias_list(aliases):
        names.extend(_name(p, "aka") for p in _top_level_split(alias, "/"))
    return names


def _person_names(last: str, given: str, aliases: str | None) -> list[Name]:
    surname, variants = _surname_variants(last)
    names = [_name(_full(surname, given), "primary")]
    names.extend(_name(_full(v, given), "aka") for v in variants)
    for alias in _alias_list(aliases):
        text, kind = _person_alias(alias, surname, given)
        names.append(_name(text, kind))
    return names


def _surname_variants(last: str) -> tuple[str, list[str]]:
    """'DIKIY (DIKY)' -> ('DIKIY', ['DIKY']); a surname without parentheses has no variant."""
    match = re.match(r"^(.*?)\s*\(([^()]+)\)$", last)
    if not match or not match[1]:
        return last, []
    return match[1], [match[2].strip()]


def _full(last: str, given: str) -> str:
    return f"{last}, {given}" if last and given else last or given


def _is_upper_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _person_alias(alias: str, last: str, given: str) -> tuple[str, str]:
    """Read a person's alias as a whole name, a surname variant, a given-name variant or a nickname."""
    words = alias.split()
    upper = [w for w in words if _is_upper_word(w)]
    if upper and len(upper) < len(words):
        return alias, "aka"  # "Igor STRELKOV": a whole name, surname in capitals
    if upper and _is_upper_word(last.replace(" ", "")):
        return _full(alias, given), "aka"  # "PASHENKO": another spelling of the surname
    if (given and _is_upper_word(last.replace(" ", ""))
            and jaro_winkler_similarity(words[0].lower(), given.split()[0].lower()) >= _GIVEN_NAME_SIMILARITY):
        return _full(last, alias), "aka"  # "Andrei" for Andrey: another spelling of the given name
    return alias, "weak" if len(words) == 1 else "aka"
