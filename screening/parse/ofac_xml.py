"""OFAC XML (sdn.xml / consolidated.xml): root ``{http://tempuri.org/sdnList.xsd}sdnList``.

``<publshInformation>`` (sic) holds ``Publish_Date`` (MM/DD/YYYY) and ``Record_Count``;
then one ``<sdnEntry>`` per entry: uid (OFAC's ent_num), firstName/lastName, title,
sdnType, remarks, programList, idList, akaList (category strong|weak), addressList,
nationalityList, citizenshipList, dateOfBirthList, placeOfBirthList, vesselInfo.

What the CSV files put in Remarks is structured here, with the same labels
(``idType`` "Passport", "Registration ID", "Former Vessel Flag"...), so the labels go
through :func:`screening.parse.ofac_remarks.add_labelled` like the CSV remarks do.
"""
from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from ..countries import to_country_code
from .dates import parse_mdy
from .model import Address, Entry, Identifier, Name, ParseIssue, ParseResult, SourceFormatError
from .ofac_remarks import WEAK, RemarkFacts, add_labelled, alias_kind, merge_facts, parse_remarks
from .results import add_first_of_id, add_flag, set_version
from ..scripts import name_script
from .xmlsafe import find_marked_file, local_name, namespace, read_publisher_xml, text_of

NAME = "ofac_xml"
ROOT = "sdnList"
KNOWN_FILES = ("sdn.xml", "consolidated.xml", "cons.xml")
ENTITY_TYPES = {"individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft"}
ALIAS_KINDS = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "aka"}


def detect(snapshot: Path) -> bool:
    return find_file(snapshot) is not None


def find_file(snapshot: Path) -> Path | None:
    """The OFAC XML file of the folder: a known name first, else the file whose root is <sdnList>."""
    # By name first: an error page saved as sdn.xml is still the file to report on.
    named = sorted(p for p in snapshot.iterdir() if p.is_file() and p.name.lower() in KNOWN_FILES)
    return named[0] if named else find_marked_file(snapshot, f"<{ROOT}".encode(), suffix=None)


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Parse the OFAC XML file of a snapshot; the version is its Publish_Date."""
    path = find_file(snapshot)
    if path is None:
        raise SourceFormatError(f"{snapshot.name}: no OFAC XML file (sdn.xml or consolidated.xml)")
    root = read_publisher_xml(path, ROOT, "OFAC XML")
    ns = namespace(root.tag)
    result = ParseResult(source=source, version=label, published=None, files=[path])
    text = text_of(root.find(f"{ns}publshInformation/{ns}Publish_Date"))
    set_version(result, parse_mdy(text), path.name, "publshInformation/Publish_Date", "Publish_Date", text,
                "no MM/DD/YYYY publication date")
    seen: dict[str, str] = {}
    for index, elem in enumerate(root.iter(f"{ns}sdnEntry"), start=1):
        result.records_read += 1
        add_first_of_id(result, _entry(elem, ns, path.name, f"sdnEntry[{index}]", result), seen, "uid")
    _check_record_count(root, ns, path.name, result)
    return result


def _check_record_count(root: Element, ns: str, file: str, result: ParseResult) -> None:
    stated = text_of(root.find(f"{ns}publshInformation/{ns}Record_Count"))
    if stated and stated.isdigit() and int(stated) != result.records_read:
        result.issues.append(ParseIssue(file, "publshInformation/Record_Count", "Record_Count", stated,
                                        f"file says {stated} entries but holds {result.records_read} sdnEntry"))


def _entry(elem: Element, ns: str, file: str, where: str, result: ParseResult) -> Entry | None:
    def t(parent: Element, tag: str) -> str | None:
        return text_of(parent.find(f"{ns}{tag}"))

    uid, last = t(elem, "uid"), t(elem, "lastName")
    if not uid or not last:
        missing = "uid" if not uid else "lastName"
        result.issues.append(ParseIssue(file, where, missing, None, f"sdnEntry without {missing}", rejected=True))
        return None
    sdn_type = t(elem, "sdnType") or ""
    entity_type = ENTITY_TYPES.get(sdn_type.lower())
    if entity_type is None:
        result.issues.append(ParseIssue(file, where, "sdnType", sdn_type, "unknown sdnType; entity type unknown"))
        entity_type = "unknown"
    primary = full_name(last, t(elem, "firstName"))
    entry = Entry(source_id=uid, entity_type=entity_type, file=file, location=where,
                  names=[Name(primary, "primary", script=name_script(primary))],
                  programs=[p for p in (text_of(x) for x in elem.iter(f"{ns}program")) if p],
                  remarks=t(elem, "remarks"))
    if t(elem, "title"):
        entry.extra["title"] = t(elem, "title")
    facts = RemarkFacts()
    _akas(elem, ns, where, entry, facts)
    _ids(elem, ns, where, facts)
    _people_facts(elem, ns, where, facts)
    merge_facts(entry, facts)
    _addresses(elem, ns, where, entry)
    _vessel(elem, ns, entry, result)
    # Leftovers such as "(Linked To: X)" stay in <remarks>: read them like CSV Remarks.
    remark_facts = parse_remarks(entry.remarks, where)
    merge_facts(entry, remark_facts)
    for field_name, value, problem in facts.problems + remark_facts.problems:
        result.issues.append(ParseIssue(file, where, field_name, value, problem))
    return entry


def full_name(last: str, first: str | None) -> str:
    """OFAC's own written form: 'LAST, First' for people, the name alone for the rest."""
    return f"{last}, {first}" if first else last


def _akas(elem: Element, ns: str, where: str, entry: Entry, facts: RemarkFacts) -> None:
    # Added as published, like alt.csv rows: an f.k.a. equal to today's name is a fact too.
    for index, aka in enumerate(elem.iter(f"{ns}aka"), start=1):
        last, first = text_of(aka.find(f"{ns}lastName")), text_of(aka.find(f"{ns}firstName"))
        if not last and not first:
            facts.problems.append(("aka", None, f"empty alias at {where}/akaList/aka[{index}]"))
            continue
        name = full_name(last, first) if last else first
        category = (text_of(aka.find(f"{ns}category")) or "").lower()
        kind = alias_kind(ALIAS_KINDS.get((text_of(aka.find(f"{ns}type")) or "").lower(), "aka"),
                          category == WEAK, entry.entity_type)
        entry.names.append(Name(name, kind, script=name_script(name), quality=category or None,
                                location=f"{where}/akaList/aka[{index}]"))


def _ids(elem: Element, ns: str, where: str, facts: RemarkFacts) -> None:
    for index, item in enumerate(elem.iter(f"{ns}id"), start=1):
        label, number = text_of(item.find(f"{ns}idType")), text_of(item.find(f"{ns}idNumber"))
        if not label or not number:
            facts.problems.append(("id", number or label, f"id without type or number at {where}/idList/id[{index}]"))
            continue
        dates = [f"{word} {value}" for word, value in (("issued", text_of(item.find(f"{ns}issueDate"))),
                                                          ("expires", text_of(item.find(f"{ns}expirationDate"))))
                 if value]
        country = text_of(item.find(f"{ns}idCountry"))
        add_labelled(facts, label, number, country, " ".join(dates) or None, location=f"{where}/idList/id[{index}]")


def _people_facts(elem: Element, ns: str, where: str, facts: RemarkFacts) -> None:
    for label, list_tag, item_tag in (("DOB", "dateOfBirthList", "dateOfBirth"),
                                      ("POB", "placeOfBirthList", "placeOfBirth"),
                                      ("nationality", "nationalityList", "country"),
                                      ("citizen", "citizenshipList", "country")):
        for index, value in enumerate((text_of(x) for x in elem.iterfind(f"{ns}{list_tag}/*/{ns}{item_tag}")), 1):
            if value:
                add_labelled(facts, label, value, location=f"{where}/{list_tag}[{index}]")


def _addresses(elem: Element, ns: str, where: str, entry: Entry) -> None:
    for index, item in enumerate(elem.iter(f"{ns}address"), start=1):
        part = {local_name(child.tag): text_of(child) for child in item}
        street = ", ".join(p for p in (part.get("address1"), part.get("address2"), part.get("address3")) if p) or None
        city, region, postcode, country = (part.get("city"), part.get("stateOrProvince"), part.get("postalCode"),
                                           part.get("country"))
        if not any((street, city, region, postcode, country)):
            continue
        full = ", ".join(p for p in (street, city, region, postcode, country) if p)
        entry.addresses.append(Address(street=street, city=city, region=region, postcode=postcode, country=country,
                                       country_code=to_country_code(country) if country else None, full=full,
                                       location=f"{where}/addressList/address[{index}]"))


def _vessel(elem: Element, ns: str, entry: Entry, result: ParseResult) -> None:
    info = elem.find(f"{ns}vesselInfo")
    if info is None:
        return
    part = {local_name(child.tag): text_of(child) for child in info}
    if part.get("callSign"):
        entry.identifiers.append(Identifier("call_sign", part["callSign"], note="callSign"))
    for key, tag in (("vessel_type", "vesselType"), ("vessel_flag", "vesselFlag"), ("vessel_owner", "vesselOwner"),
                     ("tonnage", "tonnage"), ("gross_registered_tonnage", "grossRegisteredTonnage")):
        if part.get(tag):
            entry.extra[key] = part[tag]
    if part.get("vesselFlag") and to_country_code(part["vesselFlag"]):
        entry.extra["vessel_flag_code"] = to_country_code(part["vesselFlag"])
    add_flag(entry, part.get("vesselFlag"), result.issues, field="vesselFlag")
