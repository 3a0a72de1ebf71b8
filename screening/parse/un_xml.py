"""UN Security Council consolidated list, ``consolidated.xml``.

Root ``<CONSOLIDATED_LIST dateGenerated=...>`` holding ``<INDIVIDUALS><INDIVIDUAL>`` and
``<ENTITIES><ENTITY>`` records.  The key is REFERENCE_NUMBER (``QDi.001``, ``KPe.004``...),
which other lists (EU, UK) cite; DATAID is the UN database id, kept in ``extra``.

Quirks handled here (all seen in real downloads):

* quote style and indentation vary between downloads (2024-11-30 is pretty-printed with
  single-quoted attributes), so the file is always read as XML, never as text;
* empty placeholders (``<INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>``,
  ``<INDIVIDUAL_DOCUMENT/>``) are skipped, they carry no data;
* dates sometimes carry a time-zone suffix (``1960-01-01-05:00``);
* a date of birth may exist only as a NOTE ("Nov. 1973", "30-35 years old");
* alias QUALITY is Good/Low for individuals and a.k.a./f.k.a. for entities.
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from ..countries import to_country_code
from .dates import birth_date, parse_iso_date, plausible_year
from .model import Address, Entry, Identifier, Name, Nationality, ParseIssue, ParseResult
from .results import add_first_of_id, set_version
from ..scripts import name_script, original_script
from .xmlsafe import read_publisher_xml, text_of, texts_of

NAME = "un_xml"
FILE = "consolidated.xml"
ROOT = "CONSOLIDATED_LIST"
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")

# Alias QUALITY -> Name.kind.  "Low" is the UN's own "low quality alias" (weak).
_ALIAS_KINDS = {"good": "aka", "a.k.a.": "aka", "low": "weak", "f.k.a.": "fka"}
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_MONTH_YEAR = re.compile(r"^([a-z]{3})[a-z]*\.?\s+(\d{4})$", re.I)
_MONTH_ONLY = re.compile(r"^([a-z]{3})[a-z]*\.?$", re.I)
_YEAR = re.compile(r"\b(\d{4})\b")


def detect(snapshot: Path) -> bool:
    # OFAC also publishes a consolidated.xml: look at the root element, not only the name.
    path = snapshot / FILE
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return f"<{ROOT}".encode() in handle.read(4096)


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Read ``consolidated.xml``: one entry per INDIVIDUAL and per ENTITY."""
    path = snapshot / FILE
    root = read_publisher_xml(path, ROOT, "UN Security Council consolidated list")
    result = ParseResult(source=source, version=label, published=None, files=[path])
    generated = root.get("dateGenerated") or ""
    set_version(result, parse_iso_date(generated), FILE, ROOT, "dateGenerated", generated)
    seen: dict[str, str] = {}
    for group, tag, entity_type in (("INDIVIDUALS", "INDIVIDUAL", "person"), ("ENTITIES", "ENTITY", "organization")):
        for index, elem in enumerate(root.iterfind(f"{group}/{tag}"), start=1):
            result.records_read += 1
            entry = _entry(elem, entity_type, f"{group}/{tag}[{index}]", result)
            add_first_of_id(result, entry, seen, "REFERENCE_NUMBER", "reference number")
    return result


def _entry(elem: Element, entity_type: str, location: str, result: ParseResult) -> Entry | None:
    ref = text_of(elem.find("REFERENCE_NUMBER"))
    primary = " ".join(filter(None, (text_of(elem.find(p)) for p in NAME_PARTS)))
    if not ref:
        result.issues.append(ParseIssue(FILE, location, "REFERENCE_NUMBER", primary or None,
                                        "no reference number", rejected=True))
        return None
    if not primary:
        result.issues.append(ParseIssue(FILE, location, "FIRST_NAME", ref, "no name", rejected=True))
        return None
    entry = Entry(source_id=ref, entity_type=entity_type, file=FILE, location=location,
                  names=[Name(primary, "primary", script=name_script(primary))],
                  programs=[p for p in [text_of(elem.find("UN_LIST_TYPE"))] if p],
                  remarks=text_of(elem.find("COMMENTS1")))
    entry.identifiers.append(Identifier("un_reference", ref, note="UN reference number"))
    _listing_facts(elem, entry, location, result)
    original = text_of(elem.find("NAME_ORIGINAL_SCRIPT"))
    if original:
        entry.names.append(Name(original, "original_script", script=original_script(original)))
    alias_tag = "INDIVIDUAL_ALIAS" if entity_type == "person" else "ENTITY_ALIAS"
    for i, alias in enumerate(elem.iterfind(alias_tag), start=1):
        _alias(alias, f"{location}/{alias_tag}[{i}]", entry, result)
    address_tag = "INDIVIDUAL_ADDRESS" if entity_type == "person" else "ENTITY_ADDRESS"
    for i, addr in enumerate(elem.iterfind(address_tag), start=1):
        address = _address(addr, f"{location}/{address_tag}[{i}]")
        if address:
            entry.addresses.append(address)
    for value in elem.iterfind("NATIONALITY/VALUE"):
        country = text_of(value)
        if country:
            entry.nationalities.append(Nationality(to_country_code(country), country, "nationality"))
    for i, dob in enumerate(elem.iterfind("INDIVIDUAL_DATE_OF_BIRTH"), start=1):
        _birth_date(dob, f"{location}/INDIVIDUAL_DATE_OF_BIRTH[{i}]", entry, result)
    for pob in elem.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        place = _joined(pob, ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY", "NOTE"))
        if place:
            entry.birth_places.append(place)
    for i, doc in enumerate(elem.iterfind("INDIVIDUAL_DOCUMENT"), start=1):
        _document(doc, f"{location}/INDIVIDUAL_DOCUMENT[{i}]", entry, result)
    return entry


def _listing_facts(elem: Element, entry: Entry, location: str, result: ParseResult) -> None:
    """LISTED_ON and the list facts worth keeping: DATAID, titles, designations, gender."""
    listed = text_of(elem.find("LISTED_ON"))
    entry.listed_on = parse_iso_date(listed)
    if listed and entry.listed_on is None:
        result.issues.append(ParseIssue(FILE, location, "LISTED_ON", listed, "not a YYYY-MM-DD date"))
    facts = {
        "dataid": text_of(elem.find("DATAID")),
        "title": _values(elem, "TITLE/VALUE"),
        "designation": _values(elem, "DESIGNATION/VALUE"),
        "gender": text_of(elem.find("GENDER")),
        "list_type": _values(elem, "LIST_TYPE/VALUE"),
    }
    updates = [d for d in (parse_iso_date(text_of(v)) for v in elem.iterfind("LAST_DAY_UPDATED/VALUE")) if d]
    if updates:
        facts["last_updated"] = max(updates).isoformat()
    entry.extra.update({k: v for k, v in facts.items() if v})


def _alias(alias: Element, location: str, entry: Entry, result: ParseResult) -> None:
    name = text_of(alias.find("ALIAS_NAME"))
    quality = text_of(alias.find("QUALITY"))
    if not name:
        if quality:
            result.issues.append(ParseIssue(FILE, location, "ALIAS_NAME", quality, "alias without a name"))
        return
    kind = _ALIAS_KINDS.get((quality or "").lower(), "aka")
    if quality and quality.lower() not in _ALIAS_KINDS:
        result.issues.append(ParseIssue(FILE, location, "QUALITY", quality, "unknown alias quality; read as a.k.a."))
    entry.names.append(Name(name, kind, script=name_script(name),
                            quality=quality.lower() if quality else None, location=location))
    # An alias may come with the date and place of birth used under that name.
    dob = text_of(alias.find("DATE_OF_BIRTH"))
    if dob:
        born = parse_iso_date(dob)
        if born:
            entry.birth_dates.append(birth_date(dob, born.year, born.month, born.day, location=location))
        elif dob.isdigit() and plausible_year(int(dob)):
            entry.birth_dates.append(birth_date(dob, int(dob), location=location))
        else:
            result.issues.append(ParseIssue(FILE, location, "DATE_OF_BIRTH", dob, "neither YYYY-MM-DD nor a year"))
    place = _joined(alias, ("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"))
    if place and place not in entry.birth_places:
        entry.birth_places.append(place)


def _address(addr: Element, location: str) -> Address | None:
    parts = {tag: text_of(addr.find(tag)) for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE")}
    if not any(parts.values()):
        return None
    country = parts["COUNTRY"]
    return Address(street=parts["STREET"], city=parts["CITY"], region=parts["STATE_PROVINCE"],
                   postcode=parts["ZIP_CODE"], country=country,
                   country_code=to_country_code(country) if country else None,
                   full=", ".join(v for v in parts.values() if v), location=location)


def _birth_date(dob: Element, location: str, entry: Entry, result: ParseResult) -> None:
    kind = (text_of(dob.find("TYPE_OF_DATE")) or "").upper()
    full = text_of(dob.find("DATE"))
    years = {tag: text_of(dob.find(tag)) for tag in ("YEAR", "FROM_YEAR", "TO_YEAR")}
    for tag, text in years.items():
        if text and not text.isdigit():
            result.issues.append(ParseIssue(FILE, location, tag, text, "not a year"))
    year, year_from, year_to = (_int(years[t]) for t in ("YEAR", "FROM_YEAR", "TO_YEAR"))
    note = text_of(dob.find("NOTE"))
    if not (full or year or year_from or year_to or note):
        return  # empty placeholder
    prefix = "approximately " if kind == "APPROXIMATELY" else ""
    suffix = f" ({note})" if note else ""
    if full:
        born = parse_iso_date(full)
        if born is None:
            result.issues.append(ParseIssue(FILE, location, "DATE", full, "not a YYYY-MM-DD date"))
            return
        entry.birth_dates.append(birth_date(f"{prefix}{full[:10]}{suffix}", born.year, born.month, born.day,
                                            location=location))
    elif year_from or year_to:
        low, high = year_from or year_to, year_to or year_from
        entry.birth_dates.append(birth_date(f"{prefix}{low}-{high}{suffix}", low, year_to=high, location=location))
    elif year:
        month = _month_only(note)
        entry.birth_dates.append(birth_date(f"{prefix}{year}{suffix}", year, month, location=location))
    else:
        _birth_date_from_note(note or "", prefix, location, entry, result)


def _birth_date_from_note(note: str, prefix: str, location: str, entry: Entry, result: ParseResult) -> None:
    """A date given only as words: "Nov. 1973" (month), "Between Aug. and Sep. 1977" (year)."""
    match = _MONTH_YEAR.match(note)
    if match and match.group(1).lower() in _MONTHS:
        entry.birth_dates.append(birth_date(f"{prefix}{note}", int(match.group(2)), _MONTHS[match.group(1).lower()],
                                            location=location))
        return
    years = {int(y) for y in _YEAR.findall(note) if plausible_year(int(y))}
    if len(years) == 1:
        entry.birth_dates.append(birth_date(f"{prefix}{note}", years.pop(), location=location))
        return
    # "30-35 years old", "24/06/1402 (Hijri Calendar)": no Gregorian year to compare on.
    result.issues.append(ParseIssue(FILE, location, "NOTE", note,
                                    "date of birth given only in words; kept in extra['birth_date_notes']"))
    entry.extra["birth_date_notes"] = "; ".join(filter(None, (entry.extra.get("birth_date_notes"), note)))


def _document(doc: Element, location: str, entry: Entry, result: ParseResult) -> None:
    fields = {tag: text_of(doc.find(tag)) for tag in
              ("TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2", "NUMBER", "ISSUING_COUNTRY", "COUNTRY_OF_ISSUE",
               "CITY_OF_ISSUE", "DATE_OF_ISSUE", "NOTE")}
    if not any(fields.values()):
        return  # empty placeholder
    label = " ".join((fields["TYPE_OF_DOCUMENT"] or "").split())
    details = "; ".join(filter(None, (label, fields["TYPE_OF_DOCUMENT2"],
                                      f"issued {fields['DATE_OF_ISSUE']}" if fields["DATE_OF_ISSUE"] else None,
                                      fields["CITY_OF_ISSUE"], fields["NOTE"])))
    if not fields["NUMBER"]:
        # The number, if any, is inside free text ("Tunisian passport number L 191609 ...").
        result.issues.append(ParseIssue(FILE, location, "NUMBER", details[:200],
                                        "document without NUMBER; details kept in extra['documents']"))
        entry.extra["documents"] = "; ".join(filter(None, (entry.extra.get("documents"), details)))
        return
    country = fields["ISSUING_COUNTRY"] or fields["COUNTRY_OF_ISSUE"]
    entry.identifiers.append(Identifier(_document_type(label, fields["TYPE_OF_DOCUMENT2"]), fields["NUMBER"],
                                        country_code=to_country_code(country) if country else None,
                                        note=details or None, location=location))


def _document_type(label: str, label2: str | None) -> str:
    text = f"{label} {label2 or ''}".lower()
    if "pass" in text or "pasaporte" in text:
        return "passport"
    if "national" in text or "identi" in text or "tazkira" in text:
        return "national_id"
    return "other"


def _month_only(note: str | None) -> int | None:
    """"Sep." next to a YEAR says the month."""
    match = _MONTH_ONLY.match(note or "")
    return _MONTHS.get(match.group(1).lower()) if match else None


def _values(elem: Element, path: str) -> str | None:
    return "; ".join(texts_of(elem, path)) or None


def _joined(elem: Element, tags: tuple[str, ...]) -> str | None:
    return ", ".join(v for v in (text_of(elem.find(t)) for t in tags) if v) or None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None
