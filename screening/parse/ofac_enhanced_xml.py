"""OFAC enhanced XML (Sanctions List Service): SDN_ENHANCED.ZIP / CONS_ENHANCED.ZIP.

The ZIP holds one XML file whose root is ``<sanctionsData>`` (namespace
``https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML``):

* ``publicationInfo/dataAsOf`` — the version;
* ``referenceValues`` — lookups (refId -> type, value, ISO code for countries);
* ``featureTypes`` — feature kinds with the label OFAC prints for them in the CSV
  Remarks (``publishDescription``: DOB, POB, nationality, citizen);
* ``entities/entity[@id]`` — id is OFAC's ent_num; names with translations (scripts),
  addresses with parts, features (dates of birth, places, nationalities, websites,
  SWIFT...), identityDocuments, relationships (the CSV "Linked To").
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import Element

from ..countries import to_country_code
from .dates import parse_iso_date
from .files import read_checked_bytes
from .model import Address, Entry, Name, ParseIssue, ParseResult, SourceFormatError
from .ofac_remarks import RemarkFacts, add_labelled, alias_kind, merge_facts, parse_remarks
from .results import add_first_of_id, set_version
from ..scripts import name_script, script_code
from .xmlsafe import check_root, namespace, read_xml, text_of, texts_of

NAME = "ofac_enhanced_xml"
ROOT = "sanctionsData"
ENTITY_TYPES = {"individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft"}
ALIAS_KINDS = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "aka"}
STREET_PARTS = ("ADDRESS1", "ADDRESS2", "ADDRESS3")


def detect(snapshot: Path) -> bool:
    return find_file(snapshot) is not None


def find_file(snapshot: Path) -> Path | None:
    """SDN_ENHANCED.ZIP / CONS_ENHANCED.ZIP (or the XML taken out of it), in any letter case."""
    found = sorted(p for p in snapshot.iterdir() if p.is_file() and "enhanced" in p.name.lower()
                   and p.suffix.lower() in (".zip", ".xml"))
    found.sort(key=lambda p: p.suffix.lower() != ".zip")  # the published ZIP first
    return found[0] if found else None


def parse(snapshot: Path, source: str, label: str) -> ParseResult:
    """Parse the enhanced XML of a snapshot; the version is its dataAsOf date."""
    path = find_file(snapshot)
    if path is None:
        raise SourceFormatError(f"{snapshot.name}: no OFAC enhanced XML (SDN_ENHANCED.ZIP or CONS_ENHANCED.ZIP)")
    member, data = _xml_bytes(path)
    root = read_xml(member, data=data)
    check_root(root, member, ROOT, "OFAC enhanced XML")
    ns = namespace(root.tag)
    file = path.name
    result = ParseResult(source=source, version=label, published=None, files=[path])
    if member != path.name:
        result.notes.append(f"read {member} from {path.name}")
    text = text_of(root.find(f"{ns}publicationInfo/{ns}dataAsOf"))
    set_version(result, parse_iso_date(text), file, "publicationInfo/dataAsOf", "dataAsOf", text)
    lookups = Lookups(root, ns)
    seen: dict[str, str] = {}
    for index, elem in enumerate(root.iterfind(f"{ns}entities/{ns}entity"), start=1):
        result.records_read += 1
        entry = _entry(elem, ns, file, f"entities/entity[{index}]", lookups, result)
        add_first_of_id(result, entry, seen, "id", "entity id")
    return result


def _xml_bytes(path: Path) -> tuple[str, bytes]:
    """(member name, XML bytes) of the ZIP, or of a bare XML file."""
    data = read_checked_bytes(path)
    if path.suffix.lower() == ".xml":
        return path.name, data
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if i.filename.lower().endswith(".xml")]
            if not members:
                names = ", ".join(archive.namelist()) or "nothing"
                raise SourceFormatError(f"{path.name}: no XML file in the ZIP (it holds {names})")
            return members[0].filename, archive.read(members[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        raise SourceFormatError(
            f"{path.name}: not a readable ZIP archive (truncated or corrupt download?): {exc}") from exc


class Lookups:
    """The file's own tables: country ISO codes by refId and the printed label of each feature type."""

    def __init__(self, root: Element, ns: str) -> None:
        self.iso: dict[str, str] = {}
        for value in root.iterfind(f"{ns}referenceValues/{ns}referenceValue"):
            code = text_of(value.find(f"{ns}isoCode"))
            if code and value.get("refId"):
                self.iso[value.get("refId")] = code
        self.feature_label: dict[str, str] = {}
        for feature in root.iterfind(f"{ns}featureTypes/{ns}featureType"):
            printed = text_of(feature.find(f"{ns}publishDescription")) or text_of(feature.find(f"{ns}type"))
            if printed and feature.get("featureTypeId"):
                self.feature_label[feature.get("featureTypeId")] = printed

    def country_code(self, elem: Element | None) -> str | None:
        """ISO code of a country element: its refId in referenceValues, else its text."""
        if elem is None:
            return None
        return self.iso.get(elem.get("refId", "")) or to_country_code(text_of(elem))


def _entry(elem: Element, ns: str, file: str, where: str, lookups: Lookups, result: ParseResult) -> Entry | None:
    ent_id = elem.get("id")
    type_text = text_of(elem.find(f"{ns}generalInfo/{ns}entityType")) or ""
    entity_type = ENTITY_TYPES.get(type_text.lower())
    names = _names(elem, ns, where, entity_type or "unknown")
    if not ent_id or not any(n.kind == "primary" for n in names):
        missing = "id" if not ent_id else "primary name"
        result.issues.append(ParseIssue(file, where, missing, ent_id, f"entity without {missing}", rejected=True))
        return None
    if entity_type is None:
        result.issues.append(ParseIssue(file, where, "entityType", type_text,
                                        "unknown entityType; entity type unknown"))
        entity_type = "unknown"
    entry = Entry(source_id=ent_id, entity_type=entity_type, file=file, location=where, names=names,
                  programs=texts_of(elem, f"{ns}sanctionsPrograms/*"),
                  remarks=text_of(elem.find(f"{ns}generalInfo/{ns}remarks")))
    for key, container in (("sanctions_lists", "sanctionsLists"), ("sanctions_types", "sanctionsTypes"),
                           ("legal_authorities", "legalAuthorities")):
        values = texts_of(elem, f"{ns}{container}/*")
        if values:
            entry.extra[key] = " | ".join(values)
    facts = RemarkFacts()
    _features(elem, ns, where, lookups, facts)
    _documents(elem, ns, where, lookups, facts)
    _relationships(elem, ns, facts, entry)
    remark_facts = parse_remarks(entry.remarks, where)
    merge_facts(entry, facts)
    merge_facts(entry, remark_facts)
    _addresses(elem, ns, where, lookups, entry)
    for field_name, value, problem in facts.problems + remark_facts.problems:
        result.issues.append(ParseIssue(file, where, field_name, value, problem))
    return entry


def _names(elem: Element, ns: str, where: str, entity_type: str) -> list[Name]:
    names: list[Name] = []
    for n_index, name in enumerate(elem.iterfind(f"{ns}names/{ns}name"), start=1):
        primary = text_of(name.find(f"{ns}isPrimary")) == "true"
        low = text_of(name.find(f"{ns}isLowQuality")) == "true"
        alias = (text_of(name.find(f"{ns}aliasType")) or "").lower()
        kind = "primary" if primary else alias_kind(ALIAS_KINDS.get(alias, "aka"), low, entity_type)
        for t_index, tr in enumerate(name.iterfind(f"{ns}translations/{ns}translation"), start=1):
            text = text_of(tr.find(f"{ns}formattedFullName"))
            if not text:
                continue
            declared = script_code(text_of(tr.find(f"{ns}script")))
            # Latin or unknown: the letters decide (None for a Latin name, as in the other parsers).
            script = declared if declared not in (None, "Latn") else name_script(text)
            # The translation OFAC marks primary is the name; the others are the same name in another script.
            main = text_of(tr.find(f"{ns}isPrimary")) == "true"
            names.append(Name(text, kind if main else "original_script", script=script,
                              quality=None if primary else "weak" if low else "strong",
                              location=f"{where}/names/name[{n_index}]/translations/translation[{t_index}]"))
    names.sort(key=lambda n: n.kind != "primary")  # primary first, publisher order otherwise
    return names


def _features(elem: Element, ns: str, where: str, lookups: Lookups, facts: RemarkFacts) -> None:
    for index, feature in enumerate(elem.iterfind(f"{ns}features/{ns}feature"), start=1):
        type_elem = feature.find(f"{ns}type")
        label = lookups.feature_label.get(type_elem.get("featureTypeId", "") if type_elem is not None else "") \
            or text_of(type_elem)
        value = text_of(feature.find(f"{ns}value"))
        if not label or not value:
            continue
        # Country values (nationality, citizenship) are referenced by refId: the ISO code is in referenceValues.
        code = lookups.iso.get(text_of(feature.find(f"{ns}valueRefId")) or "")
        add_labelled(facts, label, value, details=text_of(feature.find(f"{ns}comments")),
                     location=f"{where}/features/feature[{index}]", code=code)


def _documents(elem: Element, ns: str, where: str, lookups: Lookups, facts: RemarkFacts) -> None:
    for index, doc in enumerate(elem.iterfind(f"{ns}identityDocuments/{ns}identityDocument"), start=1):
        label, number = text_of(doc.find(f"{ns}type")), text_of(doc.find(f"{ns}documentNumber"))
        if not label or not number:
            facts.problems.append(("identityDocument", number or label, f"document without type or number at "
                                                                        f"{where}/identityDocuments[{index}]"))
            continue
        country_elem = doc.find(f"{ns}issuingCountry")
        details = [d for d in (text_of(doc.find(f"{ns}issuingAuthority")),
                               "not valid" if text_of(doc.find(f"{ns}isValid")) == "false" else None) if d]
        add_labelled(facts, label, number, text_of(country_elem), "; ".join(details) or None,
                     location=f"{where}/identityDocuments/identityDocument[{index}]",
                     code=lookups.country_code(country_elem) if country_elem is not None else None)


def _relationships(elem: Element, ns: str, facts: RemarkFacts, entry: Entry) -> None:
    described = []
    for rel in elem.iterfind(f"{ns}relationships/{ns}relationship"):
        other = rel.find(f"{ns}relatedEntity")
        name = text_of(other)
        if not name:
            continue
        facts.linked_to.append(name)
        described.append(f"{text_of(rel.find(f'{ns}type')) or 'related to'}: {name} ({other.get('entityId', '?')})")
    if described:
        entry.extra["relationships"] = " | ".join(described)


def _addresses(elem: Element, ns: str, where: str, lookups: Lookups, entry: Entry) -> None:
    for a_index, address in enumerate(elem.iterfind(f"{ns}addresses/{ns}address"), start=1):
        country_elem = address.find(f"{ns}country")
        country = text_of(country_elem)
        for t_index, tr in enumerate(address.iterfind(f"{ns}translations/{ns}translation"), start=1):
            parts: dict[str, str] = {}
            for part in tr.iterfind(f"{ns}addressParts/{ns}addressPart"):
                key, value = (text_of(part.find(f"{ns}type")) or "").upper(), text_of(part.find(f"{ns}value"))
                if value:
                    parts[key] = f"{parts[key]}, {value}" if key in parts else value
            if not parts and (country is None or t_index > 1):
                continue
            street = ", ".join(parts[k] for k in STREET_PARTS if k in parts) or None
            region = parts.get("STATE/PROVINCE") or parts.get("REGION")
            full = ", ".join(p for p in (street, parts.get("CITY"), region, parts.get("POSTAL CODE"), country) if p)
            location = f"{where}/addresses/address[{a_index}]/translations/translation[{t_index}]"
            entry.addresses.append(Address(street=street, city=parts.get("CITY"), region=region,
                                           postcode=parts.get("POSTAL CODE"), country=country,
                                           country_code=lookups.country_code(country_elem), full=full or None,
                                           location=location))
