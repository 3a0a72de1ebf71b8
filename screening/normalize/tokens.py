"""Keys of one word: its spelling class (skeleton) and its phonetic key."""
from __future__ import annotations

import re
from functools import lru_cache

import jellyfish

from .data import _particles, _rows
from .text import transliterate


_WORD = re.compile(r"[a-z0-9]+")


# apostrophes and the transliteration of ayn/hamza vanish inside words: "Qa'ida" == "Qaida"
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")


def _variant_tokens(variant: str) -> list[str]:
    """Tokens of a variant as the names pipeline would see them (it may be in any script)."""
    text = _APOSTROPHES.sub("", transliterate(variant).lower())
    return [t for t in _WORD.findall(text) if t not in _particles()]


@lru_cache(maxsize=1)
def _variants() -> tuple[dict[str, str], tuple[str, ...]]:
    """Rule key -> class key from name_variants.csv, and the conflicts found while loading.

    Each class is keyed by the rule key of its canonical spelling; a variant whose rule key
    already belongs to another class is a conflict (reported, first class wins).
    """
    mapping: dict[str, str] = {}
    conflicts: list[str] = []
    for row in _rows("name_variants.csv"):
        target = _rule_key(row["canonical"])
        keys = [target] + [_rule_key(t) for t in _variant_tokens(row["variant"])[-1:]]
        for key in keys:
            known = mapping.setdefault(key, target)
            if known != target:
                conflicts.append(f"{row['variant']}: {key} in {known} and {target}")
    return mapping, tuple(conflicts)


def variant_conflicts() -> tuple[str, ...]:
    """Variants of name_variants.csv that fall into two spelling classes (should be empty)."""
    return _variants()[1]


_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"eo", "o"), (r"eu", "u"),                      # Korean RR eo/eu = McCune-Reischauer o/u
    (r"dzh", "j"),                                   # Russian spelling of j (Dzhafar)
    (r"ye", "e"),                                    # BGN ye = ICAO e (Yevgeny, Andreyev)
    (r"ie(?=v)", "e"),                               # -iev/-ievich = -yev/-yevich
    (r"iy(?=[aeiou])", "y"),                         # Anastasiya/Anastasia, Zakariya/Zakaria
    (r"ia", "ya"), (r"iu", "yu"),                    # ICAO ia/iu = BGN ya/yu
    (r"y(?![aeiou])", "i"),                          # final -iy/-yy/-y: Sergey/Sergei, Yury/Yuri
    (r"ph", "f"), (r"ck", "k"), (r"q", "k"), (r"w", "v"), (r"x", "ks"),
    (r"ou(?=.)", "u"), (r"oo", "u"), (r"ee", "i"),  # final Chinese -ou stays: Zhou != Zhu
    (r"(.)\1+", r"\1"),                              # doubled letters: Hassan/Hasan, Dmitrii
    (r"(?<=...[aeiou])h$", ""),                      # final h after a vowel: Fatimah/Fatima
))


_RUSSIAN_YO = re.compile(r"(?<=[b-df-hj-np-tv-xz])yo")


_ROMAN = re.compile(r"^(?:x{0,3})(?:ix|iv|v?i{0,3})$")  # vessel and ruler numbers: II, VII, XIII


@lru_cache(maxsize=200_000)
def _rule_key(token: str) -> str:
    """Spelling key of a lower-case ASCII token when it is not in the variants file."""
    if len(token) <= 2 or not token.isalpha() or _ROMAN.match(token):
        return token
    if len(token) >= 6:  # Russian yo (Semyonovich/Semenovich); short Korean hyon/byon keep it
        token = _RUSSIAN_YO.sub("e", token)
    for pattern, replacement in _RULES:
        token = pattern.sub(replacement, token)
    return token


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Spelling-class key of one token: its class in name_variants.csv, else its rule key."""
    key = _rule_key(token)
    return _variants()[0].get(key, key)


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """Metaphone key of one token (digits are kept as they are)."""
    if not token.isalpha():
        return token
    return jellyfish.metaphone(token).lower() or token
