"""EU Financial Sanctions Files (FSF), XML 1.1.

Namespace ``http://eu.europa.ec/fpi/fsd/export`` on every element; root
``<export generationDate=...>`` then one ``<sanctionEntity>`` per listed subject.  The key
is the entity's ``logicalId``; ``euReferenceNumber`` (EU.n.n) is kept in ``extra`` and a
non-empty ``unitedNationId`` becomes an ``un_reference`` identifier.

Names: one ``nameAlias`` per name with ``wholeName`` and ``strong`` (``false`` = weak alias).
The format has no primary flag, so the first strong alias is taken as the primary name
(in real files it is not always the best-known one).  Element and attribute names follow
the publisher's XSD (20171012-FULL-schema-1_1.xsd).

A logicalId seen twice in one file is a broken file, not an update: the second record is
rejected with an issue rather than merged.
"""
from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from ..countries import to_country_code
from .dates import birth_date, parse_iso_date, plausible_year
from .model import (Address, BirthDate, Entry, Identifier, Name, Nationality, ParseIssue, ParseResult,
                    SourceFormatError)
from .results import add_first_of_id, set_version
from ..scripts import name_script
from .xmlsafe import find_marked_file, read_publisher_xml, texts_of

NAME = "eu_fsf_xml"
NS = "http://eu.europa.ec/fpi/fsd/export"
ROOT = "export"
WHAT = f"EU Financial Sanctions Files XML 1.1, namespace {NS}"
_MARKER = NS.encode()
_Q = f"{{{NS}}}"
_SUBJECT_TYPES = {"person": "person", "enterprise": "organization"}
# identificationTypeCode -> Identifier.id_type
_ID_TYPES = {"passport": "passport", "id": "national_id", "ssn": "national_id", "fiscalcode": "tax_id",
             "tin": "tax_id", "regnumber": "registration", "swiftbic": "swift_bic", "imo": "imo"}
_CONTACT_TYPES = {"PHONE": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website"}
_ID_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")


def detect(snapshot: Path) -> bool:
    return find_marked_file(snapshot, _MARKER, suffix=None) is not None


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Read the snapshot's FSF XML 1.1 file: one entry per <sanctionEntity>."""
    path = find_marked_file(snapshot, _MARKER)
    if path is None:
        raise SourceFormatError(f"{snapshot.name}: no {WHAT} file in the folder")
    file = path.name
    root = read_publisher_xml(path, ROOT, WHAT)
    if root.tag != f"{_Q}{ROOT}":
        raise SourceFormatError(f"{file}: root element <export> is not in namespace {NS} ({root.tag})")
    result = ParseResult(source=source, version=label, published=None, files=[path])
    generated = root.get("generationDate") or ""
    set_version(result, parse_iso_date(generated), file, ROOT, "generationDate", generated)
    if root.get("globalFileId"):
        result.notes.append(f"globalFileId {root.get('globalFileId')}")
    seen: dict[str, str] = {}
    for index, elem in enumerate(root.iterfind(f"{_Q}sanctionEntity"), start=1):
        result.records_read += 1
        add_first_of_id(result, _entry(elem, file, f"sanctionEntity[{index}]", result), seen, "logicalId")
    return result


def _entry(elem: Element, file: str, location: str, result: ParseResult) -> Entry | None:
    logical_id = _attr(elem, "logicalId")
    if not logical_id:
        result.issues.append(ParseIssue(file, location, "logicalId", None, "no logicalId", rejected=True))
        return None
    subject = elem.find(f"{_Q}subjectType")
    code = _attr(subject, "code") or ""
    entity_type = _SUBJECT_TYPES.get(code.lower(), "unknown")
    if entity_type == "unknown":
        result.issues.append(ParseIssue(file, location, "subjectType", code, "not person or enterprise; entity type unknown"))
    entry = Entry(source_id=logical_id, entity_type=entity_type, file=file, location=location)
    _names(elem, file, location, entry, result)
    if not entry.names:
        result.issues.append(ParseIssue(file, location, "nameAlias", logical_id, "no name", rejected=True))
        return None
    _entity_facts(elem, file, location, entry, result)
    for child in elem.iterfind(f"{_Q}citizenship"):
        country = _attr(child, "countryDescription") or _attr(child, "countryIso2Code")
        if country:
            entry.nationalities.append(Nationality(_country_code(child), country, "citizenship"))
    for i, child in enumerate(elem.iterfind(f"{_Q}birthdate"), start=1):
        _birth_date(child, f"{location}/birthdate[{i}]", file, entry, result)
    for i, child in enumerate(elem.iterfind(f"{_Q}address"), start=1):
        _address(child, f"{location}/address[{i}]", entry)
    for i, child in enumerate(elem.iterfind(f"{_Q}identification"), start=1):
        _identification(child, f"{location}/identification[{i}]", file, entry, result)
    return entry


def _names(elem: Element, file: str, location: str, entry: Entry, result: ParseResult) -> None:
    remarks: list[str] = []
    facts: dict[str, list[str]] = {"function": [], "title": [], "gender": []}
    for i, alias in enumerate(elem.iterfind(f"{_Q}nameAlias"), start=1):
        where = f"{location}/nameAlias[{i}]"
        name = _attr(alias, "wholeName") or " ".join(filter(None, (_attr(alias, a) for a in
                                                                  ("firstName", "middleName", "lastName"))))
        if not name:
            result.issues.append(ParseIssue(file, where, "wholeName", None, "name alias without a name"))
            continue
        strong = (_attr(alias, "strong") or "true").lower() != "false"
        if strong and not any(n.kind == "primary" for n in entry.names):
            kind = "primary"
        else:
            kind = "aka" if strong else "weak"
        language = _attr(alias, "nameLanguage")
        entry.names.append(Name(name, kind, script=name_script(name), quality="strong" if strong else "weak",
                                lang=language.lower() if language else None, location=where))
        remarks.extend(_texts(alias, "remark"))
        for key in facts:
            value = _attr(alias, key)
            if value and value not in facts[key]:
                facts[key].append(value)
    if entry.names and not any(n.kind == "primary" for n in entry.names):
        result.issues.append(ParseIssue(file, location, "nameAlias", entry.names[0].name,
                                        "every name is weak (strong=false); the first stands for the primary name"))
    entry.extra.update({k: "; ".join(v) for k, v in facts.items() if v})
    if remarks:
        entry.extra["name_remarks"] = " ".join(remarks)


def _entity_facts(elem: Element, file: str, location: str, entry: Entry, result: ParseResult) -> None:
    """Designation date, programme, EU and UN references, remarks."""
    designated = _attr(elem, "designationDate")
    entry.listed_on = parse_iso_date(designated)
    if designated and entry.listed_on is None:
        result.issues.append(ParseIssue(file, location, "designationDate", designated, "not a YYYY-MM-DD date"))
    for regulation in elem.iterfind(f"{_Q}regulation"):
        programme = _attr(regulation, "programme")
        if programme and programme not in entry.programs:
            entry.programs.append(programme)
    un_id = _attr(elem, "unitedNationId")
    if un_id:
        entry.identifiers.append(Identifier("un_reference", un_id, note="unitedNationId"))
    entry.remarks = " ".join(_texts(elem, "remark")) or None
    regulation = elem.find(f"{_Q}regulation")
    facts = {
        "eu_reference_number": _attr(elem, "euReferenceNumber"),
        "designation_details": _attr(elem, "designationDetails"),
        "regulation": _attr(regulation, "numberTitle"),
        "regulation_url": " ".join(_texts(regulation, "publicationUrl")) if regulation is not None else None,
    }
    entry.extra.update({k: v for k, v in facts.items() if v})


def _birth_date(elem: Element, location: str, file: str, entry: Entry, result: ParseResult) -> None:
    # "-" is the EU's way of writing "no city".
    place = ", ".join(v for v in (_attr(elem, a) for a in ("place", "city", "zipCode", "region")) if v and v != "-")
    country = _attr(elem, "countryDescription")
    if country and _country_code(elem):  # "UNKNOWN" (code 00) says nothing about the place
        place = ", ".join(filter(None, (place, country)))
    if place and place not in entry.birth_places:
        entry.birth_places.append(place)
    born = _date_of(elem, location)
    calendar = (_attr(elem, "calendarType") or "GREGORIAN").upper()
    if born is None:
        return
    if calendar != "GREGORIAN":
        # An ISLAMIC year 1380 is not a Gregorian year: comparing them would mislead.
        result.issues.append(ParseIssue(file, location, "calendarType", f"{calendar} {born.text}",
                                        "not a Gregorian date; kept in extra['birth_date_notes']"))
        entry.extra["birth_date_notes"] = "; ".join(filter(None, (entry.extra.get("birth_date_notes"),
                                                                  f"{born.text} ({calendar.lower()})")))
        return
    if born.year is None or not plausible_year(born.year):
        result.issues.append(ParseIssue(file, location, "birthdate", born.text, "no plausible year"))
        return
    entry.birth_dates.append(born)


def _date_of(elem: Element, location: str) -> BirthDate | None:
    """A birthdate element to a BirthDate (full date, year/month/day parts, or a year range)."""
    circa = (_attr(elem, "circa") or "").lower() == "true"
    prefix = "circa " if circa else ""
    full = parse_iso_date(_attr(elem, "birthdate"))
    year, month, day = (_int(_attr(elem, a)) for a in ("year", "monthOfYear", "dayOfMonth"))
    low, high = _int(_attr(elem, "yearRangeFrom")), _int(_attr(elem, "yearRangeTo"))
    if full:
        return birth_date(f"{prefix}{full.isoformat()}", full.year, full.month, full.day, location=location)
    if year:
        text = "-".join(f"{v:02d}" for v in (year, month, day) if v) if month else str(year)
        return birth_date(f"{prefix}{text}", year, month, day, location=location)
    if low or high:
        low, high = low or high, high or low
        return birth_date(f"{prefix}{low}-{high}", low, year_to=high, location=location)
    if month or day:
        return BirthDate(text=f"{prefix}{day or '?'}/{month or '?'}", precision="day" if day else "month",
                         month=month, day=day, location=location)
    return None


def _address(elem: Element, location: str, entry: Entry) -> None:
    parts = {a: _attr(elem, a) for a in ("street", "poBox", "zipCode", "city", "place", "region")}
    country = _attr(elem, "countryDescription")
    code = _country_code(elem)
    for info in elem.iterfind(f"{_Q}contactInfo"):
        key, value = (_attr(info, "key") or "").upper(), _attr(info, "value")
        if value:
            entry.identifiers.append(Identifier(_CONTACT_TYPES.get(key, "other"), value, note=key or None,
                                                location=location))
    if not any(parts.values()) and not code:
        return
    street = ", ".join(filter(None, (parts["street"], parts["poBox"]))) or None
    full = ", ".join(filter(None, (*parts.values(), country if code else None)))
    entry.addresses.append(Address(street=street, city=parts["city"] or parts["place"], region=parts["region"],
                                   postcode=parts["zipCode"], country=country if code else None,
                                   country_code=code, full=full or None, location=location))
    remark = " ".join(_texts(elem, "remark"))
    if remark:
        entry.extra["address_remarks"] = " ".join(filter(None, (entry.extra.get("address_remarks"), remark)))


def _identification(elem: Element, location: str, file: str, entry: Entry, result: ParseResult) -> None:
    number = _attr(elem, "number") or _attr(elem, "latinNumber")
    code = _attr(elem, "identificationTypeCode") or ""
    details = [_attr(elem, "identificationTypeDescription") or code]
    latin = _attr(elem, "latinNumber")
    details += [f"latin number {latin}" if latin and latin != number else None,
                f"issued by {_attr(elem, 'issuedBy')}" if _attr(elem, "issuedBy") else None,
                f"issued {_attr(elem, 'issueDate')}" if _attr(elem, "issueDate") else None,
                f"valid to {_attr(elem, 'validTo')}" if _attr(elem, "validTo") else None,
                f"name on document {_attr(elem, 'nameOnDocument')}" if _attr(elem, "nameOnDocument") else None]
    details += [flag for flag in _ID_FLAGS if (_attr(elem, flag) or "").lower() == "true"]
    details += _texts(elem, "remark")
    note = "; ".join(filter(None, details)) or None
    if not number:
        result.issues.append(ParseIssue(file, location, "number", note, "identification without a number"))
        return
    entry.identifiers.append(Identifier(_ID_TYPES.get(code.lower(), "other"), number,
                                        country_code=_country_code(elem), note=note, location=location))


def _country_code(elem: Element) -> str | None:
    """ISO code of an element's countryIso2Code ("00" = UNKNOWN -> None), else of its description."""
    code = _attr(elem, "countryIso2Code")
    if code:
        return to_country_code(code)
    description = _attr(elem, "countryDescription")
    return to_country_code(description) if description else None


def _attr(elem: Element | None, name: str) -> str | None:
    """Stripped attribute value; None when absent or "" (the EU writes empty attributes as "")."""
    if elem is None:
        return None
    value = (elem.get(name) or "").strip()
    return value or None


def _texts(elem: Element, tag: str) -> list[str]:
    return texts_of(elem, f"{_Q}{tag}")


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and int(text) > 0 else None
