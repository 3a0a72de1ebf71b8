"""UK Sanctions List (FCDO), XML: root ``<Designations>``, one ``<Designation>`` per designation.

The key is UniqueID (regime prefix + 4 digits: AFG0001, RUS0001, DPR0075).  OFSIGroupID
links the designation to OFSI's consolidated list and is kept in ``extra['ofsi_group_id']``;
UNReferenceNumber becomes an ``un_reference`` identifier.

Quirks handled here (seen in the real file):

* NameType casing varies ("Primary Name", "Primary name", "Primary name variation"),
  so it is compared case-insensitively;
* name parts and numbers carry stray spaces (``<Name6> ABDUL ZAHIR</Name6>``,
  ``<PassportNumber> D0009720</PassportNumber>``): values are stripped, nothing else;
* dates of birth hide unknown parts as ``dd``/``mm`` ("dd/mm/1968", "dd/09/1958") or give a
  bare year; the same DOB can be listed twice;
* root attributes differ between releases; the publication date is ``<DateGenerated>``
  (dd/mm/yyyy), or the ``dateGenerated`` attribute when only that is present.
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

import pycountry

from ..countries import to_country_code
from .dates import birth_date, parse_dmy, parse_iso_date, plausible_year
from .model import (Address, BirthDate, Entry, Identifier, Name, Nationality, ParseIssue, ParseResult,
                    SourceFormatError)
from .results import add_first_of_id, add_flag, set_version
from ..scripts import name_script, original_script
from .xmlsafe import find_marked_file, read_publisher_xml, text_of, texts_of

NAME = "uk_fcdo_xml"
ROOT = "Designations"
WHAT = "FCDO UK Sanctions List XML"
_MARKER = b"<Designations"
_ENTITY_TYPES = {"individual": "person", "entity": "organization", "ship": "vessel"}
_NAME_KINDS = {"primary name": "primary", "primary name variation": "aka", "alias": "aka"}
_STRENGTHS = {"good quality a.k.a": "good", "low quality a.k.a": "low"}
_DOB_PART = re.compile(r"^(\d{1,2}|dd|mm|00)$", re.I)


def detect(snapshot: Path) -> bool:
    return find_marked_file(snapshot, _MARKER, suffix=None) is not None


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Read the snapshot's UK Sanctions List XML: one entry per <Designation>."""
    path = find_marked_file(snapshot, _MARKER)
    if path is None:
        raise SourceFormatError(f"{snapshot.name}: no {WHAT} file (root <{ROOT}>) in the folder")
    file = path.name
    root = read_publisher_xml(path, ROOT, WHAT)
    result = ParseResult(source=source, version=label, published=None, files=[path])
    generated = text_of(root.find("DateGenerated")) or root.get("dateGenerated") or ""
    set_version(result, parse_dmy(generated) or parse_iso_date(generated), file, ROOT, "DateGenerated", generated)
    seen: dict[str, str] = {}
    for index, elem in enumerate(root.iterfind("Designation"), start=1):
        result.records_read += 1
        add_first_of_id(result, _entry(elem, file, f"Designation[{index}]", result), seen, "UniqueID")
    return result


def _entry(elem: Element, file: str, location: str, result: ParseResult) -> Entry | None:
    unique_id = text_of(elem.find("UniqueID"))
    if not unique_id:
        result.issues.append(ParseIssue(file, location, "UniqueID", None, "no UniqueID", rejected=True))
        return None
    kind = text_of(elem.find("IndividualEntityShip")) or ""
    entity_type = _ENTITY_TYPES.get(kind.lower(), "unknown")
    if entity_type == "unknown":
        result.issues.append(ParseIssue(file, location, "IndividualEntityShip", kind,
                                        "not Individual, Entity or Ship; entity type unknown"))
    entry = Entry(source_id=unique_id, entity_type=entity_type, file=file, location=location,
                  programs=texts_of(elem, "RegimeName"), remarks=text_of(elem.find("OtherInformation")))
    _names(elem, file, location, entry, result)
    if not entry.names:
        result.issues.append(ParseIssue(file, location, "Names", unique_id, "no name", rejected=True))
        return None
    _designation_facts(elem, file, location, entry, result)
    for i, addr in enumerate(elem.iterfind("Addresses/Address"), start=1):
        address = _address(addr, f"{location}/Addresses/Address[{i}]")
        if address:
            entry.addresses.append(address)
    for path, id_type in (("PhoneNumbers/PhoneNumber", "phone"), ("EmailAddresses/EmailAddress", "email"),
                          ("Websites/Website", "website")):
        entry.identifiers.extend(Identifier(id_type, value) for value in texts_of(elem, path))
    for person in elem.iterfind("IndividualDetails/Individual"):
        _individual(person, file, location, entry, result)
    for company in elem.iterfind("EntityDetails/Entity"):
        _company(company, entry)
    for ship in elem.iterfind("ShipDetails/Ship"):
        _ship(ship, entry)
    return entry


def _names(elem: Element, file: str, location: str, entry: Entry, result: ParseResult) -> None:
    for i, name_elem in enumerate(elem.iterfind("Names/Name"), start=1):
        where = f"{location}/Names/Name[{i}]"
        # Name6 is the surname (or the whole name of an entity or ship): it comes last.
        name = " ".join(filter(None, (text_of(name_elem.find(f"Name{n}")) for n in (1, 2, 3, 4, 5, 6))))
        name_type = text_of(name_elem.find("NameType")) or ""
        if not name:
            result.issues.append(ParseIssue(file, where, "Name6", name_type, "name without any Name1..Name6 part"))
            continue
        kind = _NAME_KINDS.get(name_type.lower())
        if kind is None:
            result.issues.append(ParseIssue(file, where, "NameType", name_type, "unknown name type; read as alias"))
            kind = "aka"
        if kind == "primary" and any(n.kind == "primary" for n in entry.names):
            result.issues.append(ParseIssue(file, where, "NameType", name, "second primary name; kept as a.k.a."))
            kind = "aka"
        strength = text_of(name_elem.find("AliasStrength"))
        quality = _STRENGTHS.get(strength.lower(), strength.lower()) if strength else None
        if quality == "low":
            kind = "weak"
        entry.names.append(Name(name, kind, script=name_script(name), quality=quality, location=where))
    if entry.names and not any(n.kind == "primary" for n in entry.names):
        result.issues.append(ParseIssue(file, location, "NameType", entry.names[0].name,
                                        "no primary name; the first name stands for it"))
    for i, non_latin in enumerate(elem.iterfind("NonLatinNames/NonLatinName"), start=1):
        name = text_of(non_latin.find("NameNonLatinScript"))
        if not name:
            continue
        script = original_script(name, text_of(non_latin.find("NonLatinScriptType")))
        entry.names.append(Name(name, "original_script", script=script,
                                lang=_language(text_of(non_latin.find("NonLatinScriptLanguage"))),
                                location=f"{location}/NonLatinNames/NonLatinName[{i}]"))


def _designation_facts(elem: Element, file: str, location: str, entry: Entry, result: ParseResult) -> None:
    """Dates, the OFSI and UN references, and the facts worth keeping in ``extra``."""
    for tag in ("DateDesignated", "LastUpdated"):
        text = text_of(elem.find(tag))
        if text and parse_dmy(text) is None:
            result.issues.append(ParseIssue(file, location, tag, text, "not a dd/mm/yyyy date"))
    entry.listed_on = parse_dmy(text_of(elem.find("DateDesignated")))
    entry.identifiers.append(Identifier("uk_sanctions_list_ref", entry.source_id, note="UK Sanctions List UniqueID"))
    un_ref = text_of(elem.find("UNReferenceNumber"))
    if un_ref:
        entry.identifiers.append(Identifier("un_reference", un_ref, note="UNReferenceNumber"))
    updated = parse_dmy(text_of(elem.find("LastUpdated")))
    facts = {
        "ofsi_group_id": text_of(elem.find("OFSIGroupID")),
        "designation_source": text_of(elem.find("DesignationSource")),
        "sanctions_imposed": text_of(elem.find("SanctionsImposed")),
        "statement_of_reasons": text_of(elem.find("UKStatementofReasons")),
        "title": "; ".join(texts_of(elem, "Titles/Title")) or None,
        "last_updated": updated.isoformat() if updated else None,
    }
    entry.extra.update({k: v for k, v in facts.items() if v})


def _address(addr: Element, location: str) -> Address | None:
    lines = [text_of(addr.find(f"AddressLine{n}")) for n in range(1, 7)]
    postcode = text_of(addr.find("AddressPostalCode"))
    country = text_of(addr.find("AddressCountry"))
    if not any(lines) and not postcode and not country:
        return None
    return Address(street=", ".join(filter(None, lines[:5])) or None, city=lines[5], postcode=postcode,
                   country=country, country_code=to_country_code(country) if country else None,
                   full=", ".join(filter(None, [*lines, postcode, country])), location=location)


def _individual(person: Element, file: str, location: str, entry: Entry, result: ParseResult) -> None:
    where = f"{location}/IndividualDetails/Individual"
    seen: set[str] = set()
    for text in texts_of(person, "DOBs/DOB"):
        if text in seen:  # the same DOB is sometimes listed twice
            continue
        seen.add(text)
        born = _dob(text, where)
        if born is None:
            result.issues.append(ParseIssue(file, f"{where}/DOBs", "DOB", text, "not a dd/mm/yyyy date (dd, mm for unknown parts)"))
        else:
            entry.birth_dates.append(born)
    for country in texts_of(person, "Nationalities/Nationality"):
        entry.nationalities.append(Nationality(to_country_code(country), country, "nationality"))
    for i, passport in enumerate(person.iterfind("PassportDetails/Passport"), start=1):
        _document(passport, "Passport", "passport", f"{where}/PassportDetails/Passport[{i}]", file, entry, result)
    for i, ident in enumerate(person.iterfind("NationalIdentifierDetails/NationalIdentifier"), start=1):
        _document(ident, "NationalIdentifier", "national_id",
                  f"{where}/NationalIdentifierDetails/NationalIdentifier[{i}]", file, entry, result)
    for place in person.iterfind("BirthDetails/Location"):
        text = ", ".join(filter(None, (text_of(child) for child in place)))
        if text and text not in entry.birth_places:
            entry.birth_places.append(text)
    facts = {"gender": "; ".join(texts_of(person, "Genders/Gender")),
             "positions": "; ".join(texts_of(person, "Positions/Position"))}
    entry.extra.update({k: v for k, v in facts.items() if v})


def _document(elem: Element, prefix: str, id_type: str, location: str, file: str, entry: Entry,
              result: ParseResult) -> None:
    number = text_of(elem.find(f"{prefix}Number"))
    note = text_of(elem.find(f"{prefix}AdditionalInformation"))
    if not number:
        if note:
            result.issues.append(ParseIssue(file, location, f"{prefix}Number", note[:200],
                                            "document without a number; details kept in extra['documents']"))
            entry.extra["documents"] = "; ".join(filter(None, (entry.extra.get("documents"), note)))
        return
    entry.identifiers.append(Identifier(id_type, number, note=note, location=location))


def _company(company: Element, entry: Entry) -> None:
    for number in texts_of(company, "BusinessRegistrationNumbers/BusinessRegistrationNumber"):
        entry.identifiers.append(Identifier("registration", number, note="BusinessRegistrationNumber"))
    facts = {"type_of_entity": texts_of(company, "TypeOfEntities/TypeOfEntity"),
             "parent_companies": texts_of(company, "ParentCompanies/ParentCompany"),
             "subsidiaries": texts_of(company, "Subsidiaries/Subsidiary")}
    entry.extra.update({k: "; ".join(v) for k, v in facts.items() if v})


def _ship(ship: Element, entry: Entry) -> None:
    for number in texts_of(ship, "IMONumbers/IMONumber"):
        entry.identifiers.append(Identifier("imo", number, note="IMONumber"))
    facts = {"flag": texts_of(ship, "CurrentBelievedFlagOfShips/CurrentBelievedFlagOfShip"),
             "previous_flags": texts_of(ship, "PreviousFlags/PreviousFlag"),
             "owner_operators": texts_of(ship, "CurrentOwnerOperators/CurrentOwnerOperator"),
             "type_of_ship": texts_of(ship, "TypeOfShipDetails/TypeOfShip"),
             "tonnage": texts_of(ship, "TonnageOfShipDetails/TonnageOfShip"),
             "length": texts_of(ship, "LengthOfShipDetails/LengthOfShip"),
             "year_built": texts_of(ship, "YearsBuilt/YearBuilt")}
    entry.extra.update({k: "; ".join(v) for k, v in facts.items() if v})
    for flag in facts["flag"]:
        add_flag(entry, flag)


def _dob(text: str, location: str) -> BirthDate | None:
    """"12/11/1967", "dd/mm/1968", "dd/09/1958", "09/1958" or "1985" to a BirthDate; None if none of these."""
    parts = text.split("/")
    year_text = parts[-1]
    if not (year_text.isdigit() and len(year_text) == 4 and plausible_year(int(year_text))):
        return None
    head = parts[:-1]
    if len(head) > 2 or not all(_DOB_PART.match(p) for p in head):
        return None
    numbers = [int(p) if p.isdigit() else 0 for p in head]
    day, month = ([0] * (2 - len(numbers)) + numbers)
    if not (0 <= month <= 12 and 0 <= day <= 31):
        return None
    return birth_date(text, int(year_text), month, day, location=location)


def _language(name: str | None) -> str | None:
    """"Russian" -> "ru"; the published text when pycountry does not know it."""
    if not name:
        return None
    language = pycountry.languages.get(name=name)
    return getattr(language, "alpha_2", None) or (language.alpha_3 if language else name)
