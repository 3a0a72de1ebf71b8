"""Text before it is split into words: invisible characters removed, the script told, any
script transliterated to Latin ASCII."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from ..scripts import script_of  # noqa: F401 - normalize's name for it
from .data import _arabic_words, _han_words, _letter_tables


_SPACES = re.compile(r"\s+")


# Han and Hangul: one romanised syllable per character
_CJK = re.compile("[\u1100-\u11ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
                  "\uf900-\ufaff\U00020000-\U0002ffff]")


_ARABIC_WORD = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]+")


# Characters that change how a name looks, or hide it, without being part of it: ANSI terminal
# escapes, bidi embeddings/overrides/isolates and marks, zero-width characters, C0/C1 controls
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


_RLO_RUN = re.compile("\u202e([^\u202a-\u202e]*)(?:\u202c|$)")


_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u2069\ufeff]")


_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _displayed(match: re.Match[str]) -> str:
    """A right-to-left override shows left-to-right letters reversed: match what a reader sees."""
    run = match.group(1)
    return run if _RTL_LETTER.search(run) else run[::-1]


@lru_cache(maxsize=200_000)
def strip_invisible(text: str) -> tuple[str, bool]:
    """The text without control and invisible characters, and whether it had any.

    ANSI escape sequences and C0/C1 controls go (tabs and line breaks become spaces), as do
    zero-width characters and bidi controls; a run of left-to-right letters under a right-to-left
    override (U+202E) is taken as displayed: "\u202enituP rimidalV\u202c" shows "Vladimir Putin"."""
    if text.isascii() and text.isprintable():
        return text, False
    cleaned = _ANSI.sub("", text)
    if "\u202e" in cleaned:
        cleaned = _RLO_RUN.sub(_displayed, cleaned)
    cleaned = _INVISIBLE.sub("", cleaned.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    cleaned = _SPACES.sub(" ", cleaned).strip() if cleaned != text else cleaned
    return cleaned, cleaned != text


def _rewrite_arabic_word(match: re.Match[str]) -> str:
    words, prefixes = _arabic_words()
    word = match.group(0)
    if word[0] == "\u0639" and word not in words:
        # initial ayn carries the vowel (Ali, Umar, Abbas): the transliterator would drop it
        word = "\u0627" + word[1:]
    if word in words:
        return f" {words[word]} "
    for prefix, latin in prefixes:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest = word[len(prefix):]
            return f" {latin}{words.get(rest, rest)} "
    return word


def _syllable(match: re.Match[str]) -> str:
    return f" {anyascii(match.group(0)).lower()} "


def _han_words_to_latin(text: str) -> str:
    """Chinese company words (电子, 科技, 贸易 ...) as the English words the lists write for them."""
    for han, latin in _han_words():
        if han in text:
            text = text.replace(han, f" {latin} ")
    return text


@lru_cache(maxsize=200_000)
def transliterate(text: str) -> str:
    """Transliterate any script to Latin ASCII, keeping word boundaries and punctuation.

    Compatibility forms are folded (NFKC: Arabic presentation forms, full-width letters);
    Arabic/Persian letter variants, hamza-carrying alefs, ta marbuta, tatweel and vowel marks
    are folded so that the same name typed differently gives the same Latin; the Arabic article
    is split off ("القاعدة" -> "al-q`dh"); Cyrillic ё is е. Chinese and Korean characters become
    separate lowercase syllables ("深圳" -> "shen zhen"), but for the company words of
    ``data/han_words.csv`` ("科技" -> "technology"). Latin case is kept.
    """
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    early, late = _letter_tables()
    text = text.translate(early)
    if _ARABIC_WORD.search(text):
        text = _ARABIC_WORD.sub(_rewrite_arabic_word, text).translate(late)
    if _CJK.search(text):
        text = _han_words_to_latin(text)
        text = _CJK.sub(_syllable, text)
    return _SPACES.sub(" ", anyascii(text)).strip()
