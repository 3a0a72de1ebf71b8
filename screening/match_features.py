"""Matching features of a name or an address, computed the same way for list entries and customers.

The screening normaliser (:mod:`screening.normalize`) is used when it is installed; this module
adds what matching needs on top of it (per-token phonetic keys, blocking keys, address keys) and
keeps a small built-in normaliser so that matching works before that module exists.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from anyascii import anyascii

try:  # the shared normaliser, when present
    from . import normalize as _normalize
except ImportError:  # pragma: no cover - depends on the state of the package
    _normalize = None

_NON_WORD = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SINGLE_LETTERS = re.compile(r"\b(?:[a-z] ){1,}[a-z]\b")
# Arabic article and similar particles are glued to their word so "al-Qaida" == "AlQaida".
_PARTICLES = {"al", "el"}
# Publisher boilerplate appended to names (the CSL's "and any successor, sub-unit, or subsidiary thereof").
_BOILERPLATE = re.compile(r"[;,]?\s*(?:and|&)\s+any\s+successors?\b.*$", re.IGNORECASE)
_SKELETON_DROP = re.compile(r"[aeiouyhw]")

# Legal-form words: dropped from the core name, their canonical family kept as the legal form.
_LEGAL_FORMS = {
    "ltd": "ltd", "limited": "ltd", "co": "co", "company": "co", "corp": "corp", "corporation": "corp",
    "inc": "inc", "incorporated": "inc", "llc": "llc", "liability": "llc", "plc": "plc", "llp": "llp",
    "gmbh": "gmbh", "ag": "ag", "sa": "sa", "sarl": "sarl", "srl": "srl", "spa": "spa", "bv": "bv",
    "nv": "nv", "ab": "ab", "as": "as", "oy": "oy", "kg": "kg", "pte": "pte", "pvt": "pvt",
    "private": "pvt", "sdn": "sdn", "bhd": "bhd", "sendirian": "sdn", "berhad": "bhd", "fze": "fze",
    "fzco": "fze", "fzc": "fze", "fzllc": "fze", "est": "est", "establishment": "est", "jsc": "jsc",
    "ojsc": "jsc", "cjsc": "jsc", "pjsc": "jsc", "pao": "jsc", "oao": "jsc", "zao": "jsc", "ao": "jsc",
    "ooo": "llc", "tov": "llc", "joint": "jsc", "stock": "jsc", "open": "", "closed": "", "public": "",
    "obshchestvo": "llc", "ogranichennoy": "llc", "ogranichennoi": "llc", "otvetstvennostyu": "llc",
    "aktsionernoe": "jsc", "aktsionernoye": "jsc", "ltda": "ltd", "limitada": "ltd", "cv": "sa",
    "sociedad": "sa", "anonima": "sa", "capital": "", "variable": "", "de": "", "sac": "sa",
    "pty": "pty", "proprietary": "pty", "kk": "kk", "lp": "lp", "sl": "sl", "bsc": "bsc",
    "wll": "wll", "free": "fze", "zone": "fze", "sae": "sa", "as.": "as",
}


@dataclass(frozen=True)
class NameFeatures:
    """What the matcher compares about one name."""

    core: str                  # normalised name without legal form, tokens joined by one space
    tokens: tuple[str, ...]
    phonetic: tuple[str, ...]  # one key per token
    skeletons: tuple[str, ...]  # one consonant skeleton per token (romanisation-tolerant)
    sorted_key: str            # tokens sorted: word order ignored
    compact: str               # tokens joined without spaces: spacing ignored
    legal_form: str | None


@dataclass(frozen=True)
class AddressFeatures:
    """What the matcher compares about one address."""

    tokens: tuple[str, ...]    # distinctive words and numbers, in order, without street-type noise
    postcode: str | None
    city: str | None
    street: bool               # a street-level address (has a number and a street), not just a city


def to_latin(text: str) -> str:
    """Latin transliteration, lower case, accents removed."""
    if _normalize is not None and hasattr(_normalize, "transliterate"):
        try:
            text = _normalize.transliterate(text)
        except Exception:  # noqa: BLE001 - fall back to the plain transliteration below
            text = anyascii(text)
    else:
        text = anyascii(unicodedata.normalize("NFKC", text))
    return _CAMEL.sub(" ", text).lower()


def _words(text: str) -> list[str]:
    text = to_latin(text).replace("&", " and ").replace("'", "").replace("`", "")
    text = _NON_WORD.sub(" ", text).strip()
    # "l l c" / "s a" written with dots become one acronym token
    text = _SINGLE_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)
    words: list[str] = []
    glue = False
    for word in text.split():
        if glue:
            words[-1] += word
            glue = False
            continue
        words.append(word)
        glue = word in _PARTICLES
    return words


def _split_legal_form(words: list[str]) -> tuple[list[str], str | None]:
    """Drop legal-form words at the start or end of the name; return the rest and the form family."""
    forms: list[str] = []

    def strip(seq: list[str]) -> list[str]:
        while len(seq) > 1 and seq[-1] in _LEGAL_FORMS:
            forms.append(_LEGAL_FORMS[seq.pop()])
        return seq

    rest = strip(list(words))
    rest.reverse()
    rest = strip(rest)
    rest.reverse()
    strong = sorted({f for f in forms if f})
    return rest, "+".join(strong) or None


@lru_cache(maxsize=200_000)
def name_features(name: str, entity_type: str | None = None) -> NameFeatures:
    """Normalise one name for matching (persons keep every word; organisations lose their legal form)."""
    words = _words(_BOILERPLATE.sub("", name or ""))
    legal_form = None
    if entity_type != "person":
        kept, legal_form = _split_legal_form(words)
        if kept:
            words = kept
    tokens = tuple(words)
    return NameFeatures(
        core=" ".join(tokens), tokens=tokens,
        phonetic=tuple(_phonetic(t) for t in tokens), skeletons=tuple(skeleton(t) for t in tokens),
        sorted_key=" ".join(sorted(tokens)), compact="".join(tokens), legal_form=legal_form,
    )


@lru_cache(maxsize=100_000)
def skeleton(token: str) -> str:
    """First letter and the consonants after it, doubled letters collapsed: Seok/Sok, Cheol/Chol -> same."""
    if len(token) < 3 or token.isdigit():
        return token
    rest = _SKELETON_DROP.sub("", token[1:])
    out = token[0]
    for ch in rest:
        if ch != out[-1]:
            out += ch
    return out


def derived_names(name: str) -> list[str]:
    """Other forms a listed name is known by: the name without a parenthesised part, and that part
    when it is an acronym or short alias (``Enterprise Chips Hunter (ECH)`` -> ``Enterprise Chips Hunter``, ``ECH``)."""
    m = re.search(r"\(([^()]{2,40})\)", name)
    if not m:
        return []
    outer = (name[:m.start()] + name[m.end():]).strip(" ,;")
    inner = m.group(1).strip()
    out = [outer] if outer else []
    if inner and len(inner.split()) <= 4:
        out.append(inner)
    return out


@lru_cache(maxsize=100_000)
def _phonetic(token: str) -> str:
    if token.isdigit():
        return token
    return jellyfish.metaphone(token) or token


_STREET_NOISE = {"no", "road", "rd", "street", "st", "avenue", "ave", "building", "bldg", "floor", "f",
                 "room", "rm", "unit", "flat", "district", "province", "the", "of", "and", "blvd",
                 "boulevard", "lane", "ln", "suite", "ste", "block", "blk", "tower"}


@lru_cache(maxsize=200_000)
def address_features(text: str | None, city: str | None = None, postcode: str | None = None) -> AddressFeatures:
    """Normalise one address: its distinctive tokens (street, number, city, postcode), postcode and city."""
    words = _words(" ".join(p for p in (text, city, postcode) if p))
    tokens = tuple(dict.fromkeys(w for w in words if w not in _STREET_NOISE))
    city_norm = " ".join(_words(city or "")) or None
    postcode_norm = "".join(_words(postcode or "")) or None
    has_street = any(ch.isdigit() for w in tokens for ch in w) and len(tokens) >= 3
    return AddressFeatures(tokens=tokens, postcode=postcode_norm, city=city_norm, street=has_street)


def blocking_keys(features: NameFeatures) -> list[str]:
    """Keys under which a name is indexed: every token and phonetic key, token pairs, the compact form.

    Which of them are used to look candidates up is decided by their frequency in the lists
    (see :mod:`screening.match_index`), so that rare words block alone and common ones only in pairs.
    """
    keys = [f"t:{t}" for t in features.tokens]
    keys += [f"p:{p}" for p in features.phonetic if len(p) >= 3]
    toks = sorted(set(features.tokens[:6]))
    keys += [f"b:{a} {b}" for i, a in enumerate(toks) for b in toks[i + 1:]]
    phon = sorted(set(p for p in features.phonetic[:6] if p))
    keys += [f"q:{a} {b}" for i, a in enumerate(phon) for b in phon[i + 1:]]
    # typo-tolerant keys: a one- or two-letter edit leaves the start or the end of a long word intact
    for t in features.tokens:
        if len(t) >= 5 and not t.isdigit():
            keys += [f"x:{t[:4]}", f"y:{t[-4:]}"]
    # symmetric single-deletion keys: two spellings one edit apart share one (Biosport/Biorsport)
    for t in features.tokens:
        if len(t) >= 5 and not t.isdigit():
            keys.append(f"d:{t}")
            keys += [f"d:{t[:i]}{t[i + 1:]}" for i in range(1, len(t))]
    pre = sorted(set(t[:3] for t in features.tokens[:6] if len(t) >= 3))
    keys += [f"g:{a} {b}" for i, a in enumerate(pre) for b in pre[i + 1:]]
    if features.compact:
        keys.append(f"c:{features.compact}")
    return list(dict.fromkeys(keys))
