"""Matching features of a name or an address, computed the same way for list entries and customers.

Normalisation itself is :mod:`screening.normalize` (script to Latin, case, punctuation, legal
forms from ISO 20275 and the data files, natural word order, honorifics, spelling-class skeletons).
This module only adds what matching needs on top of it: a loose consonant key per token, the
blocking keys, the forms derived from a listed name, and address tokens.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from ..normalize import DATA, address_parts, is_name_fragment, normalize_name, skeleton

# Letters a loose key or a name's vowelless key leaves out after the first letter
DROPPED_LETTERS = "aeiouyhw"
_SKELETON_DROP = re.compile(f"[{DROPPED_LETTERS}]")
_PARENS = re.compile(r"\(([^()]{2,40})\)")
# Payment messages carry a name in lines of 35 characters (SWIFT MT fields); a customer name of
# about that length may be a listed name cut short, its last word possibly cut mid-word.
CUT_WIDTH = 35
_CUT_KEY_MIN = 5  # shortest cut word looked up by prefix
COMPACT_EDIT = (8, 14)  # letters of a name of several words whose single deletions are keys
# A short word (this many letters) with a wrong or missing letter is found by its forms (the word and,
# at the longer length, its single deletions) paired with another word of the name, which must agree
SHORT_EDIT = (3, 4)
PAIR_WORDS = 4  # the first words of a name paired so
# A long word with a letter or two wrong after its start is found by its first letters
LONG_PREFIX = (9, 5)  # (letters of a long word, letters of its prefix key)
FIRST_WORDS = 6   # the first words of a name whose pairs (words, classes, phonetic keys, prefixes) are keys
PAIR_PREFIX = 3   # letters of a word's prefix in a prefix pair
CLASS_KEY_MIN = 3  # letters of the shortest spelling class or phonetic key that is a key
EDGE_LETTERS = 4  # letters of a word's start and end keys ...
EDIT_MIN = 5      # ... and of its single deletions, from words this long (a four-letter word is a deletion itself)
VOWELLESS_MIN = 7  # letters of the shortest vowelless key of a name


def key_params() -> dict:
    """The constants of the blocking keys, as the SQL that keys a chunk's names reads them
    (``sql/match_chunk.sql``, ``match_cname_keys``: the twin of :func:`blocking_keys`)."""
    return {"keys": {"first_words": FIRST_WORDS, "pair_prefix": PAIR_PREFIX, "class_min": CLASS_KEY_MIN, "edge_letters": EDGE_LETTERS,
                     "edit_min": EDIT_MIN, "compact_min": COMPACT_EDIT[0], "compact_max": COMPACT_EDIT[1],
                     "short_min": SHORT_EDIT[0], "short_max": SHORT_EDIT[1], "pair_words": PAIR_WORDS,
                     "long_word": LONG_PREFIX[0], "long_prefix": LONG_PREFIX[1], "cut_min": _CUT_KEY_MIN,
                     "vowelless_min": VOWELLESS_MIN, "dropped": f"[{DROPPED_LETTERS}]"}}


def _data_rows(file: str) -> list[dict[str, str]]:
    with open(DATA / file, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@lru_cache(maxsize=1)
def common_name_classes() -> frozenset[str]:
    """Spelling classes of given names and surnames common in the population
    (``data/common_name_words.csv``): weak evidence however rare they are on the lists."""
    return frozenset(skeleton(row["word"].strip()) for row in _data_rows("common_name_words.csv"))


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern[str]:
    """Publisher phrases appended to names (``data/name_boilerplate.csv``), cut with what follows."""
    rows = _data_rows("name_boilerplate.csv")
    phrases = [r"\s+".join(map(re.escape, row["phrase"].split())) for row in rows]
    return re.compile(r"[;,]?\s*(?:" + "|".join(phrases) + r")\b.*$", re.IGNORECASE)


@dataclass(frozen=True)
class NameFeatures:
    """What the matcher compares about one name."""

    core: str                  # normalised name without legal form, tokens joined by one space
    tokens: tuple[str, ...]    # in natural order (given names first)
    phonetic: tuple[str, ...]  # metaphone key per token
    skeletons: tuple[str, ...]  # spelling-class key per token (Pak/Park, Chol/Cheol, Zhang/Chang)
    loose: tuple[str, ...]     # first letter + consonants per token (Seok/Sok)
    sorted_key: str            # tokens sorted: word order ignored
    compact: str               # tokens joined without spaces: spacing ignored
    legal_form: str | None     # comparison class of the legal form (llc, jsc) or its canonical form


@dataclass(frozen=True)
class AddressFeatures:
    """What the matcher compares about one address."""

    tokens: tuple[str, ...]    # distinctive words, numbers and the postcode, without street-type noise
    postcode: str | None
    street: bool               # a street-level address (has a number and a street), not just a city


@lru_cache(maxsize=200_000)
def name_features(name: str, entity_type: str | None = None) -> NameFeatures:
    """Features of one name: :func:`screening.normalize.normalize_name` plus matching keys."""
    norm = normalize_name(_boilerplate().sub("", name or ""), entity_type)
    return NameFeatures(
        core=norm.core, tokens=norm.tokens, phonetic=norm.phonetic, skeletons=norm.skeletons,
        loose=tuple(loose_key(t) for t in norm.tokens), sorted_key=norm.sorted_key,
        compact=norm.compact, legal_form=norm.legal_class or norm.legal_form,
    )


@lru_cache(maxsize=200_000)
def loose_key(token: str) -> str:
    """First letter and the consonants after it, doubled letters collapsed (Seok/Sok, Hyon/Hyun)."""
    if len(token) < 3 or token.isdigit():
        return token
    out = token[0]
    for ch in _SKELETON_DROP.sub("", token[1:]):
        if ch != out[-1]:
            out += ch
    return out


def derived_names(name: str) -> list[str]:
    """Other forms a listed name is known by: the name without a parenthesised part, and that part
    when it is an acronym or short alias (``Enterprise Chips Hunter (ECH)`` -> ``Enterprise Chips Hunter``, ``ECH``).
    A place or branch tag (``(香港)``, ``(Hong Kong)``) or a legal form alone (``(Pvt)``) is no name."""
    m = _PARENS.search(name)
    if not m:
        return []
    outer = (name[:m.start()] + name[m.end():]).strip(" ,;")
    inner = m.group(1).strip()
    out = [outer] if outer else []
    if inner and len(inner.split()) <= 4 and not is_name_fragment(inner):
        out.append(inner)
    return out


def may_be_cut(name: str) -> bool:
    """Whether a customer name has the length of a payment-message name line (it may be cut)."""
    return CUT_WIDTH - 2 <= len(name.strip()) <= CUT_WIDTH


@lru_cache(maxsize=200_000)
def address_features(text: str | None, city: str | None = None, postcode: str | None = None) -> AddressFeatures:
    """Distinctive tokens of one address (street, number, city, postcode), as normalize_address finds them.

    The parts are joined into one text so that a list address (separate fields) and a customer
    address (one line) go through the same postcode detection.
    """
    code, street_tokens, _ = address_parts(" ".join(p for p in (text, city, postcode) if p))
    code = code.lower() or None
    tokens = tuple(dict.fromkeys(street_tokens + ((code,) if code else ())))
    has_street = any(ch.isdigit() for w in tokens for ch in w) and len(tokens) >= 3
    return AddressFeatures(tokens=tokens, postcode=code, street=has_street)


def _short_word_pairs(toks: tuple[str, ...]) -> list[str]:
    """Keys of a short word spelt a letter apart while another word of the name is the same
    (Fzng Yu / Fang Yu, Al Aqa / Al Aqsa): each form of a short word (itself, and its single
    deletions at the longer length) with each other word among the first ones. Alone, such forms
    (fng, aqa) are shared by too many names to look anything up."""
    first = toks[:PAIR_WORDS]
    keys = []
    for i, t in enumerate(first):
        if not (SHORT_EDIT[0] <= len(t) <= SHORT_EDIT[1] and t.isalpha()):
            continue
        forms = [t] + ([t[:k] + t[k + 1:] for k in range(len(t))] if len(t) == SHORT_EDIT[1] else [])
        partners = [u for j, u in enumerate(first) if j != i and len(u) >= 2 and u != t]
        keys += [f"e:{f} {u}" for f in dict.fromkeys(forms) for u in partners]
    return keys


def blocking_keys(features: NameFeatures, cut: bool = False, listed: bool = False) -> list[str]:
    """Keys under which a name is indexed: tokens, skeletons, phonetic keys, pairs, the compact form.

    Which of them are used to look candidates up is decided by their frequency in the lists
    (see :mod:`screening.match.index`), so that rare words block alone and common ones only in
    pairs. ``listed``: a list name also gets prefix keys of its long words, found by a customer
    name that was ``cut`` inside its last word. A chunk of customer names is keyed by this
    function's SQL twin (``sql/match_chunk.sql``, ``match_cname_keys``; tests/match/test_chunk_keys.py).
    """
    toks = features.tokens
    keys = [f"t:{t}" for t in toks]
    keys += [f"s:{s}" for s, t in zip(features.skeletons, toks) if s != t and len(s) >= CLASS_KEY_MIN]
    keys += [f"p:{p}" for p in features.phonetic if len(p) >= CLASS_KEY_MIN]
    first = sorted(set(toks[:FIRST_WORDS]))
    keys += [f"b:{a} {b}" for i, a in enumerate(first) for b in first[i + 1:]]
    sk = sorted(set(features.skeletons[:FIRST_WORDS]))
    keys += [f"k:{a} {b}" for i, a in enumerate(sk) for b in sk[i + 1:]]
    phon = sorted(set(p for p in features.phonetic[:FIRST_WORDS] if p))
    keys += [f"q:{a} {b}" for i, a in enumerate(phon) for b in phon[i + 1:]]
    for t in toks:
        if len(t) >= EDIT_MIN and not t.isdigit():
            # typo-tolerant: a one- or two-letter edit leaves the start or the end intact
            keys += [f"x:{t[:EDGE_LETTERS]}", f"y:{t[-EDGE_LETTERS:]}"]
            # symmetric single deletions: two spellings one edit apart share one (Biosport/Biorsport)
            keys.append(f"d:{t}")
            keys += [f"d:{t[:i]}{t[i + 1:]}" for i in range(1, len(t))]
            if listed:
                keys += [f"z:{t[:i]}" for i in range(_CUT_KEY_MIN, len(t))]
        elif len(t) == EDIT_MIN - 1 and t.isalpha():
            # a four-letter word is a five-letter one with a letter left out (Hadi / Haddi)
            keys.append(f"d:{t}")
    keys += _short_word_pairs(toks)
    # a long word with a letter or two wrong after its start (Iranohsagh / Iranoshargh)
    keys += [f"w:{t[:LONG_PREFIX[1]]}" for t in toks if len(t) >= LONG_PREFIX[0] and t.isalpha()]
    if cut and toks and len(toks[-1]) >= _CUT_KEY_MIN:
        keys.append(f"z:{toks[-1]}")
    pre = sorted(set(t[:PAIR_PREFIX] for t in toks[:FIRST_WORDS] if len(t) >= PAIR_PREFIX))
    keys += [f"g:{a} {b}" for i, a in enumerate(pre) for b in pre[i + 1:]]
    compact = features.compact
    if len(toks) >= 2 and COMPACT_EDIT[0] <= len(compact) <= COMPACT_EDIT[1]:
        # the whole name with a letter left out, spacing aside (Omar Abdulah / Omar Abdullah): as the
        # "spelt close" name level compares it; long names have rare words of their own
        keys.append(f"d:{compact}")
        keys += [f"d:{compact[:i]}{compact[i + 1:]}" for i in range(1, len(compact))]
    if features.compact:
        keys.append(f"c:{features.compact}")
        # the spelling classes joined: syllables written apart or together (Yen-hsiung / Yanxiong)
        keys.append(f"c:{''.join(features.skeletons)}")
        # the name without its vowels (a name in Arabic script writes few): as the name level
        letters = features.compact[:1] + _SKELETON_DROP.sub("", features.compact[1:])
        if len(letters) >= VOWELLESS_MIN:
            keys.append(f"v:{letters}")
    if not listed and len(toks) >= 2:
        # a listed name with one word added before or after it (Rosneft Holding, Sberbank Moscow):
        # its compact form is that of the customer name less its first or last word
        keys += [f"c:{''.join(toks[1:])}", f"c:{''.join(toks[:-1])}"]
    return list(dict.fromkeys(keys))
