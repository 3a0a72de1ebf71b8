"""Writing scripts of names as ISO 15924 codes, read from the characters or from the publisher's words.

Every parser sets ``Name.script`` through this module, so one name gets the same code
whichever list publishes it:

* :func:`name_script` reads the letters: the code of the main non-Latin script
  ("Владимир" -> ``Cyrl``), ``None`` for a Latin name;
* :func:`script_code` translates a script the file names in words ("Cyrillic" -> ``Cyrl``,
  OFSI's "Cryillic" and "Russian" too, OFAC's "Chinese Simplified" -> ``Hans``);
* :func:`original_script` is the code of a name published as the original-script form;
* :func:`script_of` is the script with the most letters, Latin included (a normalised name's).

All of them classify a letter by :func:`codepoint_script`.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import pycountry

# Words publishers use for a script that are not ISO 15924 names, misspellings included
# (OFSI's "Non-Latin Script Type", OFAC's translation script).  The ISO names themselves
# ("Cyrillic", "Arabic", "Georgian", "Korean", "Japanese"...) come from pycountry.
_PUBLISHER_WORDS = {"cryillic": "Cyrl", "cyrilic": "Cyrl", "russian": "Cyrl", "persian": "Arab",
                    "chinese": "Hani", "chinese_simplified": "Hans", "chinese_traditional": "Hant",
                    "burmese": "Mymr"}
# Unicode pseudo-scripts of characters shared by every script.
_NOT_A_SCRIPT = (None, "Latin", "Common", "Inherited")
_KANA = frozenset(("Hiragana", "Katakana"))
UNDETERMINED = "Zyyy"
# First word of a letter's Unicode name -> its script, where the two differ ("CJK UNIFIED IDEOGRAPH")
_NAME_WORDS = {"cjk": "Han", "kangxi": "Han", "hangul": "Hangul", "hiragana": "Hiragana", "katakana": "Katakana",
               "halfwidth": None, "fullwidth": None}


@lru_cache(maxsize=4096)
def codepoint_script(char: str) -> str | None:
    """Unicode script of a letter, read from the first word of its Unicode name ("ARABIC LETTER
    ALEF" -> "Arabic", "CJK UNIFIED IDEOGRAPH-4E00" -> "Han"); None when the name says nothing."""
    try:
        word = unicodedata.name(char).split(" ", 1)[0].lower()
    except ValueError:
        return None
    if word in _NAME_WORDS:
        return _NAME_WORDS[word]
    if word.startswith("halfwidth") or word.startswith("fullwidth"):
        return None
    return word.capitalize()


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """Script names, lower-cased with '_' for spaces ("arabic", "old_italic") -> ISO 15924 codes."""
    codes: dict[str, str] = {}
    # "Arabic (Nastaliq variant)" must not shadow "Arabic": base names first.
    for script in sorted(pycountry.scripts, key=lambda s: "variant" in s.name):
        codes.setdefault(_key(script.name.split(" (")[0]), script.alpha_4)
    codes.update(_PUBLISHER_WORDS)
    return codes


@lru_cache(maxsize=1)
def _known_codes() -> dict[str, str]:
    """Lower-cased ISO 15924 codes -> the code as written ("arab" -> "Arab")."""
    return {code.lower(): code for code in _codes().values()}


def _key(name: str) -> str:
    return "_".join(name.split()).lower()


def script_code(name: str | None) -> str | None:
    """ISO 15924 code of a script named in words ("Cyrillic" -> "Cyrl"); None when unknown.

    Accepts the Unicode and ISO names ("Han", "Old_Italic"), the publishers' own words and
    misspellings ("Cryillic", "Russian", "Chinese Simplified") and codes ("Arab")."""
    if not name or not name.strip():
        return None
    key = _key(name)
    return _codes().get(key) or _known_codes().get(key)


def name_script(text: str) -> str | None:
    """ISO 15924 code of the main non-Latin script of a name; None when it is Latin or has no letters.

    A name mixing Latin with another script (the UN writes "Jin Tiesan (金铁三)") gets the other
    script's code: that is the part a Latin-only comparison would miss.  Letters are counted
    per script and the most frequent wins, except that Han with Hangul is Korean (``Kore``)
    and any kana is Japanese (``Jpan``).  A script ISO 15924 does not name is ``Zyyy``.
    """
    if text.isascii():  # the common case, and ASCII letters are all Latin
        return None
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = codepoint_script(char)
            if script not in _NOT_A_SCRIPT:
                counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    if "Hangul" in counts:
        return "Kore" if "Han" in counts else "Hang"
    if counts.keys() & _KANA:
        return "Jpan"
    main = max(counts, key=counts.__getitem__)
    return script_code(main) or UNDETERMINED


def original_script(text: str, declared: str | None = None) -> str:
    """Script of a name published as its original-script form: the one the file declares,
    else the one its letters show, else Latin (such a name always has a script)."""
    return script_code(declared) or name_script(text) or "Latn"


def script_of(text: str | None) -> str:
    """ISO 15924 code of the script with the most letters of a text, Latin included ('Zyyy' when it
    has no letters); any kana makes it Japanese ('Jpan'), so a Latin name with one Arabic word
    stays Latin only if Latin letters dominate."""
    text = text or ""
    if text.isascii():
        return "Latn" if any(c.isalpha() for c in text) else UNDETERMINED
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = "Latin" if char.isascii() else codepoint_script(char)
            if script not in (None, "Common", "Inherited"):
                counts[script] = counts.get(script, 0) + 1
    if not counts:
        return UNDETERMINED
    if counts.keys() & _KANA:
        return "Jpan"
    main = max(counts, key=counts.__getitem__)
    return script_code(main) or UNDETERMINED
