"""OFAC Remarks: the free-text column of the legacy CSV files, and the labels OFAC uses for facts.

The legacy ``sdn.csv`` / ``cons_prim.csv`` put everything that is not a name, a program
or vessel data into one Remarks column: ``DOB 12 Feb 1961; alt. DOB 1962; POB Tehran,
Iran; nationality Iran; Passport A123 (Iran) issued 01 Jan 2010; a.k.a. 'ABU X';
Linked To: SOME COMPANY.``  This module splits it into typed facts.

The same labels ("Passport", "Registration ID", "Former Vessel Flag"...) are the
``idType`` values of OFAC's XML and the document / feature types of its enhanced XML,
so :func:`add_labelled` is shared by the three OFAC parsers: one fact, one place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..countries import is_unrecognised, to_country_code
from .dates import birth_date, plausible_year
from .model import FORMER_NAME_TYPES, BirthDate, Entry, Identifier, Name, Nationality
from .results import add_flag
from ..scripts import name_script

# Published label -> Identifier.id_type.  Labels are matched case-insensitively,
# longest first, so "Business Registration Number" wins over "Registration Number".
ID_LABELS: dict[str, str] = {
    # travel documents
    "Passport": "passport", "Diplomatic Passport": "passport",
    "British National Overseas Passport": "passport", "Stateless Person Passport": "passport",
    "Travel Document Number": "passport",
    # personal identity numbers
    "National ID No.": "national_id", "Identification Number": "national_id", "Cedula No.": "national_id",
    "D.N.I.": "national_id", "C.U.R.P.": "national_id", "Personal ID Card": "national_id",
    "Bosnian Personal ID No.": "national_id", "Kenyan ID No.": "national_id",
    "Moroccan Personal ID No.": "national_id", "Turkish Identification Number": "national_id",
    "Tazkira National ID Card": "national_id", "CNP (Personal Numerical Code)": "national_id",
    "UAE Identification": "national_id", "Citizen's Card Number": "national_id",
    "Numero de Identidad": "national_id", "SSN": "national_id", "C.U.I.": "national_id",
    "C.I.N.": "national_id", "Credencial electoral": "national_id", "I.F.E.": "national_id",
    "Electoral Registry No.": "national_id", "National Foreign ID Number": "national_id",
    "N.I.E.": "national_id", "Public Security and Immigration No.": "national_id",
    "Stateless Person ID Card": "national_id", "Refugee ID Card": "national_id",
    "Romanian Permanent Resident": "national_id", "Residency Number": "national_id",
    # tax numbers
    "Tax ID No.": "tax_id", "R.F.C.": "tax_id", "RFC": "tax_id", "NIT #": "tax_id", "RUC #": "tax_id",
    "RIF #": "tax_id", "C.U.I.T.": "tax_id", "C.I.F.": "tax_id", "N.I.F.": "tax_id",
    "V.A.T. Number": "tax_id", "US FEIN": "tax_id", "Italian Fiscal Code": "tax_id", "Fiscal Code": "tax_id",
    "Paraguayan tax identification number": "tax_id", "RTN": "tax_id", "RSIN": "tax_id",
    "Numero Unico de Identificacao Tributaria (NUIT)": "tax_id", "Romanian Tax Registration": "tax_id",
    # company and trade registers
    "Registration ID": "registration", "Registration Number": "registration",
    "Business Registration Number": "registration", "Business Registration Document #": "registration",
    "Company Number": "registration", "UK Company Number": "registration",
    "Commercial Registry Number": "registration", "C.R. No.": "registration", "Romanian C.R.": "registration",
    "Certificate of Incorporation Number": "registration", "Chamber of Commerce Number": "registration",
    "Dubai Chamber of Commerce Membership No.": "registration", "Istanbul Chamber of Comm. No.": "registration",
    "Trade License No.": "registration", "Folio Mercantil No.": "registration",
    "Matricula Mercantil No": "registration", "Public Registration Number": "registration",
    "Government Gazette Number": "registration", "Registration Certificate Number (Dubai)": "registration",
    "Enterprise Number": "registration", "Branch Unit Number": "registration",
    "Organization Code": "registration", "Legal Entity Number": "registration",
    "Business Number": "registration", "Central Registration System Number": "registration",
    "Economic Register Number (CBLS)": "registration", "Registered Charity No.": "registration",
    "LE Number": "registration", "MSB Registration Number": "registration",
    "Unified Social Credit Code (USCC)": "registration",
    "United Social Credit Code Certificate (USCCC)": "registration",
    "Russian State Individual Business Registration Number Pattern (OGRNIP)": "registration",
    "Global Intermediary Identification Number": "registration", "D-U-N-S Number": "registration",
    "Tourism License No.": "registration", "License": "registration", "Permit Number": "registration",
    "Afghan Money Service Provider License Number": "registration",
    # vessels, aircraft, contact
    "Vessel Registration Identification": "imo", "MMSI": "mmsi", "Other Vessel Call Sign": "call_sign",
    "Call Sign": "call_sign", "SWIFT/BIC": "swift_bic", "Email Address": "email", "Website": "website",
    "International Maritime Organization No.": "imo", "Email": "email",
    "Phone Number": "phone", "Phone No.": "phone", "Phone": "phone", "Telephone": "phone", "Fax": "phone",
    # other documents and numbers
    "Driver's License No.": "other", "Pilot License Number": "other", "Birth Certificate Number": "other",
    "Immigration No.": "other", "Cartilla de Servicio Militar Nacional": "other",
    "Military Registration Number": "other", "C.U.I.P.": "other", "VisaNumberID": "other",
    "Seafarer's Identification Document": "other", "SRE Permit No.": "other", "Serial No.": "other",
    "File Number": "other", "Trademark number": "other", "Chinese Commercial Code": "other",
    "BIK (RU)": "other", "ISIN": "other", "Equity Ticker": "other", "Digital Currency Address": "other",
    "Aircraft Manufacturer's Serial Number (MSN)": "other", "Aircraft Serial Identification": "other",
    "Aircraft Tail Number": "other", "Previous Aircraft Tail Number": "other", "Tarjeta Profesional": "other",
    "Aircraft Construction Number (also called L/N or S/N or F/N)": "other",
    "Aircraft Mode S Transponder Code": "other",
}

# Published label -> Entry.extra key, for facts that identify nothing by themselves.
FACT_LABELS: dict[str, str] = {label: re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") for label in (
    "Additional Sanctions Information", "Secondary sanctions risk", "Organization Established Date",
    "Organization Type", "Target Type", "Former Vessel Flag", "Other Vessel Flag", "Other Vessel Type",
    "Vessel Year of Build", "Vessel Type", "Vessel Flag", "Nationality of Registration",
    "Aircraft Model", "Aircraft Operator", "Aircraft Manufacture Date",
    "Executive Order 13662 Directive Determination", "Executive Order 13846 information",
    "Executive Order 14014 Directive Information", "Executive Order 14024 Directive Information",
    "Executive Order 14059 information", "CAATSA Section 235 Information", "IFCA Determination",
    "PEESA Information", "For more information on directives, please visit the following link",
    "For more information, please see",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions",
    "Listing Date (EO 14024 Directive 1a)", "Listing Date (EO 14024 Directive 2)",
    "Listing Date (EO 14024 Directive 3)", "Listing Date (EO 14014 Directive 1)", "Listing Date (CMIC)",
    "Effective Date (EO 14024 Directive 1a)", "Effective Date (EO 14024 Directive 2)",
    "Effective Date (EO 14024 Directive 3)", "Effective Date (EO 14014 Directive 1)", "Effective Date (CMIC)",
    "Purchase/Sales For Divestment Date (CMIC)", "Issuer Name", "Gender", "Title",
)}

_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"), start=1)}
_DATE = r"(?:(\d{1,2}) )?(?:(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) )?(\d{4})"
_DOB_RE = re.compile(rf"(circa )?{_DATE}(?:(?: to |-){_DATE})?")
_ALIAS_RE = re.compile(r"([afn])\.k\.a\.,? (.+)", re.IGNORECASE)
_ID_TAIL_RE = re.compile(r"(?P<value>.*?)(?: \((?P<paren>[^()]*)\))?(?P<tail>(?: (?:issued|expires)\b.*)?)")
_SEPARATOR = re.compile(r";(?= |$)")
_ABBREVIATION_END = re.compile(
    r"(?:(?<![A-Za-z])(?:[A-Za-z]\.){2,}|\b(?:Co|Ltd|Inc|Corp|Cia|Ltda|Jr|Sr|Bros|Pty|Pvt)\.)$", re.IGNORECASE)
_SPECIAL = ("DOB", "POB", "nationality", "citizen", "Linked To")
WEAK = "weak"  # Name.quality of an alias OFAC marks low quality


def _label_regex(labels: list[str]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    # A label ends at a space, ':' or ' -' before its value ("Linked To: X", "Target Type X").
    return re.compile(rf"(?P<label>{alternation})(?:\s*[:\-]\s*|\s+)(?P<value>.*)", re.IGNORECASE | re.DOTALL)


_LABEL_RE = _label_regex(list(ID_LABELS) + list(FACT_LABELS) + list(_SPECIAL))
_CANONICAL = {label.lower(): label for label in list(ID_LABELS) + list(FACT_LABELS) + list(_SPECIAL)}


@dataclass
class RemarkFacts:
    """What the remarks (or the labelled items of the XML) say about one entry."""

    names: list[Name] = field(default_factory=list)
    birth_dates: list[BirthDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[Nationality] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    flags: list[tuple[str, str | None]] = field(default_factory=list)  # (vessel flag as published, ISO code)
    extra: dict[str, str] = field(default_factory=dict)
    unparsed: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (field, value, problem)

    def add_extra(self, key: str, value: str) -> None:
        """Append a value to an extra key; several values are joined by ' | '."""
        self.extra[key] = f"{self.extra[key]} | {value}" if key in self.extra else value


def split_remarks(text: str) -> list[str]:
    """Split Remarks on '; ' outside parentheses; the closing '.' of the whole text is dropped."""
    parts: list[str] = []
    pending, depth = "", 0
    for piece in _SEPARATOR.split(text):
        pending = f"{pending};{piece}" if depth > 0 else piece
        # A '; ' inside '(...)' belongs to the parenthesised note, not to the list of facts.
        depth = max(depth + piece.count("(") - piece.count(")"), 0)
        if depth == 0:
            parts.append(pending)
    if depth > 0:
        parts.append(pending)
    parts = [p.strip() for p in parts if p.strip()]
    # OFAC ends Remarks with '.' but does not double it after 'S.A.' or 'Ltd.', so such a dot stays.
    if parts and parts[-1].endswith(".") and not _ABBREVIATION_END.search(parts[-1]):
        parts[-1] = parts[-1][:-1].rstrip()
    return parts


def parse_dob(text: str, location: str | None = None) -> BirthDate | None:
    """Read an OFAC date of birth ('01 Jan 1960', '1960', 'circa 1960', 'Jan 1960',
    '1958 to 1960', '01 Jan 1961 to 31 Dec 1962', 'circa 1979-1982'); None when unreadable.

    'circa' keeps year precision at most: OFAC says the day is not certain."""
    match = _DOB_RE.fullmatch(text.strip())
    if not match:
        return None
    circa, d1, m1, y1, d2, m2, y2 = match.groups()
    start = _ymd(y1, m1, d1)
    end = _ymd(y2, m2, d2) if y2 else None
    if start is None or (y2 and end is None):
        return None
    (year, month, day), stop = start, end
    if stop is None:
        if circa:
            return birth_date(text, year, location=location)
        return birth_date(text, year, month, day, location=location)
    if stop[0] != year:
        return birth_date(text, year, month, day, year_to=stop[0], location=location)
    if month and month == stop[1]:
        return birth_date(text, year, month, day if day == stop[2] else None, location=location)
    return birth_date(text, year, location=location)


def _ymd(year: str, month: str | None, day: str | None) -> tuple[int, int | None, int | None] | None:
    y, m, d = int(year), _MONTHS.get(month or ""), int(day) if day else None
    if not plausible_year(y) or (d and not m):
        return None
    try:
        date(y, m or 1, d or 1)
    except ValueError:
        return None
    return y, m, d


def canonical_label(label: str) -> str:
    """The label as spelled in the tables above (the published spelling when unknown)."""
    cleaned = label.strip().rstrip(":-").strip()
    return _CANONICAL.get(cleaned.lower(), cleaned)


def fact_key_for(label: str) -> str:
    """Entry.extra key for a non-identifier label (a slug of the label)."""
    canon = canonical_label(label)
    return FACT_LABELS.get(canon) or re.sub(r"[^a-z0-9]+", "_", canon.lower()).strip("_")


def add_labelled(facts: RemarkFacts, label: str, value: str, country: str | None = None,
                 details: str | None = None, location: str | None = None, code: str | None = None) -> None:
    """File one labelled fact (remark fragment, XML id, enhanced feature) in its place.

    ``country`` is the country as published; ``code`` its ISO code when the file gives one."""
    canon = canonical_label(label)
    key = canon.lower()
    if key == "dob":
        found = parse_dob(value, location)
        if found:
            facts.birth_dates.append(found)
        else:
            facts.problems.append(("DOB", value, "unreadable date of birth; kept in remarks"))
    elif key == "pob":
        facts.birth_places.append(value)
    elif key in ("nationality", "citizen"):
        code = code or to_country_code(value)
        facts.nationalities.append(Nationality(code, value, "citizenship" if key == "citizen" else "nationality"))
        if code is None:
            facts.problems.append((canon, value, "country not recognised"))
    elif key == "linked to":
        facts.linked_to.append(value)
    elif key == "vessel flag":
        facts.add_extra(fact_key_for(canon), value)
        facts.flags.append((value, code or to_country_code(value)))
        if facts.flags[-1][1] is None and is_unrecognised(value):
            facts.problems.append((canon, value, "flag not recognised as a country; not used as the vessel's country"))
    elif canon in ID_LABELS:
        if country is None and code is None:
            # As in the CSV Remarks, the number may carry its country and dates: "A123 (Iran) issued 2010".
            value, country, more = split_id(value)
            details = "; ".join(d for d in (details, more) if d) or None
        facts.identifiers.append(_identifier(canon, value, country, details, location, code))
    else:
        facts.add_extra(fact_key_for(canon), value)


def _identifier(label: str, value: str, country: str | None, details: str | None,
                location: str | None, code: str | None = None) -> Identifier:
    id_type = ID_LABELS[label]
    note = label
    if label == "Vessel Registration Identification" and not value.upper().startswith("IMO"):
        id_type = "registration"
    if label == "Digital Currency Address" and " " in value:
        # 'XBT 1Kuf...': the currency code belongs to the label, the address is the value.
        currency, value = value.split(" ", 1)
        note = f"{label} - {currency}"
    if details:
        note = f"{note}; {details}"
    code = code or (to_country_code(country) if country else None)
    if country and code is None:
        note = f"{note}; country {country}"
    return Identifier(id_type, value, code, note, location)


def parse_fragment(fragment: str, facts: RemarkFacts, location: str | None = None) -> None:
    """File one '; '-separated piece of Remarks into ``facts`` (unknown pieces go to unparsed)."""
    text = fragment[5:] if fragment.lower().startswith("alt. ") else fragment
    if text.startswith("(Linked To:") and text.endswith(")"):
        text = text[1:-1]  # the XML files write "(Linked To: X)"
    alias = _ALIAS_RE.fullmatch(text)
    if alias:
        facts.names.append(_alias(alias.group(1).lower(), alias.group(2).strip(), location))
        return
    match = _LABEL_RE.fullmatch(text)
    if not match or not match.group("value").strip():
        facts.unparsed.append(fragment)
        return
    add_labelled(facts, match.group("label"), match.group("value").strip(), location=location)


def _alias(letter: str, value: str, location: str | None) -> Name:
    # OFAC writes its weak ("low quality") aliases in single quotes. The kind stays what the
    # label says until the entry's type is known: merge_facts makes it weak (see alias_kind).
    kind = "fka" if letter == "f" else "aka"
    if len(value) > 1 and value.startswith("'") and value.endswith("'"):
        return Name(value[1:-1], kind, quality=WEAK, location=location)
    return Name(value, kind, location=location)


def alias_kind(kind: str, weak: bool, entity_type: str) -> str:
    """Name.kind of an OFAC alias published as ``kind`` (``aka`` or ``fka``): ``weak`` when OFAC
    marks it low quality (in quotes in Remarks, category ``weak`` or isLowQuality in the XML),
    except a former name of a type in :data:`~screening.parse.model.FORMER_NAME_TYPES` ("f.k.a.
    'SAND SWAN'" of a vessel), which stays ``fka``."""
    if weak and not (kind == "fka" and entity_type in FORMER_NAME_TYPES):
        return "weak"
    return kind


def split_id(value: str) -> tuple[str, str | None, str | None]:
    """'A123 (Iran) issued 01 Jan 2010' -> ('A123', 'Iran', 'issued 01 Jan 2010'): number, country, details."""
    match = _ID_TAIL_RE.fullmatch(value)
    if not match or not match.group("value"):
        return value, None, None
    number, paren, tail = match.group("value"), match.group("paren"), match.group("tail").strip() or None
    if paren is not None and to_country_code(paren) is None:
        # '(individual)' or '(Doc. 12)': not a country, part of the published value.
        return f"{number} ({paren})", None, tail
    return number, paren, tail


def parse_remarks(text: str | None, location: str | None = None) -> RemarkFacts:
    """Parse a whole Remarks text into facts; every fragment not understood is kept in unparsed."""
    facts = RemarkFacts()
    for fragment in split_remarks(text or ""):
        parse_fragment(fragment, facts, location)
    return facts


def merge_facts(entry: Entry, facts: RemarkFacts) -> None:
    """Add facts to an entry; an alias already among the entry's names is not repeated."""
    known = {n.name.lower() for n in entry.names}
    for name in facts.names:
        name.kind = alias_kind(name.kind, name.quality == WEAK, entry.entity_type)
        if name.name.lower() not in known:
            known.add(name.name.lower())
            name.script = name.script or name_script(name.name)
            entry.names.append(name)
    entry.birth_dates.extend(facts.birth_dates)
    entry.birth_places.extend(facts.birth_places)
    entry.nationalities.extend(facts.nationalities)
    entry.identifiers.extend(facts.identifiers)
    for published, code in facts.flags:
        add_flag(entry, published, code=code)
    for key, value in facts.extra.items():
        entry.extra[key] = f"{entry.extra[key]} | {value}" if key in entry.extra else value
    if facts.linked_to:
        linked = " | ".join(facts.linked_to)
        entry.extra["linked_to"] = f"{entry.extra['linked_to']} | {linked}" if "linked_to" in entry.extra else linked

