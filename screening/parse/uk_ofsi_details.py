"""OFSI ConList: identifiers and the "Other Information" field of an entry (both table layouts).

The 2022 format numbers passports and national ids ('(1) 223611 (2) C00146605') with details
numbered the same way, and writes Other Information as "(Label):value" sections; the old format
has one free-text field per kind of document and cites a UN reference in free text.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..un_refs import OLD_PREFIXES, canonical, new_prefix
from .enumerations import enumerated_items
from .model import Entry, Identifier, ParseIssue, ParseResult
from .results import add_flag

if TYPE_CHECKING:
    from .uk_ofsi import _Collected

# "(Label):value" sections of the 2022 format's Other Information; only these labels, because
# free text holds look-alikes such as "resolution 2662 (2022):".
_OTHER_LABELS = ("UK Sanctions List Ref", "UN Ref", "UK Statement of Reasons", "Gender", "Phone number",
                 "Email address", "Website", "Type of entity", "Parent company", "Business Reg No",
                 "Subsidiaries", "IMO number", "Flag of ship", "Type of ship", "Tonnage of ship",
                 "Length of ship", "Year built", "Current owners", "Previous flags", "Fax", "Tel")
# Ship sections kept as facts of the entry (the flag is also the vessel's country: add_flag).
_SHIP_FACTS = {"Flag of ship": "flag", "Previous flags": "previous_flags", "Type of ship": "type_of_ship",
               "Tonnage of ship": "tonnage", "Length of ship": "length", "Year built": "year_built",
               "Current owners": "owner_operators"}
_SECTION = re.compile(r"\((" + "|".join(re.escape(x) for x in _OTHER_LABELS) + r")\):")
# UN Security Council reference numbers: current form "QDi.123" and the pre-2014 form "QI.A.317.13".
_UN_REF = r"(?:([A-Z]{2})([IE1])[.\s]\s?(\d{1,3})(?!\d)|(Q|T)\.?([IE])\.[A-Z]{1,2}\.(\d{1,3})\.\d{2})"
_UN_REF_AT_START = re.compile(r"\s*" + _UN_REF, re.I)
_UN_REF_CITED = re.compile(r"UN\s*REF(?:ERENCE)?(?:\s*(?:NO\.?|NUMBER))?\s*[.:]?\s*" + _UN_REF, re.I)
_UN_MENTION = re.compile(r"UN\s*REF\S*\s*\S+", re.I)
_ID_TOKEN = re.compile(r"(?<![\w-])(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]{4,}(?![\w-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")



def _identifiers(file: str, entry: Entry, seen: _Collected, new_format: bool, result: ParseResult) -> None:
    if new_format:
        _paired_ids(entry, seen, "Passport Number", "Passport Details", "passport")
        _paired_ids(entry, seen, "National Identification Number", "National Identification Details", "national_id")
    else:
        # The old format has one free-text field per kind of document.
        _free_text_ids(entry, seen, "Passport Details", "passport")
        _free_text_ids(entry, seen, "NI Number", "national_id")
    for text, line in seen.get("Other Information").items():
        if _SECTION.search(text):
            _sections(file, entry, text, line, result)
        else:
            _cited_un_ref(file, entry, text, line, result)


def _add_id(entry: Entry, ident: Identifier) -> None:
    if not any(i.id_type == ident.id_type and i.value == ident.value for i in entry.identifiers):
        entry.identifiers.append(ident)


def _paired_ids(entry: Entry, seen: _Collected, number_col: str, details_col: str, id_type: str) -> None:
    """2022 format: numbers '(1) 223611 (2) C00146605' with details numbered the same way."""
    details = list(seen.get(details_col))
    for text, line in seen.get(number_col).items():
        numbers = enumerated_items(text)
        notes = enumerated_items(details[0]) if len(details) == 1 else []
        for i, number in enumerate(numbers):
            if number.strip(" -."):
                note = notes[i] if len(notes) == len(numbers) else "; ".join(details) or None
                _add_id(entry, Identifier(id_type, number, note=(note or None), location=line))


def _free_text_ids(entry: Entry, seen: _Collected, column: str, id_type: str) -> None:
    """Old format: 'Passport No: 592667 (Qatari passport issued on 3 May 2007).' -> 592667 + the text as note."""
    for text, line in seen.get(column).items():
        for item in enumerated_items(text):
            token = _ID_TOKEN.search(item)
            value = token.group(0) if token else item
            _add_id(entry, Identifier(id_type, value, note=item if item != value else None, location=line))


def _sections(file: str, entry: Entry, text: str, line: str, result: ParseResult) -> None:
    """2022 format Other Information: '(UK Sanctions List Ref):RUS1831. (UN Ref):QDi.123. (Gender):Male'."""
    marks = list(_SECTION.finditer(text))
    for i, mark in enumerate(marks):
        label = mark.group(1)
        body = text[mark.end():(marks[i + 1].start() if i + 1 < len(marks) else len(text))].strip()
        if label == "UK Sanctions List Ref" and body:
            _add_id(entry, Identifier("uk_sanctions_list_ref", body.split()[0].rstrip(".;,"), location=line))
        elif label == "UN Ref":
            found = _UN_REF_AT_START.match(body)
            if found:
                _add_id(entry, Identifier("un_reference", _un_ref(found), note=f"UN Ref: {found.group(0).strip()}",
                                          location=line))
            elif body:
                result.issues.append(ParseIssue(file, line, "Other Information", body[:80],
                                                "UN Ref section without a recognisable UN reference number"))
        elif label == "IMO number" and body:
            _add_id(entry, Identifier("imo", body.split()[0].rstrip(".;,"), location=line))
        elif label == "Business Reg No":
            for item in enumerated_items(body):
                if item.strip(" -."):
                    _add_id(entry, Identifier("registration", item, location=line))
        elif label == "Email address":
            for email in _EMAIL.findall(body):
                _add_id(entry, Identifier("email", email.rstrip("."), location=line))
        elif label in ("Gender", "Type of entity") and body:
            entry.extra[label.lower().replace(" ", "_")] = body.rstrip(".")
        elif label in _SHIP_FACTS and body:
            entry.extra[_SHIP_FACTS[label]] = body.rstrip(".")
            if label == "Flag of ship":
                add_flag(entry, body.rstrip("."), result.issues, line, "Other Information")


def _cited_un_ref(file: str, entry: Entry, text: str, line: str, result: ParseResult) -> None:
    """Old format: 'UN Ref QDi.123. ...' or 'UN REF:QE.A.146.14. ...' in free text (first mention only)."""
    found = _UN_REF_CITED.search(text)
    if found:
        published = found.group(0)[found.group(0).upper().index("REF") + 3:].strip(" .:")
        _add_id(entry, Identifier("un_reference", _un_ref(found), note=f"UN Ref: {published}", location=line))
        return
    mention = _UN_MENTION.search(text)
    if mention:
        result.issues.append(ParseIssue(file, line, "Other Information", mention.group(0)[:80],
                                        "UN reference in a form that cannot be normalised; not kept as an identifier"))


def _un_ref(found: re.Match) -> str:
    """The UN list's own form (:mod:`screening.un_refs`): 'QI.A.317.13' -> 'QDi.317', 'KPE.62' -> 'KPe.062',
    'QD1.5' (a digit one for the letter i) -> 'QDi.005'."""
    prefix, kind, number, old_prefix, old_kind, old_number = found.groups()
    if prefix:
        return canonical(new_prefix(prefix, "i" if kind in "1iI" else "e"), number)
    return canonical(OLD_PREFIXES[f"{old_prefix}{old_kind}".upper()], old_number)
