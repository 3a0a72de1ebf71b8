"""The screening model: Splink comparisons between a customer and a listed entity, and its files.

Each comparison is a Splink ``CustomComparison`` whose levels test pair features that the
candidate SQL computes (``sql/match_pairs.sql``): ``_l`` is the list side, ``_r`` the customer.
The m and u probabilities come from ``benchmarks/train_screen_model.py`` and are stored, in
Splink's own model format, in ``screening/models/screen_model.json``. The default threshold and
per-source thresholds live in ``screening/models/screen_config.json``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple

import jellyfish
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator

from ..normalize import branch_words
from .features import CUT_WIDTH

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_PATH = MODELS_DIR / "screen_model.json"
CONFIG_PATH = MODELS_DIR / "screen_config.json"

class Level(NamedTuple):
    """One comparison level: its SQL condition (Splink), label, whether it is the null level, and
    the same condition in Python over a dict of pair features (one-off lookups score their few
    candidates in Python: :mod:`screening.match.lookup`; a test checks both give the same levels)."""

    sql: str
    label: str
    is_null: bool
    test: Callable[[dict], bool]


def _least(f: dict, a: str, b: str) -> float:
    return min(f[a], f[b])


def consonants(compact: str) -> str:
    """A name's letters without vowels after the first letter: Arabic and Persian script write
    few vowels, so ``حسن نصر الله`` (hsn nsr allah) and NASRALLAH, Hasan share ``hsnnsrll``."""
    return compact[:1] + _VOWELS.sub("", compact[1:])


def _consonants_sql(side: str) -> str:
    return f"left(compact_{side}, 1) || regexp_replace(compact_{side}[2:], '[aeiouyhw]', '', 'g')"


_VOWELS = re.compile(r"[aeiouyhw]")
CONSONANTS_MIN = 7  # shorter consonant strings are shared by too many names


def _long(f: dict) -> bool:
    """A name long enough to be evidence on its own: three words or more, or nine letters and more
    (two syllables, such as the Chinese names Tan Wei or Guo Peng, are shared by many people)."""
    return f["ntok_r"] >= 3 or len(f["compact_r"]) >= 9


# A name long enough to be evidence on its own (SQL of _long)
LONG = "(ntok_r >= 3 OR length(compact_r) >= 9)"
# The same of the listed name: a listed name of two syllables (QIANG HU, KANG Min) is inside many
# customers' names of three (胡志强, 강수민)
LONG_L = "(ntok_l >= 3 OR length(compact_l) >= 9)"


def _long_l(f: dict) -> bool:
    """:func:`_long` of the listed name."""
    return f["ntok_l"] >= 3 or len(f["compact_l"]) >= 9


SHORT_WORD = 3  # letters of a word (an acronym, a number) whose one wrong letter makes it another word
RARE_WORD = 6.0  # a word weighs this much when few listed names use it (common given names weigh 4.5 at most)


CLOSE_MIN_LETTERS = 10     # letters of a whole name spelt close ...
LETTERS_PER_EDIT = 8       # ... one edit per this many letters at most
# No two names that close are below this Jaro similarity (a pre-check, never a level: see NAME_MAY_MATCH):
# k <= n/8 edits keep n - k letters of each name matched within Jaro's window (n/2 - 1 >= k letters
# from 10), at most half of them transposed: ((1 - 1/8) + (1 - 1/7) + 1/2) / 3 = 0.7440
CLOSE_LETTERS_JARO = 0.744


def close_letters(f: dict) -> bool:
    """The whole names spelt close: the letters of both names (spacing aside) at most one edit per
    eight letters apart, and ten letters or more (Al Maskah / almaskah, a letter wrong or left out
    in a long name that splits its words differently). The customer's short words (acronyms, numbers)
    are in the listed name as they are: UMS is not USM, vessel 802 is not 801."""
    a, b = f["compact_l"], f["compact_r"]
    n = len(b)
    # the lengths' difference is a least number of edits: most names are told apart without counting them
    return (n >= CLOSE_MIN_LETTERS and abs(len(a) - n) * LETTERS_PER_EDIT <= n
            and jellyfish.damerau_levenshtein_distance(a, b) * LETTERS_PER_EDIT <= n
            and {w for w in f["core_r"].split() if len(w) <= SHORT_WORD} <= set(f["core_l"].split()))

LONG_WORD = 8  # letters of a one-word name long enough for one typo in it to be told from another word


def one_letter_apart(f: dict) -> bool:
    """Both names one word of LONG_WORD letters or more, one edit apart."""
    return (f["ntok_r"] == 1 and f["ntok_l"] == 1 and len(f["compact_r"]) >= LONG_WORD
            and jellyfish.damerau_levenshtein_distance(f["compact_l"], f["compact_r"]) <= 1)


LONGER_WORD = 10  # letters of a one-word name long enough for two typos in it to be told from another word


def two_letters_apart(f: dict) -> bool:
    """Both names one word of LONGER_WORD letters or more, two edits apart (Iranohsagh / Iranoshargh)."""
    return (f["ntok_r"] == 1 and f["ntok_l"] == 1 and len(f["compact_r"]) >= LONGER_WORD
            and jellyfish.damerau_levenshtein_distance(f["compact_l"], f["compact_r"]) <= 2)


# One long word cut short: the customer's only word starts the listed name's only word (the cut
# similarity counts it as the same word in its place only for a name of payment-message width)
CUT_COVER = 0.94  # the cut similarity (0.95) less rounding
CUT_WORD_SQL = (f"(ntok_r = 1 AND ntok_l = 1 AND length(compact_r) >= {LONG_WORD} "
                f"AND length(compact_l) > length(compact_r) AND xcover_r >= {CUT_COVER} AND aligned_r >= {CUT_COVER})")


def _cut_word(f: dict) -> bool:
    """:data:`CUT_WORD_SQL` in Python."""
    return (f["ntok_r"] == 1 and f["ntok_l"] == 1 and len(f["compact_r"]) >= LONG_WORD
            and len(f["compact_l"]) > len(f["compact_r"]) and f["xcover_r"] >= CUT_COVER
            and f["aligned_r"] >= CUT_COVER)


# Both sides may be a person: the listed entry is a person or of unknown type (BIS rows carry
# none), the customer a person or of unknown type
PERSONS = "coalesce(type_l, 'unknown') IN ('person', 'unknown') AND coalesce(type_r, 'person') = 'person'"


def _persons(f: dict) -> bool:
    return (f["type_l"] or "unknown") in ("person", "unknown") and (f["type_r"] or "person") == "person"


# A listed person's first words alone, in a name shorter than a payment message's name line: the
# given names without the surname (Jean Michel for JEAN-MICHEL DIDAT), not a name cut short
GIVEN_NAMES_ONLY = f"({PERSONS} AND length(core_r) < {CUT_WIDTH - 2})"


def _given_names_only(f: dict) -> bool:
    """:data:`GIVEN_NAMES_ONLY` in Python."""
    return _persons(f) and len(f["core_r"]) < CUT_WIDTH - 2


# ... and those first words in their places, the listed last word (the surname) not among them
FIRST_WORDS_ONLY = f"({GIVEN_NAMES_ONLY} AND aligned_r >= 0.95 AND edges_r < 0.5)"


def _first_words_only(f: dict) -> bool:
    """:data:`FIRST_WORDS_ONLY` in Python."""
    return _given_names_only(f) and f["aligned_r"] >= 0.95 and f["edges_r"] < 0.5


# Scripts written without most vowels: the customer names the vowel-less level is for
VOWELLESS_SCRIPTS = ("Arab",)
VOWELLESS_SQL = "(" + ", ".join(f"'{code}'" for code in VOWELLESS_SCRIPTS) + ")"
# Scripts whose person names start with a one-syllable surname (Chinese, Korean)
SURNAME_FIRST_SCRIPTS = ("Hani", "Hang")
SURNAME_WORDS = (2, 3)  # words of a short name of those scripts: surname and one or two syllables
SURNAME_DIFFERS = ("a Chinese or Korean name whose syllables are not the listed name's (another surname or given "
                   "name, or a listed two-syllable name inside a longer one)")
# the exact cover under which a given-name syllable of a short Chinese or Korean name is another
# syllable: one that merely sounds alike (Xiang / Xiaoming, Jun / Jin) is another character
SYLLABLES_SAME = 0.92
SURNAME_FIRST = (f"script_r IN ({', '.join(repr(c) for c in SURNAME_FIRST_SCRIPTS)}) "
                 f"AND ntok_r BETWEEN {SURNAME_WORDS[0]} AND {SURNAME_WORDS[1]} AND {PERSONS}")


# both names of the same letters (their spelling-class keys' letters), in whatever order and spacing
SAME_LETTERS = ("(list_sort(string_split(compact_l, '')) = list_sort(string_split(compact_r, '')) "
                "OR list_sort(string_split(skeleton_l, '')) = list_sort(string_split(skeleton_r, '')))")


def _same_letters(f: dict) -> bool:
    """:data:`SAME_LETTERS` in Python."""
    return sorted(f["compact_l"]) == sorted(f["compact_r"]) or sorted(f["skeleton_l"]) == sorted(f["skeleton_r"])


TWO_SYLLABLES_INSIDE = (f"(script_r IN ({', '.join(repr(c) for c in SURNAME_FIRST_SCRIPTS)}) AND ntok_l = 2 "
                        "AND ntok_r > 2 AND coalesce(type_l, 'unknown') <> 'organization')")


def _two_syllables_inside(f: dict) -> bool:
    """:data:`TWO_SYLLABLES_INSIDE` in Python: a customer name in Chinese or Korean script longer than
    a listed two-word name of a person, vessel or party of unknown type."""
    return (f["script_r"] in SURNAME_FIRST_SCRIPTS and f["ntok_l"] == 2 and f["ntok_r"] > 2
            and (f["type_l"] or "unknown") != "organization")


def _surname_first(f: dict) -> bool:
    """A customer person's short name in Chinese or Korean script (its first word the surname)."""
    return (f["script_r"] in SURNAME_FIRST_SCRIPTS and SURNAME_WORDS[0] <= f["ntok_r"] <= SURNAME_WORDS[1]
            and _persons(f))


# A short name of two words, one the same and the other spelt a letter apart with the same first
# letter (Yu Fzng / Fang Yu): the words of each name the other name lacks, one on each side, the
# customer's longer than a SHORT_WORD (Li Wen is not Li Wei). Not for a name written in Chinese or
# Korean script: its letters are a romanisation, and a syllable a letter apart is another
# character (杨欣 Yang Xin is not YONG XIN)
_ONLY_R = "list_filter(string_split(core_r, ' '), lambda w: NOT list_contains(string_split(core_l, ' '), w))"
_ONLY_L = "list_filter(string_split(core_l, ' '), lambda w: NOT list_contains(string_split(core_r, ' '), w))"
ONE_WORD_TYPO = (f"(ntok_r = 2 AND ntok_l = 2 AND len({_ONLY_R}) = 1 AND len({_ONLY_L}) = 1 "
                 f"AND length({_ONLY_R}[1]) > {SHORT_WORD} AND left({_ONLY_R}[1], 1) = left({_ONLY_L}[1], 1) "
                 f"AND damerau_levenshtein({_ONLY_R}[1], {_ONLY_L}[1]) = 1 "
                 f"AND coalesce(script_r, '') NOT IN ({', '.join(repr(c) for c in SURNAME_FIRST_SCRIPTS)}))")


def one_word_typo(f: dict) -> bool:
    """:data:`ONE_WORD_TYPO` in Python."""
    if f["ntok_r"] != 2 or f["ntok_l"] != 2 or f["script_r"] in SURNAME_FIRST_SCRIPTS:
        return False
    words_r, words_l = f["core_r"].split(" "), f["core_l"].split(" ")
    only_r = [w for w in words_r if w not in words_l]
    only_l = [w for w in words_l if w not in words_r]
    return (len(only_r) == 1 and len(only_l) == 1 and len(only_r[0]) > SHORT_WORD and only_r[0][0] == only_l[0][0]
            and jellyfish.damerau_levenshtein_distance(only_r[0], only_l[0]) == 1)


# The least customer cover any name level asks (a listed name inside the customer's: every listed
# word in it, and this share of the customer's name)
LEAST_CUSTOMER_COVER = 0.45

# A listed one-word company name with one of these words added is its group member's or branch's name
BRANCH_WORDS_SQL = "[" + ", ".join(f"'{w}'" for w in sorted(branch_words())) + "]"

# A name of one common word with a legal form of the listed kind (the levels above take longer names
# and rare words; the legal form compared is its kind, as in the legal_form comparison)
SAME_NAME_AND_FORM = "same name of one common word and the same legal form"

# The address level of an address hit (a listed street address reused under another name): the
# matcher finds its gamma by this label (screening.match.explain.ADDRESS_HIT).
SAME_STREET_ADDRESS = "same street address"

# (comparison, levels from best to worst); ELSE is added. Covers count a word by its closest word in
# the other name (similarity 0..1); the exact covers (xcover) only words that are the same word or
# a spelling variant of it, so that a word that merely sounds alike is never said to be "in" a name.
COMPARISONS: list[tuple[str, list[Level]]] = [
    ("name", [
        Level("core_l IS NULL OR core_r IS NULL", "no name to compare", True,
              lambda f: f["core_l"] is None or f["core_r"] is None),
        Level(f"core_l = core_r AND ntok_r >= 2 AND {LONG}", "same name", False,
              lambda f: f["core_l"] == f["core_r"] and f["ntok_r"] >= 2 and _long(f)),
        Level("core_l = core_r AND ntok_r >= 2", "same name of two short words", False,
              lambda f: f["core_l"] == f["core_r"] and f["ntok_r"] >= 2),
        Level(f"core_l = core_r AND matched_r >= {RARE_WORD}", "same name of one rare word", False,
              lambda f: f["core_l"] == f["core_r"] and f["matched_r"] >= RARE_WORD),
        # the listed name written out whole, legal form and all ('GORGE LIMITED', 'OJSC Gazprom', or
        # 'GORGE SARL' re-registered in France): a word common among listed names is then still the
        # name, whatever country the customer gives
        Level("core_l = core_r AND legal_form_l = legal_form_r", SAME_NAME_AND_FORM, False,
              lambda f: f["core_l"] == f["core_r"] and f["legal_form_r"] is not None
              and f["legal_form_l"] == f["legal_form_r"]),
        Level("core_l = core_r", "same name of one common word", False, lambda f: f["core_l"] == f["core_r"]),
        Level("sorted_key_l = sorted_key_r OR compact_l = compact_r", "same words, other order or spacing", False,
              lambda f: f["sorted_key_l"] == f["sorted_key_r"] or f["compact_l"] == f["compact_r"]),
        # a short Chinese or Korean name is mostly its surname: given-name syllables alike under
        # another surname (黃秀玲 / Xiu Ling Chen, 김정훈 / Kil Cho'ng-hun) are another person, and so
        # is the same surname with a given-name syllable that only sounds alike (张想 / ZHANG,
        # Xiaoming; 黎進興 / 리송진): each syllable is a character, the same or another
        # (syllables written together or in another order, 张晓明 / ZHANG, Xiaoming, have the same letters)
        # a listed name of two syllables that is no company's (a person, a vessel) is inside many
        # longer Chinese and Korean names (장경희 / JANG GYONG, 维旺明科技 / Wang Wei)
        Level(f"({SURNAME_FIRST} AND (surname_r = 0 OR (least(xcover_l, xcover_r) < {SYLLABLES_SAME} "
              f"AND NOT {SAME_LETTERS}))) OR ({TWO_SYLLABLES_INSIDE} AND NOT {SAME_LETTERS})",
              SURNAME_DIFFERS, False,
              lambda f: (_surname_first(f) and (not f["surname_r"] or (
                  _least(f, "xcover_l", "xcover_r") < SYLLABLES_SAME and not _same_letters(f))))
              or (_two_syllables_inside(f) and not _same_letters(f))),
        # Wade-Giles syllables against a Pinyin name written as one word (Yen-hsiung / Yanxiong)
        Level(f"ntok_l <> ntok_r AND length(skeleton_r) >= {LONG_WORD} AND skeleton_l = skeleton_r",
              "every word the same or a spelling variant, joined or split otherwise", False,
              lambda f: (f["ntok_l"] != f["ntok_r"] and len(f["skeleton_r"]) >= LONG_WORD
                         and f["skeleton_l"] == f["skeleton_r"])),
        # only for a customer name written in Arabic script (Arabic, Persian): a Latin name writes
        # its vowels, so Henderson and Anderson sharing "ndrsn" are two names
        Level(f"script_r IN {VOWELLESS_SQL} AND length({_consonants_sql('r')}) >= {CONSONANTS_MIN} "
              f"AND {_consonants_sql('l')} = {_consonants_sql('r')}",
              "same letters once vowels are left out (a name written without vowels)", False,
              lambda f: f["script_r"] in VOWELLESS_SCRIPTS and len(consonants(f["compact_r"])) >= CONSONANTS_MIN
              and consonants(f["compact_l"]) == consonants(f["compact_r"])),
        # (the lengths' difference is a least number of edits: most pairs are told apart without counting)
        Level(f"length(compact_r) >= {CLOSE_MIN_LETTERS} "
              f"AND abs(length(compact_l) - length(compact_r)) * {LETTERS_PER_EDIT} <= length(compact_r) "
              f"AND damerau_levenshtein(compact_l, compact_r) * {LETTERS_PER_EDIT} <= length(compact_r) "
              f"AND list_has_all(string_split(core_l, ' '), list_filter(string_split(core_r, ' '), "
              f"lambda w: length(w) <= {SHORT_WORD}))",
              "the whole name spelt close: a letter or two differ or the words are split otherwise", False,
              close_letters),
        # one long word a letter apart (Rustanker / Rustankre): a typo, not a sound
        Level(f"ntok_r = 1 AND ntok_l = 1 AND length(compact_r) >= {LONG_WORD} "
              "AND abs(length(compact_l) - length(compact_r)) <= 1 AND damerau_levenshtein(compact_l, compact_r) <= 1",
              "one long word spelt a letter apart", False, one_letter_apart),
        Level(f"ntok_r = 1 AND ntok_l = 1 AND length(compact_r) >= {LONGER_WORD} "
              "AND abs(length(compact_l) - length(compact_r)) <= 2 AND damerau_levenshtein(compact_l, compact_r) <= 2",
              "one long word spelt two letters apart", False, two_letters_apart),
        Level(f"least(xcover_l, xcover_r) >= 0.92 AND ntok_r >= 2 AND {LONG}",
              "every word the same or a spelling variant", False,
              lambda f: _least(f, "xcover_l", "xcover_r") >= 0.92 and f["ntok_r"] >= 2 and _long(f)),
        # fuzzy words weigh less when they carry most of the name (Polyakov/Polynkov, Midea/Mehdi)
        Level(f"least(cover_l, cover_r) >= 0.92 AND least(xcover_l, xcover_r) >= 0.5 AND ntok_r >= 2 AND {LONG}",
              "every word alike, most the same, some only sound alike or are spelt close", False,
              lambda f: (_least(f, "cover_l", "cover_r") >= 0.92 and _least(f, "xcover_l", "xcover_r") >= 0.5
                         and f["ntok_r"] >= 2 and _long(f))),
        Level(f"least(cover_l, cover_r) >= 0.92 AND ntok_r >= 2 AND {LONG}",
              "every word alike, the rarer ones only sound alike or are spelt close", False,
              lambda f: _least(f, "cover_l", "cover_r") >= 0.92 and f["ntok_r"] >= 2 and _long(f)),
        Level(f"least(cover_l, cover_r) >= 0.8 AND least(xcover_l, xcover_r) >= 0.5 AND ntok_r >= 2 AND {LONG}",
              "nearly every word alike, most the same, some only sound alike or are spelt close", False,
              lambda f: (_least(f, "cover_l", "cover_r") >= 0.8 and _least(f, "xcover_l", "xcover_r") >= 0.5
                         and f["ntok_r"] >= 2 and _long(f))),
        Level(f"least(cover_l, cover_r) >= 0.8 AND ntok_r >= 2 AND {LONG}",
              "nearly every word alike, the rarer ones only sound alike or are spelt close", False,
              lambda f: _least(f, "cover_l", "cover_r") >= 0.8 and f["ntok_r"] >= 2 and _long(f)),
        # a person named by first and last name only (Miguel Orejuela for RODRIGUEZ OREJUELA, Miguel
        # Angel): every customer word the same, the first and last words in their places
        Level(f"xcover_r >= 0.95 AND edges_r >= 0.95 AND ntok_r >= 2 AND ntok_l > ntok_r AND matched_r >= 12 "
              f"AND {PERSONS}",
              "a person's middle names left out: first and last names the same (rare words)", False,
              lambda f: (f["xcover_r"] >= 0.95 and f["edges_r"] >= 0.95 and f["ntok_r"] >= 2
                         and f["ntok_l"] > f["ntok_r"] and f["matched_r"] >= 12 and _persons(f))),
        # a name cut short as a payment message cuts it, the last word possibly mid-word; a one-word
        # name (its legal form aside) cut inside its long word: BUSINESSP for BUSINESSPROMESTATE
        Level(f"(xcover_r >= 0.95 AND aligned_r >= 0.95 AND ntok_r >= 2 AND ntok_l > ntok_r AND matched_r >= 12 "
              f"AND NOT {GIVEN_NAMES_ONLY}) OR {CUT_WORD_SQL}",
              "the listed name cut short or its last words left out, every customer word the same in its place "
              "(rare words)", False,
              lambda f: (f["xcover_r"] >= 0.95 and f["aligned_r"] >= 0.95 and f["ntok_r"] >= 2
                         and f["ntok_l"] > f["ntok_r"] and f["matched_r"] >= 12 and not _given_names_only(f))
              or _cut_word(f)),
        Level("cover_r >= 0.95 AND ntok_r >= 2 AND ntok_l > ntok_r AND matched_r >= 12 "
              f"AND (edges_r >= 0.85 OR (aligned_r >= 0.85 AND NOT {GIVEN_NAMES_ONLY}))",
              "the listed name shortened: middle words left out or cut short (rare words)", False,
              lambda f: (f["cover_r"] >= 0.95 and f["ntok_r"] >= 2 and f["ntok_l"] > f["ntok_r"]
                         and f["matched_r"] >= 12
                         and (f["edges_r"] >= 0.85 or (f["aligned_r"] >= 0.85 and not _given_names_only(f))))),
        Level("xcover_r >= 0.9 AND cover_l >= 0.45 AND ntok_r >= 2 AND ntok_l > ntok_r AND matched_r >= 12 "
              f"AND NOT {FIRST_WORDS_ONLY}",
              "every customer word is in the listed name, rare words (listed words left out)", False,
              lambda f: (f["xcover_r"] >= 0.9 and f["cover_l"] >= 0.45 and f["ntok_r"] >= 2
                         and f["ntok_l"] > f["ntok_r"] and f["matched_r"] >= 12 and not _first_words_only(f))),
        Level(f"xcover_r >= 0.9 AND cover_l >= 0.45 AND ntok_r >= 2 AND ntok_l > ntok_r AND NOT {FIRST_WORDS_ONLY}",
              "every customer word is in the listed name (listed words left out)", False,
              lambda f: (f["xcover_r"] >= 0.9 and f["cover_l"] >= 0.45 and f["ntok_r"] >= 2
                         and f["ntok_l"] > f["ntok_r"] and not _first_words_only(f))),
        # a company's subsidiary, branch or trading name (Rosneft Holding, Sberbank Moscow) is the
        # listed name with a word added, even when the listed name is one rare word; a person's
        # one-word alias before a surname is no such thing
        # (the added word says where in its group or where the company is: Giant Manufacturing, Dico
        # Toys or 鮮爭 'Xian Zheng' share a word with GIANT, DICO or Xi'an and are other companies)
        Level(f"xcover_l >= 0.9 AND cover_r >= {LEAST_CUSTOMER_COVER} AND ntok_r > ntok_l AND ((ntok_l >= 2 AND {LONG_L}) "
              f"OR (ntok_l = 1 AND ntok_r = 2 AND lead_r >= 0.95 AND matched_r >= {RARE_WORD} "
              "AND type_l IN ('organization', 'unknown') AND coalesce(type_r, '') <> 'person' "
              f"AND list_contains({BRANCH_WORDS_SQL}, split_part(core_r, ' ', 2))))",
              "every listed word is in the customer name (customer words added)", False,
              lambda f: (f["xcover_l"] >= 0.9 and f["cover_r"] >= LEAST_CUSTOMER_COVER and f["ntok_r"] > f["ntok_l"] and (
                  (f["ntok_l"] >= 2 and _long_l(f))
                  or (f["ntok_l"] == 1 and f["ntok_r"] == 2 and f["lead_r"] >= 0.95 and f["matched_r"] >= RARE_WORD
                      and f["type_l"] in ("organization", "unknown") and f["type_r"] != "person"
                      and f["core_r"].split()[1] in branch_words())))),
        Level(f"xcover_l >= 0.9 AND cover_r >= {LEAST_CUSTOMER_COVER} AND ntok_l >= 2 AND ntok_r > ntok_l",
              "every word of a short listed name (two syllables) is in the customer name", False,
              lambda f: f["xcover_l"] >= 0.9 and f["cover_r"] >= LEAST_CUSTOMER_COVER and f["ntok_l"] >= 2 and f["ntok_r"] > f["ntok_l"]),
        # a short name of two words, one of them the same (Yin Chao / Yin Zhao, Mar Aul / Mar Azul),
        # says more than one word that merely sounds alike (Majewski / Majestic)
        Level("least(xcover_l, xcover_r) >= 0.92 AND ntok_r >= 2 AND ntok_l >= 2",
              "a short name, every word the same or a spelling variant", False,
              lambda f: _least(f, "xcover_l", "xcover_r") >= 0.92 and f["ntok_r"] >= 2 and f["ntok_l"] >= 2),
        # a typo, not a sound: the other word has the same letters but one (Yu Fzng / Fang Yu)
        Level(ONE_WORD_TYPO, "a short name of two words, one the same, the other spelt a letter apart", False,
              one_word_typo),
        Level("least(cover_l, cover_r) >= 0.8 AND least(xcover_l, xcover_r) >= 0.3 AND ntok_r >= 2 AND ntok_l >= 2",
              "a short name, some words the same, the others only sound alike or are spelt close", False,
              lambda f: (_least(f, "cover_l", "cover_r") >= 0.8 and _least(f, "xcover_l", "xcover_r") >= 0.3
                         and f["ntok_r"] >= 2 and f["ntok_l"] >= 2)),
        Level("least(cover_l, cover_r) >= 0.8",
              "one word or a short name that only sounds alike or is spelt close", False,
              lambda f: _least(f, "cover_l", "cover_r") >= 0.8),
        Level("least(cover_l, cover_r) >= 0.6", "most rare words alike", False,
              lambda f: _least(f, "cover_l", "cover_r") >= 0.6),
    ]),
    ("legal_form", [
        Level("legal_form_l IS NULL OR legal_form_r IS NULL", "legal form not given", True,
              lambda f: f["legal_form_l"] is None or f["legal_form_r"] is None),
        Level("legal_form_l = legal_form_r", "same legal form", False,
              lambda f: f["legal_form_l"] == f["legal_form_r"]),
    ]),
    ("country", [
        Level("country_r IS NULL OR len(countries_l) = 0", "country not given", True,
              lambda f: f["country_r"] is None or not f["countries_l"]),
        Level("list_contains(countries_l, country_r)", "country among the listed countries", False,
              lambda f: f["country_r"] in f["countries_l"]),
        Level("(country_r IN ('HK', 'MO') AND list_contains(countries_l, 'CN')) "
              "OR (country_r = 'CN' AND list_has_any(countries_l, ['HK', 'MO']))",
              "China and its special administrative regions", False,
              lambda f: ((f["country_r"] in ("HK", "MO") and "CN" in f["countries_l"])
                         or (f["country_r"] == "CN" and bool({"HK", "MO"} & set(f["countries_l"]))))),
    ]),
    ("address", [
        Level("acov_r IS NULL OR acov_l IS NULL", "no address to compare", True,
              lambda f: f["acov_r"] is None or f["acov_l"] is None),
        Level("street_r AND least(acov_l, acov_r) >= 0.8", SAME_STREET_ADDRESS, False,
              lambda f: bool(f["street_r"]) and _least(f, "acov_l", "acov_r") >= 0.8),
        Level("street_r AND acov_r >= 0.6", "similar street address", False,
              lambda f: bool(f["street_r"]) and f["acov_r"] >= 0.6),
        Level("acov_r >= 0.99", "same city or area", False, lambda f: f["acov_r"] >= 0.99),
    ]),
    ("dob", [
        Level("dob_year_r IS NULL OR len(birth_years_l) = 0", "date of birth not given", True,
              lambda f: f["dob_year_r"] is None or not f["birth_years_l"]),
        Level("list_contains(birth_dates_l, dob_r)", "same date of birth", False,
              lambda f: f["dob_r"] is not None and f["dob_r"] in f["birth_dates_l"]),
        Level("list_contains(birth_years_l, dob_year_r)", "same year of birth", False,
              lambda f: f["dob_year_r"] in f["birth_years_l"]),
        Level("list_has_any(birth_years_l, [dob_year_r - 1, dob_year_r + 1])", "year of birth one apart", False,
              lambda f: f["dob_year_r"] - 1 in f["birth_years_l"] or f["dob_year_r"] + 1 in f["birth_years_l"]),
        # both sides give a full date and every listed year is two or more years away: well attested
        Level("dob_r IS NOT NULL AND len(birth_dates_l) > 0", "full date of birth years apart", False,
              lambda f: f["dob_r"] is not None and bool(f["birth_dates_l"])),
    ]),
    ("entity_type", [
        Level("type_l IS NULL OR type_r IS NULL OR type_l = 'unknown'", "type not given", True,
              lambda f: f["type_l"] is None or f["type_r"] is None or f["type_l"] == "unknown"),
        Level("type_l = type_r", "same type", False, lambda f: f["type_l"] == f["type_r"]),
    ]),
]
# A name pair can reach a name level above "names differ" only if one of these holds: each level's
# condition implies one. The same name, words, spelling classes or letters; a name of a script the
# Chinese, Korean or vowel-less levels are for; a name spelt close (its lengths, and a Jaro similarity
# that close letters never fall below: CLOSE_LETTERS_JARO); the lengths of one long word a letter or
# two apart; else a cover level, each of which asks one of the covers below (the exact covers are
# at most the covers; a short name of two words, one the same and the other a letter apart, covers
# 0.9 on both sides, each word being a token with its own similarity). So a customer name and an
# entity none of whose compared names meets one is at "names differ" whatever the closest of them:
# a batch finds the closest name only of the other pairs (sql/match_pairs.sql, match_name_open).
# Holds for these levels only (knows_name_levels); tests/match/test_hopeful_pairs.py checks it on
# every candidate pair of realistic customers.
NAME_MAY_MATCH = " OR ".join([
    "core_l = core_r", "sorted_key_l = sorted_key_r", "compact_l = compact_r", "skeleton_l = skeleton_r",
    f"({SURNAME_FIRST})", TWO_SYLLABLES_INSIDE, f"script_r IN {VOWELLESS_SQL}",
    f"(length(compact_r) >= {CLOSE_MIN_LETTERS} "
    f"AND abs(length(compact_l) - length(compact_r)) * {LETTERS_PER_EDIT} <= length(compact_r) "
    f"AND jaro_similarity(compact_l, compact_r) >= {CLOSE_LETTERS_JARO})",
    f"(ntok_r = 1 AND ntok_l = 1 AND length(compact_r) >= {LONG_WORD} "
    "AND abs(length(compact_l) - length(compact_r)) <= 2)",
    # every customer word alike (cut short, shortened, middle names left out, inside the listed name) ...
    "cover_r >= 0.9",
    # ... every listed word alike, and some of the customer's ...
    f"(cover_l >= 0.9 AND cover_r >= {LEAST_CUSTOMER_COVER})",
    # ... or most words of both (the least-cover levels)
    "least(cover_l, cover_r) >= 0.6"])


def knows_name_levels(settings) -> bool:
    """Whether the model's name levels are those of :data:`COMPARISONS` (for which
    :data:`NAME_MAY_MATCH` holds): a model file of other name levels gets every pair's closest name."""
    ours = [level.sql for name, levels in COMPARISONS if name == "name" for level in levels]
    for comparison in settings.comparisons:
        if comparison.output_column_name == "name":
            return [level._sql_condition for level in comparison.comparison_levels] == ours + ["ELSE"]
    return False


ELSE_LABELS = {"name": "names differ", "legal_form": "different legal form", "country": "different country",
               "address": "different address", "dob": "different year of birth", "entity_type": "different type"}


def build_settings(m_u: dict[str, list[tuple[float, float]]] | None = None,
                   prior: float = 0.01) -> SettingsCreator:
    """The Splink settings of the model; ``m_u[comparison]`` gives (m, u) per non-null level, best first."""
    comparisons = []
    for name, levels in COMPARISONS:
        built = []
        probs = iter((m_u or {}).get(name, []))
        for level_spec in levels:
            level = cll.CustomLevel(level_spec.sql, label_for_charts=level_spec.label)
            if level_spec.is_null:
                built.append(level.configure(is_null_level=True))
                continue
            built.append(_with_probs(level, next(probs, None)))
        built.append(_with_probs(cll.ElseLevel().configure(label_for_charts=ELSE_LABELS[name]), next(probs, None)))
        comparisons.append(cl.CustomComparison(output_column_name=name, comparison_levels=built))
    return SettingsCreator(
        link_type="link_only", unique_id_column_name="uid", comparisons=comparisons,
        probability_two_random_records_match=prior, blocking_rules_to_generate_predictions=[],
        retain_intermediate_calculation_columns=True, retain_matching_columns=True,
    )


def _with_probs(level, probs: tuple[float, float] | None):
    if probs is None:
        return level
    return level.configure(m_probability=probs[0], u_probability=probs[1])


@dataclass
class ScreenConfig:
    """Decision thresholds on the match probability: a default and optional per-source overrides."""

    threshold: float = 0.5
    per_source: dict[str, float] = field(default_factory=dict)

    def for_refs(self, list_refs: str, override: float | None = None) -> float:
        """Threshold of an entity: the most sensitive (lowest) threshold of the sources citing it."""
        if override is not None:
            return override
        sources = {ref.split(":", 1)[0] for ref in list_refs.split(";") if ref}
        return min([self.per_source.get(s, self.threshold) for s in sources] or [self.threshold])

    @property
    def lowest(self) -> float:
        return min([self.threshold, *self.per_source.values()])


@lru_cache(maxsize=4)
def load_config(path: str | None = None) -> ScreenConfig:
    """The thresholds file (``screen_config.json``)."""
    data = json.loads(Path(path or CONFIG_PATH).read_text(encoding="utf-8"))
    return ScreenConfig(threshold=float(data["threshold"]),
                        per_source={k: float(v) for k, v in data.get("per_source", {}).items()})


@lru_cache(maxsize=4)
def load_settings(path: str | None = None):
    """The trained Splink settings object (DuckDB dialect) from the model file."""
    model = json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8"))
    model.pop("training", None)  # how the model was made; not a Splink setting
    settings = SettingsCreator.from_path_or_dict(model).get_settings("duckdb")
    settings._retain_matching_columns = True
    settings._retain_intermediate_calculation_columns = True
    return settings
