"""Names reduced for comparison: :func:`normalize_name`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..countries import to_country_code
from .data import _joins, _legal_aliases, _noise_tags, _particles, _prefixes, _titles
from .text import script_of, strip_invisible, transliterate
from .tokens import _APOSTROPHES, _WORD, _rule_key, phonetic, skeleton
from .legal import (_OBJECT, _ORG, _PERSON, _UNKNOWN, _Words, _legal_summary, _peel_legal_forms, _split_words,
                    _table_forms)


_NON_WORD = re.compile(r"[^a-z0-9]+")


_PARENS = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class NormalizedName:
    """One name reduced for comparison; see :func:`normalize_name`."""

    original: str
    script: str                    # ISO 15924 code of the original
    latin: str                     # transliterated, lower case, punctuation -> space
    legal_form: str | None         # canonical legal form(s) split off ('llc', 'ooo', 'pte ltd')
    legal_class: str | None        # comparison class of the legal form ('llc', 'jsc'), if decided
    core: str                      # tokens joined by one space
    tokens: tuple[str, ...]        # core words in natural order
    sorted_key: str                # tokens sorted: word order ignored
    compact: str                   # tokens without spaces: "al qaida" == "alqaida"
    skeletons: tuple[str, ...]     # spelling-class key of each token
    skeleton_key: str              # skeletons sorted and joined: order and spelling ignored
    phonetic: tuple[str, ...]      # metaphone key of each token


def _kind(entity_type: str | None) -> str:
    if entity_type in ("person", "individual"):
        return _PERSON
    if entity_type in ("organization", "organisation", "entity", "company"):
        return _ORG
    if entity_type in ("vessel", "aircraft"):
        return _OBJECT
    return _UNKNOWN


def _natural_order(text: str, kind: str) -> str:
    """'SURNAME, Given Middle' -> 'Given Middle SURNAME' for persons (and look-alikes)."""
    if text.count(",") != 1:
        return text
    surname, given = (part.strip() for part in text.split(","))
    # a person's given names may be many (MNASRI, Fethi Ben Rebai Ben Absha); a name of unknown
    # type with many words after its comma is more likely an organisation's
    if not surname or not given or len(surname.split()) > 4 or (kind != _PERSON and len(given.split()) > 4):
        return text
    if kind == _UNKNOWN and _table_forms(_WORD.findall(given), None):
        return text  # "Acme, Inc." is not a person
    return f"{given} {surname}"


def _is_tag(inner: str) -> bool:
    """Whether normalised words name a place or branch tag (data/name_noise.csv) or a country."""
    tags = _noise_tags()
    return inner in tags or inner.replace(" ", "") in tags or (len(inner) > 3 and bool(to_country_code(inner)))


def _drop_noise_tags(text: str) -> str:
    """Remove parenthesised branch tags such as '(HK)' or '(Hong Kong)'; keep acronyms."""
    def tag(match: re.Match[str]) -> str:
        return " " if _is_tag(_NON_WORD.sub(" ", match.group(1)).strip()) else match.group(0)
    return _PARENS.sub(tag, text) if "(" in text else text


def is_name_fragment(text: str) -> bool:
    """Whether a part of a name (a parenthesised fragment) is no name of its own: a place or branch
    tag ('(香港)', '(Hong Kong)', '(HK)'), nothing but legal forms ('(Pvt)', '(Co., Ltd.)') or an
    honorific ('(Sheikh)')."""
    inner = _latin(_APOSTROPHES.sub("", transliterate(text or "").lower()).replace("&", " and "))
    if not inner or _is_tag(inner):
        return True
    words = _split_words(inner)
    if tuple(words.tokens) in _legal_aliases():  # also the words that are forms only before another
        return True
    if _titles().issuperset(words.tokens):  # '(Sheikh) Musa Hilal': an honorific names nobody
        return True
    # a trailing form is peeled only while a word remains: measure the fragment inside a name
    start, end, _ = _peel_legal_forms(_Words(["x"] + words.tokens, [False] + words.hyphen), _ORG)
    return end - start == 1 and start == 0


def _drop_titles(tokens: list[str], hyphen: list[bool]) -> tuple[list[str], list[bool]]:
    """Remove honorifics while at least two other words remain."""
    titles = _titles()
    if titles.isdisjoint(tokens):
        return tokens, hyphen
    keep = [k for k, t in enumerate(tokens) if t not in titles]
    if len(keep) == len(tokens) or len(keep) < 2:
        return tokens, hyphen
    return [tokens[k] for k in keep], [hyphen[k] for k in keep]


@lru_cache(maxsize=50_000)
def _split_prefix(token: str) -> tuple[str, ...]:
    """'abdulrahman' -> ('abdul', 'rahman'); 'abdel' -> ('abdul',); known names stay whole."""
    for prefix, canonical, assimilated in _prefixes():
        if token == prefix:
            return (canonical,)
        if not token.startswith(prefix) or skeleton(token) != _rule_key(token):
            continue
        rest = token[len(prefix):]
        if assimilated:
            if not rest.startswith(prefix[-1]):
                continue
        if len(rest) >= 4:
            return canonical, rest
    return (token,)


def _join_and_split(tokens: list[str], hyphen: list[bool]) -> tuple[list[str], list[bool]]:
    """Join 'abd al' -> 'abdul', split 'abdulrahman' -> 'abdul rahman'."""
    if not any(t.startswith("abd") for t in tokens):  # every join and prefix is an 'abd' form
        return tokens, hyphen
    joins = _joins()
    out: list[str] = []
    out_h: list[bool] = []
    k = 0
    while k < len(tokens):
        token, glued = tokens[k], hyphen[k]
        if k + 1 < len(tokens) and (token, tokens[k + 1]) in joins:
            token, glued = joins[(token, tokens[k + 1])], hyphen[k + 1]
            k += 1
        parts = _split_prefix(token) if token.startswith("abd") else (token,)
        out.extend(parts)
        out_h.extend([False] * (len(parts) - 1) + [glued])
        k += 1
    return out, out_h


def _merge_initials(tokens: list[str], hyphen: list[bool]) -> tuple[list[str], list[bool]]:
    """Join runs of single letters into one acronym: 'P.C.C.' == 'PCC'."""
    out: list[str] = []
    out_h: list[bool] = []
    for token, glued in zip(tokens, hyphen):
        if len(token) == 1 and token.isalpha() and out and len(out[-1]) >= 1 and out_h[-1] is None:
            out[-1] += token
            continue
        out.append(token)
        out_h.append(None if len(token) == 1 and token.isalpha() else glued)  # type: ignore[arg-type]
    return out, [bool(h) for h in out_h]


def _token_skeleton(token: str, glued: bool) -> str:
    particle = _particles().get(token)
    if particle and (glued or not particle[1]):
        return particle[0]
    return skeleton(token)


def _latin(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=1_000_000)
def normalize_name(name: str, entity_type: str | None = None) -> NormalizedName:
    """Normalise one name for consolidation and matching.

    ``entity_type`` is the model's vocabulary (person, organization, vessel, aircraft,
    unknown or None). Legal forms are looked for in organisation names and names of unknown
    type; person names (and unknown names that look like "SURNAME, Given") are put in natural
    order and lose honorifics (Haji, Mullah, Dr...) while two other words remain.
    """
    kind = _kind(entity_type)
    text = strip_invisible(name or "")[0]
    text = _APOSTROPHES.sub("", transliterate(text).lower()).replace("&", " and ")
    latin = _latin(text)
    if kind in (_PERSON, _UNKNOWN):
        text = _natural_order(text, kind)
    if kind != _PERSON:
        text = _drop_noise_tags(text)
    words = _split_words(text)
    forms: list[tuple[str, str]] = []
    start, end = 0, len(words.tokens)
    if kind in (_ORG, _UNKNOWN) and words.tokens:
        start, end, forms = _peel_legal_forms(words, kind)
    tokens, hyphen = words.tokens[start:end], words.hyphen[start:end]
    if kind in (_PERSON, _UNKNOWN):
        tokens, hyphen = _drop_titles(tokens, hyphen)
    tokens, hyphen = _join_and_split(tokens, hyphen)
    if kind != _PERSON and len(tokens) > 1:
        tokens, hyphen = _merge_initials(tokens, hyphen)
    legal_form, legal_class = _legal_summary(forms)
    skeletons = tuple(_token_skeleton(t, h) for t, h in zip(tokens, hyphen))
    return NormalizedName(
        original=name, script=script_of(name), latin=latin,
        legal_form=legal_form, legal_class=legal_class,
        core=" ".join(tokens), tokens=tuple(tokens), sorted_key=" ".join(sorted(tokens)),
        compact="".join(tokens), skeletons=skeletons, skeleton_key=" ".join(sorted(skeletons)),
        phonetic=tuple(phonetic(t) for t in tokens),
    )
