"""OFAC-parity reference score: what OFAC's Sanctions List Search would show for a name.

OFAC's FAQ 249 says the portal scores a search on the name only, with two techniques, Jaro-Winkler
on the whole string and on its parts, plus Soundex, and reports the better of them as a percentage.
This module reproduces that score from the FAQ and from the portal's observed behaviour, so that an
analyst can answer an auditor who asks what OFAC's own search would have said about a customer:

* names are upper-cased and split into words at spaces, commas and hyphens; apostrophes and
  periods are dropped inside a word (``O'BRIEN`` is ``OBRIEN``, ``J.P.`` is ``JP``); nothing is
  transliterated (the portal finds no Latin-script name for ``Владимир Путин``);
* whole string: Jaro-Winkler of the two names' words joined by spaces, the listed name as the
  list writes it (``PUTIN, Vladimir`` is ``PUTIN VLADIMIR``), and only when both start with the
  same letter (the portal finds ``GEORGIOU, Georgios`` for ``GEORGE BUSH``, nothing for ``BUSH
  GEORGE``);
* per word: each searched word of three letters or more (all words when every one is shorter)
  against its closest listed word, a pair below 0.5 counting 0, the mean over the searched words;
  a pair whose Soundex codes are equal counts at least the floor (the FAQ's Soundex), so that a
  sound-alike word is never zeroed (no score recorded from the portal depends on this: such
  pairs nearly always reach the floor on Jaro-Winkler alone);
* Jaro-Winkler with the Winkler prefix bonus (up to four letters, 0.1 each) applied whatever the
  Jaro similarity (the classic SimMetrics form the portal's long results show).

The score is the better of the whole-string and per-word scores, from 0 to 100 as the portal
shows it. It is a **reference for auditors only**: it is reported beside the product's score and
never decides a hit (it ignores country, date of birth, identifiers, word rarity and spelling
classes, and is asymmetric by design). Parity is measured in ``tests/match/test_ofac_score.py``
against scores recorded from the portal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import jellyfish

PREFIX_LETTERS = 4        # Winkler's common-prefix cap
PREFIX_WEIGHT = 0.1       # Winkler's scaling factor per common prefix letter
WORD_FLOOR = 0.5          # a word pair below this similarity counts 0
SHORT_WORD = 2            # searched words of at most this many letters are left out (unless all are)
_DROPPED = re.compile(r"['’`.]")
_SEPARATORS = re.compile(r"[^\w]+|_")


@dataclass(frozen=True, slots=True)
class OfacScore:
    """The reference score of one (searched name, listed name) pair and its two parts (0..1)."""

    score: int            # 0..100, as the portal shows it
    whole: float          # Jaro-Winkler of the whole strings (0 when the first letters differ)
    per_word: float       # mean of the searched words' best pairs
    query: str
    candidate: str

    def as_dict(self) -> dict:
        return {"ofac_score": self.score, "whole_string": round(self.whole, 4),
                "per_word": round(self.per_word, 4), "query": self.query, "candidate": self.candidate}


def words(name: str) -> list[str]:
    """The words of a name as the portal compares them (upper case, no apostrophes or periods)."""
    return [w for w in _SEPARATORS.split(_DROPPED.sub("", name.upper())) if w]


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler with the prefix bonus applied whatever the Jaro similarity."""
    if not a or not b:
        return 0.0
    jaro = jellyfish.jaro_similarity(a, b)
    if jaro == 0.0:
        return 0.0
    prefix = 0
    for x, y in zip(a[:PREFIX_LETTERS], b[:PREFIX_LETTERS]):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * PREFIX_WEIGHT * (1.0 - jaro)


def whole_string(query: list[str], candidate: list[str]) -> float:
    """Whole-string Jaro-Winkler, 0 unless the names start with the same letter."""
    a, b = " ".join(query), " ".join(candidate)
    if not a or not b or a[0] != b[0]:
        return 0.0
    return jaro_winkler(a, b)


def _soundex(word: str) -> str | None:
    return jellyfish.soundex(word) if word[:1].isascii() and word[:1].isalpha() else None


def per_word(query: list[str], candidate: list[str]) -> float:
    """Mean over the searched words of their closest listed word's similarity."""
    searched = [w for w in query if len(w) > SHORT_WORD] or query
    if not searched or not candidate:
        return 0.0
    total = 0.0
    for word in searched:
        code = _soundex(word)
        best = 0.0
        for other in candidate:
            sim = jaro_winkler(word, other)
            if sim < WORD_FLOOR:
                sim = WORD_FLOOR if code is not None and code == _soundex(other) else 0.0
            best = max(best, sim)
        total += best
    return total / len(searched)


def ofac_score(query: str, candidate: str) -> OfacScore:
    """The reference score of a searched name (the customer's) against one listed name."""
    q, c = words(query or ""), words(candidate or "")
    whole, parts = whole_string(q, c), per_word(q, c)
    return OfacScore(round(100 * max(whole, parts)), whole, parts, query, candidate)


def best_ofac_score(query: str, candidates: Iterable[str]) -> OfacScore | None:
    """The best reference score of a searched name over a listed party's names (the portal scores
    a party by its closest name); None when the party has no name."""
    best = None
    for name in candidates:
        found = ofac_score(query, name)
        if best is None or found.score > best.score:
            best = found
    return best


def reference_score(query: str | None, candidate: str | None) -> int | None:
    """The reference score (0..100) of a customer name against a hit's matched name, as the
    ``ofac_score`` column of ``screen`` and ``check`` reports it; None when either name is missing."""
    if not query or not candidate:
        return None
    return ofac_score(query, candidate).score
