"""Identifiers: passports, national and tax ids, registration numbers, LEI, IMO, MMSI, SWIFT/BIC
and aircraft serial or tail numbers, on the customer side and on the list side alike.

A value is compared by its *key*: ASCII letters and digits only, upper case, the kind's prefix
dropped (``IMO 9031947`` -> ``9031947``) and a SWIFT/BIC's ``XXX`` branch dropped (the head
office). The list side gets the same key in SQL (``sql/list_identifiers.sql``), so that a customer
identifier equals a listed one exactly when the keys are equal; :func:`key` and the SQL macro are
checked against each other on every identifier of the bundled lists.

Where python-stdnum knows the scheme (IMO and LEI check digits, SWIFT/BIC, many national numbers,
chosen by kind and country in ``data/identifier_kinds.csv`` and ``data/identifier_schemes.csv``)
the value is validated; an invalid value is kept, compared and reported with the reason, never
dropped. The kinds, their header hints and the mapping of the parsers' id types are data files
in ``screening/data/``.
"""
from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from types import ModuleType
from typing import Iterable

import duckdb
import pyarrow as pa
from stdnum.exceptions import ValidationError
from stdnum.util import get_cc_module

from . import store
from .countries import to_country_code
from .match.files.columns import norm_header
from .match.files.table import data_rows as _data_rows

_NOT_KEY = re.compile(r"[^A-Za-z0-9]")
BIC_HEAD_OFFICE = "XXX"  # the branch code of a SWIFT/BIC that names the institution's head office
BIC_FULL_LENGTH = 11
# the python-stdnum alias of a country's module, per kind, when identifier_schemes.csv names none
_CC_ALIASES = {"tax_id": "vat", "national_id": "personalid"}


@dataclass(frozen=True, slots=True)
class IdentifierKind:
    """One kind of identifier (a row of ``data/identifier_kinds.csv``)."""

    kind: str
    scheme: str | None       # python-stdnum module validating every value of the kind
    prefix: str | None       # dropped from the start of a key (IMO, MMSI)
    pattern: re.Pattern[str] | None  # a key must match it when no scheme validates the value
    description: str


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier value as given, with its comparison key and what validation said."""

    kind: str
    value: str               # as given
    key: str                 # compared for equality (see :func:`key`)
    country: str | None      # ISO 3166 alpha-2 of the issuer, when known
    scheme: str | None       # the python-stdnum module that validated it (None: none known)
    valid: bool | None       # None: no scheme or pattern to check it against
    problem: str | None      # why it is invalid (the value is kept all the same)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "key": self.key, "country": self.country,
                "scheme": self.scheme, "valid": self.valid, "problem": self.problem}


# ----------------------------------------------------------------------------- reference data

@functools.cache
def kinds() -> dict[str, IdentifierKind]:
    """The identifier kinds, by name (``data/identifier_kinds.csv``)."""
    out: dict[str, IdentifierKind] = {}
    for n, row in enumerate(_data_rows("identifier_kinds.csv"), start=2):
        name = row["kind"]
        if not name or name in out:
            raise ValueError(f"identifier_kinds.csv: line {n}: kind {name!r} empty or given twice")
        if row["scheme"]:
            _module(row["scheme"], f"identifier_kinds.csv: line {n}: scheme")
        out[name] = IdentifierKind(name, row["scheme"] or None, row["prefix"].upper() or None,
                                   re.compile(row["pattern"]) if row["pattern"] else None, row["description"])
    return out


@functools.cache
def _country_schemes() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for n, row in enumerate(_data_rows("identifier_schemes.csv"), start=2):
        kind, country, module = row["kind"], row["country"].upper(), row["module"]
        if kind not in kinds() or len(country) != 2 or (kind, country) in out:
            raise ValueError(f"identifier_schemes.csv: line {n}: bad or repeated row {row}")
        _module(module, f"identifier_schemes.csv: line {n}: module")
        out[(kind, country)] = module
    return out


@functools.cache
def header_hints() -> dict[str, str]:
    """Normalised header word -> kind (``data/identifier_headers.csv``); the kind names too."""
    out = {norm_header(k): k for k in kinds()}
    for n, row in enumerate(_data_rows("identifier_headers.csv"), start=2):
        kind, header = row["kind"], norm_header(row["header"])
        if kind not in kinds() or not header or out.get(header, kind) != kind:
            raise ValueError(f"identifier_headers.csv: line {n}: bad row {row}")
        out[header] = kind
    return out


@functools.cache
def list_type_rules() -> tuple[tuple[str, str, re.Pattern[str] | None, str | None], ...]:
    """(id_type, note_contains, key_pattern, kind or None) in order (``data/identifier_list_types.csv``)."""
    rules = []
    for n, row in enumerate(_data_rows("identifier_list_types.csv"), start=2):
        kind = row["kind"] or None
        if not row["id_type"] or (kind and kind not in kinds()):
            raise ValueError(f"identifier_list_types.csv: line {n}: bad row {row}")
        rules.append((row["id_type"], row["note_contains"], re.compile(row["key_pattern"]) if row["key_pattern"]
                      else None, kind))
    return tuple(rules)


@functools.cache
def _module(name: str, where: str) -> ModuleType:
    try:
        return importlib.import_module(f"stdnum.{name}")
    except ImportError:
        raise ValueError(f"{where}: python-stdnum has no module {name!r}") from None


# ----------------------------------------------------------------------------- kinds and options

def parse_kind(text: str) -> str:
    """The kind a user's word names (a kind, or any header word of it: ``vat`` is ``tax_id``)."""
    kind = header_hints().get(norm_header(text))
    if kind is None:
        raise ValueError(f"unknown identifier kind {text!r}; kinds: {', '.join(kinds())}")
    return kind


def kind_of_header(header: str) -> str | None:
    """The kind a column header names, or None."""
    return header_hints().get(norm_header(header))


def parse_id_option(text: str) -> tuple[str, str | None, str]:
    """``KIND:VALUE`` or ``KIND/CC:VALUE`` (CC: the issuing country) -> (kind, country, value)."""
    head, sep, value = text.partition(":")
    if not sep or not value.strip() or not head.strip():
        raise ValueError(f"identifier {text!r}: expected KIND:VALUE (kinds: {', '.join(kinds())})")
    kind_text, _, country_text = head.partition("/")
    country = None
    if country_text.strip():
        country = to_country_code(country_text.strip())
        if country is None:
            raise ValueError(f"identifier {text!r}: {country_text.strip()!r} is not a country")
    return parse_kind(kind_text.strip()), country, value.strip()


def parse_column_option(text: str) -> tuple[str, str | None]:
    """``COL`` or ``COL=KIND`` -> (column, kind or None: guess it from the header)."""
    column, sep, kind = text.rpartition("=") if "=" in text else (text, "", "")
    if not column.strip():
        raise ValueError(f"identifier column {text!r}: expected COL or COL=KIND")
    return column.strip(), parse_kind(kind) if sep else None


def identifier_columns(headers: list[str], given: Iterable[str] = (), taken: Iterable[str] = ()
                       ) -> dict[str, str]:
    """Column -> kind of a file's identifier columns: those ``given`` (``COL[=KIND]``; a column given
    without a kind takes the kind its header names) or, when none is given, every column whose
    header names a kind, the columns ``taken`` by other fields left out."""
    given = list(given)
    if not given:
        skip = set(taken)
        return {h: kind for h in headers if h not in skip and (kind := kind_of_header(h))}
    out: dict[str, str] = {}
    for spec in given:
        column, kind = parse_column_option(spec)
        if column not in headers:
            raise ValueError(f"identifier column {column!r} is not in the file; columns: {', '.join(headers)}")
        kind = kind or kind_of_header(column)
        if kind is None:
            raise ValueError(f"identifier column {column!r}: its header names no kind; give COL=KIND "
                             f"(kinds: {', '.join(kinds())})")
        out[column] = kind
    return out


# ----------------------------------------------------------------------------- values

def key(kind: str, value: str) -> str:
    """The comparison key of a value: letters and digits, upper case, the kind's prefix and a
    SWIFT/BIC head-office branch dropped. ``sql/list_identifiers.sql`` computes the same."""
    spec = kinds()[kind]
    text = _NOT_KEY.sub("", value).upper()
    if spec.prefix and text.startswith(spec.prefix) and len(text) > len(spec.prefix):
        text = text[len(spec.prefix):]
    if kind == "swift_bic" and len(text) == BIC_FULL_LENGTH and text.endswith(BIC_HEAD_OFFICE):
        text = text[:-len(BIC_HEAD_OFFICE)]
    return text


@functools.cache
def scheme_for(kind: str, country: str | None) -> str | None:
    """The python-stdnum module validating a kind issued by a country, or None."""
    spec = kinds()[kind]
    if spec.scheme:
        return spec.scheme
    if not country:
        return None
    found = _country_schemes().get((kind, country))
    if found:
        return found
    alias = _CC_ALIASES.get(kind)
    module = get_cc_module(country.lower(), alias) if alias else None
    return module.__name__.removeprefix("stdnum.") if module else None


def normalize_identifier(kind: str, value: str, country: str | None = None) -> Identifier:
    """One identifier keyed and validated; an invalid value is kept, with the reason."""
    if kind not in kinds():
        kind = parse_kind(kind)
    code = to_country_code(country) if country else None
    value = str(value).strip()
    ident_key = key(kind, value)
    scheme = scheme_for(kind, code)
    valid, problem = True, None
    if not ident_key:
        valid, problem = False, "no letters or digits"
    elif scheme:
        try:
            _module(scheme, "identifier scheme").validate(ident_key)
        except ValidationError as exc:
            valid, problem = False, f"{scheme}: {exc.message}"
        except (KeyError, IndexError, ValueError) as exc:  # the scheme's own data lacks this number's part
            valid, problem = None, f"{scheme}: could not be checked ({type(exc).__name__}: {exc})"
    elif kinds()[kind].pattern is not None:
        if not kinds()[kind].pattern.fullmatch(ident_key):
            valid, problem = False, f"not the form of a {kinds()[kind].description}"
    else:
        valid = None
    return Identifier(kind, value, ident_key, code, scheme, valid, problem)


def describe_problem(ident: Identifier) -> str | None:
    """One line naming an invalid identifier and why, for stderr and explanations."""
    if ident.valid is not False:
        return None
    return f"{ident.kind} {ident.value!r} is not valid ({ident.problem}); kept as given"


def list_kind(id_type: str, note: str | None, value: str) -> str | None:
    """The kind of a listed identifier from the parser's id type, its note and its value (as
    ``sql/list_identifiers.sql`` decides it; None: not compared). A rule's key pattern is matched
    against the value's letters and digits in upper case, before any prefix is dropped."""
    compact = _NOT_KEY.sub("", value).upper()
    for rule_type, contains, pattern, kind in list_type_rules():
        if rule_type == id_type and (not contains or contains in (note or "")) and (
                pattern is None or pattern.search(compact)):
            return kind
    return None


# ----------------------------------------------------------------------------- the list side

_KINDS_SCHEMA = pa.schema([("kind", pa.string()), ("prefix", pa.string())])
_RULES_SCHEMA = pa.schema([("rule", pa.int32()), ("id_type", pa.string()), ("note_contains", pa.string()),
                           ("key_pattern", pa.string()), ("kind", pa.string())])


def build_list_identifiers(con: duckdb.DuckDBPyConnection) -> int:
    """Build the temp table ``list_identifiers`` (source, source_id, kind, value, key, country_code)
    from the store's current identifiers, keyed as customer identifiers are; returns its rows."""
    kinds_arrow = pa.table({"kind": list(kinds()), "prefix": [k.prefix for k in kinds().values()]},  # noqa: F841
                           schema=_KINDS_SCHEMA)
    rules = list_type_rules()
    rules_arrow = pa.table({"rule": list(range(len(rules))), "id_type": [r[0] for r in rules],  # noqa: F841
                            "note_contains": [r[1] for r in rules],
                            "key_pattern": [r[2].pattern if r[2] else None for r in rules],
                            "kind": [r[3] for r in rules]}, schema=_RULES_SCHEMA)
    con.execute("CREATE OR REPLACE TEMP TABLE identifier_kinds AS SELECT * FROM kinds_arrow")
    con.execute("CREATE OR REPLACE TEMP TABLE identifier_list_types AS SELECT * FROM rules_arrow")
    for statement in ("macros", "build"):
        store.run(con, f"list_identifiers.{statement}")
    return store.run(con, "list_identifiers.count").fetchall()[0][0]


def ensure_list_identifiers(con: duckdb.DuckDBPyConnection) -> None:
    """Build ``list_identifiers`` on a connection that has none yet (a temp table: it lasts as long
    as the connection, whose matcher is made again when the lists change)."""
    if not store.run(con, "list_identifiers.exists").fetchall()[0][0]:
        build_list_identifiers(con)


_QUERY_SCHEMA = pa.schema([("qid", pa.int32()), ("kind", pa.string()), ("key", pa.string())])


def find_listed(con: duckdb.DuckDBPyConnection, identifiers: list[Identifier]) -> list[dict]:
    """The listed entries holding any of these identifiers (same kind, same key), with the entity
    each belongs to: ``qid`` is the position of the identifier found. Builds ``list_identifiers``
    on the connection when it has none yet."""
    ensure_list_identifiers(con)
    query_arrow = pa.table({"qid": list(range(len(identifiers))),  # noqa: F841 - read by DuckDB below
                            "kind": [i.kind for i in identifiers], "key": [i.key for i in identifiers]},
                           schema=_QUERY_SCHEMA)
    con.execute("CREATE OR REPLACE TEMP TABLE identifier_query AS SELECT * FROM query_arrow")
    return store.run_dicts(con, "identifier_lookup")
