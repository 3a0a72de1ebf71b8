"""The reference data of normalisation (``screening/data``), read once: letters, Arabic words,
titles, particles, joins, prefixes, noise tags, branch words, Chinese company words, legal forms and their classes, address
words, spelling variants."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path


DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(file: str) -> list[dict[str, str]]:
    """Rows of a CSV data file; lines starting with '#' are comments."""
    with open(DATA / file, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def _char(code: str) -> str:
    """'U+0627' -> the character; anything else is taken literally."""
    return chr(int(code[2:], 16)) if code.startswith("U+") else code


@lru_cache(maxsize=1)
def _letter_tables() -> tuple[dict[int, str], dict[int, str]]:
    """Arabic/Persian/Cyrillic folding: (script-internal folds, folds to Latin letters)."""
    early: dict[int, str] = {}
    late: dict[int, str] = {}
    for row in _rows("arabic_letters.csv"):
        source, target = _char(row["source"]), _char(row["target"])
        (late if target.isascii() and target else early)[ord(source)] = target
    return early, late


@lru_cache(maxsize=1)
def _arabic_words() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Whole Arabic words and word prefixes rewritten to Latin (after letter folding)."""
    early = _letter_tables()[0]
    words: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for row in _rows("arabic_words.csv"):
        arabic = row["arabic"].translate(early)
        if row["kind"] == "word":
            words[arabic] = row["latin"]
        else:
            prefixes.append((arabic, row["latin"]))
    prefixes.sort(key=lambda p: -len(p[0]))
    return words, tuple(prefixes)


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    return frozenset(row["title"] for row in _rows("name_titles.csv"))


@lru_cache(maxsize=1)
def _particles() -> dict[str, tuple[str, bool]]:
    """Particle -> (its skeleton, whether it counts only when hyphen-attached)."""
    return {row["particle"]: (row["skeleton"], row["requires_hyphen"] == "yes")
            for row in _rows("name_particles.csv")}


@lru_cache(maxsize=1)
def _joins() -> dict[tuple[str, str], str]:
    return {(row["first"], row["second"]): row["joined"] for row in _rows("name_joins.csv")}


@lru_cache(maxsize=1)
def _prefixes() -> tuple[tuple[str, str, bool], ...]:
    rows = [(row["prefix"], row["canonical"], row["assimilated"] == "yes")
            for row in _rows("name_prefixes.csv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@lru_cache(maxsize=1)
def _noise_tags() -> frozenset[str]:
    return frozenset(row["tag"] for row in _rows("name_noise.csv"))


@lru_cache(maxsize=1)
def _legal_forms() -> tuple[dict[tuple[str, ...], tuple[str, str]], int]:
    """Token tuple -> (compare form, class) of every legal form found anywhere in a name, and the
    longest one in tokens. ISO 20275 first; the curated file overrides it alias by alias, and a word
    of legal_form_aliases.csv ("company", "private") counts only where that file says."""
    table = {tuple(row["alias"].split()): (row["form"], row["class"]) for row in _rows("legal_forms_elf.csv")}
    for alias in _legal_aliases():
        table.pop(alias, None)
    table.update({tuple(row["alias"].split()): (row["form"], row["class"]) for row in _rows("legal_forms.csv")})
    return table, max(len(alias) for alias in table)


@lru_cache(maxsize=1)
def _legal_aliases() -> dict[tuple[str, ...], tuple[str, str]]:
    """Token tuple -> (form, position) for legal-form words that count only at certain positions."""
    return {tuple(row["alias"].split()): (row["form"], row["position"])
            for row in _rows("legal_form_aliases.csv")}


@lru_cache(maxsize=1)
def _legal_classes() -> dict[str, tuple[str, str]]:
    """Form -> (canonical form, class); class '' marks a generic word such as 'company'."""
    return {row["form"]: (row["canonical"], row["class"]) for row in _rows("legal_form_classes.csv")}


@lru_cache(maxsize=1)
def _han_words() -> tuple[tuple[str, str], ...]:
    """Chinese company words read as their English word (``data/han_words.csv``), longest first."""
    rows = [(row["han"], row["latin"]) for row in _rows("han_words.csv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@lru_cache(maxsize=1)
def branch_words() -> frozenset[str]:
    """Words that make a group member's or a branch's name out of a company name when added after it
    (``data/branch_words.csv``: Holding, Group, International, a country or a city)."""
    return frozenset(row["word"] for row in _rows("branch_words.csv"))


@lru_cache(maxsize=1)
def _address_words() -> tuple[dict[str, str], frozenset[str]]:
    """(abbreviation -> full word, generic words)."""
    rows = _rows("address_words.csv")
    abbr = {row["word"]: row["full"] for row in rows if row["kind"] == "abbr"}
    generic = frozenset(row["word"] for row in rows if row["kind"] == "generic")
    return abbr, generic
