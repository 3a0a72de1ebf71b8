"""Name and address normalisation shared by consolidation and matching.

Every name, from a list or from a customer file, goes through :func:`normalize_name`, so both
sides are reduced the same way:

* control and invisible characters (ANSI escapes, bidi overrides, zero-width characters, C0/C1
  controls) are removed, a reversed run under a right-to-left override read as displayed
  (:func:`strip_invisible`);
* any script is transliterated to Latin ASCII (:func:`transliterate`); Chinese and Korean
  characters become one syllable per character, Arabic letter variants are folded first;
* organisation legal forms are split off at the edges of the name (ISO 20275's forms of every
  jurisdiction in ``data/legal_forms_elf.csv``, the forms met on the lists in
  ``data/legal_forms.csv``, positional words in ``data/legal_form_aliases.csv``) and mapped to a
  comparison class (``data/legal_form_classes.csv``: OOO ~ LLC ~ Ltd, AO/ZAO/OAO/PAO ~ JSC);
* person names given as "SURNAME, Given" are put in natural order, honorifics are dropped;
* each token gets a *skeleton*: its spelling class from ``data/name_variants.csv``
  (Mohammed/Muhammad, Pak/Park, Zhang/Chang...) or a rule-based key that folds the usual
  romanisation differences (Russian BGN vs ICAO endings, Korean eo/o, doubled letters...).

All reference data lives in ``screening/data``; it is read once.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jellyfish
from anyascii import anyascii

from .countries import to_country_code

DATA = Path(__file__).resolve().parent / "data"

_WORD = re.compile(r"[a-z0-9]+")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# apostrophes and the transliteration of ayn/hamza vanish inside words: "Qa'ida" == "Qaida"
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")
_SPACES = re.compile(r"\s+")
_PARENS = re.compile(r"\(([^()]*)\)")
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


# --- reference data ---------------------------------------------------------------------

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
def _script_prefixes() -> dict[str, str]:
    return {row["unicode_prefix"]: row["code"] for row in _rows("scripts.csv")}


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
def _address_words() -> tuple[dict[str, str], frozenset[str]]:
    """(abbreviation -> full word, generic words)."""
    rows = _rows("address_words.csv")
    abbr = {row["word"]: row["full"] for row in rows if row["kind"] == "abbr"}
    generic = frozenset(row["word"] for row in rows if row["kind"] == "generic")
    return abbr, generic


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


# --- invisible characters ---------------------------------------------------------------

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


# --- scripts and transliteration -------------------------------------------------------

@lru_cache(maxsize=4096)
def _char_script(char: str) -> str | None:
    try:
        first = unicodedata.name(char).split(" ", 1)[0]
    except ValueError:
        return None
    return _script_prefixes().get(first)


def script_of(text: str | None) -> str:
    """ISO 15924 code of the dominant script of a text ('Zyyy' when it has no letters).

    Kana (with or without Han) is Japanese, 'Jpan'; otherwise the script with the most letters
    wins, so a Latin name with one Arabic word stays Latin only if Latin letters dominate.
    """
    text = text or ""
    if text.isascii():
        return "Latn" if any(c.isalpha() for c in text) else "Zyyy"
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            code = "Latn" if char.isascii() else _char_script(char)
            if code:
                counts[code] = counts.get(code, 0) + 1
    if not counts:
        return "Zyyy"
    if "Jpan" in counts:
        return "Jpan"
    return max(counts, key=counts.__getitem__)


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


@lru_cache(maxsize=200_000)
def transliterate(text: str) -> str:
    """Transliterate any script to Latin ASCII, keeping word boundaries and punctuation.

    Compatibility forms are folded (NFKC: Arabic presentation forms, full-width letters);
    Arabic/Persian letter variants, hamza-carrying alefs, ta marbuta, tatweel and vowel marks
    are folded so that the same name typed differently gives the same Latin; the Arabic article
    is split off ("القاعدة" -> "al-q`dh"); Cyrillic ё is е. Chinese and Korean characters become
    separate lowercase syllables ("深圳" -> "shen zhen"). Latin case is kept.
    """
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    early, late = _letter_tables()
    text = text.translate(early)
    if _ARABIC_WORD.search(text):
        text = _ARABIC_WORD.sub(_rewrite_arabic_word, text).translate(late)
    if _CJK.search(text):
        text = _CJK.sub(_syllable, text)
    return _SPACES.sub(" ", anyascii(text)).strip()


# --- token keys ------------------------------------------------------------------------

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


# --- names -----------------------------------------------------------------------------

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


_PERSON, _ORG, _OBJECT, _UNKNOWN = "person", "organization", "object", "unknown"


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


@dataclass
class _Words:
    """Words of a name and whether a hyphen glues each to the next."""

    tokens: list[str]
    hyphen: list[bool]


def _split_words(text: str) -> _Words:
    if "-" not in text:
        tokens = _WORD.findall(text)
        return _Words(tokens, [False] * len(tokens))
    tokens, hyphen = [], []
    for match in _WORD.finditer(text):
        tokens.append(match.group(0))
        end = match.end()
        hyphen.append(text[end:end + 1] == "-" and text[end + 1:end + 2].isalnum())
    return _Words(tokens, hyphen)


def _form_info(form: str, klass: str) -> tuple[str, str]:
    """(canonical form, class) of a legal form: legal_form_classes.csv decides where it names the form."""
    return _legal_classes().get(form, (form, klass))


def _table_forms(tokens: list[str], hyphen: list[bool] | None) -> dict[tuple[int, int], tuple[str, str]]:
    """Legal forms of the forms tables anywhere in a name, leftmost and longest first, as token
    ranges (i, j) -> (form, class). A form glued by a hyphen to the next word is none: "as-Sahab"
    is an Arabic article, not Norwegian AS."""
    table, longest = _legal_forms()
    found: dict[tuple[int, int], tuple[str, str]] = {}
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + longest), i, -1):
            hit = table.get(tuple(tokens[i:j]))
            if hit and not (hyphen and hyphen[j - 1]):
                found[(i, j)] = hit
                i = j
                break
        else:
            i += 1
    return found


def _alias_at(tokens: list[str], i: int, j: int, positions: tuple[str, ...]) -> str | None:
    hit = _legal_aliases().get(tuple(tokens[i:j]))
    return hit[0] if hit and hit[1] in positions else None


def _peel_legal_forms(words: _Words, kind: str) -> tuple[int, int, list[tuple[str, str]]]:
    """Find legal forms at the end and the start of an organisation name.

    Returns the core token range (start, end) and the forms found, as (form, class), in name
    order. At least one token always remains. For names of unknown type, a one- or
    two-letter form (AO, SA, AG) counts only when two other words remain: "Ao Wei" is a person.
    """
    tokens = words.tokens
    by_end: dict[int, tuple[int, str, str]] = {}
    by_start: dict[int, tuple[int, str, str]] = {}
    for (i, j), (form, klass) in _table_forms(tokens, words.hyphen).items():
        by_end.setdefault(j, (i, form, klass))
        by_start.setdefault(i, (j, form, klass))

    def allowed(i: int, j: int, start: int, end: int, form: str | None = None) -> bool:
        if kind != _UNKNOWN or len("".join(tokens[i:j])) > 2:
            return True
        # a generic company word ("Co." ending a name) is no syllable of a person's name: "SAEN CO."
        # is "SAEN COMPANY", whatever the type
        if form is not None and _form_info(form, "")[1] == "" and j == end:
            return True
        return (end - start) - (j - i) >= 2

    tail: list[tuple[str, str]] = []
    start, end = 0, len(tokens)
    while end > 1:
        hit = by_end.get(end)
        if hit and hit[0] >= 1 and allowed(hit[0], end, start, end):
            tail.insert(0, (hit[1], hit[2]))
            end = hit[0]
            continue
        positions = ("end", "edge", "prefix") if tail else ("end", "edge")
        for size in range(min(6, end - 1), 0, -1):
            form = _alias_at(tokens, end - size, end, positions)
            if form and allowed(end - size, end, start, end, form):
                tail.insert(0, (form, ""))
                end -= size
                break
        else:
            break
    head: list[tuple[str, str]] = []
    while start < end - 1:
        hit = by_start.get(start)
        if hit and hit[0] < end and allowed(start, hit[0], start, end):
            head.append((hit[1], hit[2]))
            start = hit[0]
            continue
        for size in range(min(6, end - start - 1), 0, -1):
            form = _alias_at(tokens, start, start + size, ("edge",))
            if form:
                head.append((form, ""))
                start += size
                break
        else:
            break
    return start, end, head + tail


def _legal_summary(forms: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    """(legal_form, legal_class) from the forms found; generic words only count when alone."""
    if not forms:
        return None, None
    infos = [_form_info(form, klass) for form, klass in forms]
    specific = [info for info in infos if info[1]]
    chosen = specific or infos
    canon = " ".join(dict.fromkeys(c for c, _ in chosen)) or None
    klass = next((k for _, k in specific), None)
    return canon, klass


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


# --- addresses -------------------------------------------------------------------------

@dataclass(frozen=True)
class NormalizedAddress:
    """One address reduced for comparison; see :func:`normalize_address`."""

    latin: str                     # the address text transliterated, lower case
    tokens: tuple[str, ...]        # distinctive street words and numbers (no 'road', 'floor'...)
    postcode: str | None           # upper case, letters and digits only
    city: str | None
    country_code: str | None
    key: str                       # sorted skeletons of street and city words, then the postcode


_POSTCODES = tuple(re.compile(p) for p in (
    r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b",    # United Kingdom
    r"\b([A-Z]\d[A-Z]) ?(\d[A-Z]\d)\b",              # Canada
    r"\b[A-Z]{1,2}-(\d{4,6})\b",                     # CH-8022, D-10115
    r"\b(\d{5})(?:-\d{4})?\b",                       # US ZIP(+4), DE, FR, ...
    r"\b(\d{6})\b",                                  # CN, RU, IN, SG
))
_CITY_POSTCODE = re.compile(r"\b(\d{4})\b")


def _find_postcode(text: str, city: str) -> tuple[str | None, str, str]:
    """Postcode found in the city or address text, and both texts without it."""
    for source in ("city", "text"):
        haystack = (city if source == "city" else text).upper()
        patterns = _POSTCODES + ((_CITY_POSTCODE,) if source == "city" else ())
        for pattern in patterns:
            match = pattern.search(haystack)
            if match:
                code = "".join(match.groups())
                cut = haystack[:match.start()] + " " + haystack[match.end():]
                return (code, text, cut.lower()) if source == "city" else (code, cut.lower(), city)
    return None, text, city


def _city_word(token: str) -> str:
    """A city word in its canonical spelling when the variants file knows it (Peking -> beijing)."""
    key = _rule_key(token)
    return _variants()[0].get(key, token)


def _address_tokens(text: str) -> list[str]:
    abbr, generic = _address_words()
    words = _WORD.findall(_APOSTROPHES.sub("", transliterate(text).lower()))
    return [w for w in (abbr.get(w, w) for w in words) if w not in generic]


@lru_cache(maxsize=200_000)
def normalize_address(text: str | None, city: str | None = None, postcode: str | None = None,
                      country: str | None = None) -> NormalizedAddress:
    """Normalise one address for matching.

    The postcode is taken from ``postcode`` when given, else looked for in the city and the
    address text (UK and Canadian forms, 'CH-8022', 5- and 6-digit codes, 4 digits in the city
    field only). Street-type and unit words are dropped from the tokens (data/address_words.csv);
    ``key`` is meant for exact comparison across spellings and word orders.
    """
    raw_text, raw_city = text or "", city or ""
    code = _NON_WORD.sub("", transliterate(postcode).lower()).upper() if postcode else ""
    if not code:
        code, raw_text, raw_city = _find_postcode(raw_text, raw_city)
    tokens = tuple(dict.fromkeys(_address_tokens(raw_text)))
    city_tokens = _address_tokens(raw_city) if raw_city else []
    city_norm = " ".join(_city_word(t) for t in city_tokens) or None
    country_code = to_country_code(country) if country else None
    keys = sorted({skeleton(t) for t in tokens} | {skeleton(t) for t in city_tokens})
    if code:
        keys.append(code.lower())
    return NormalizedAddress(
        latin=_latin(transliterate(text).lower()) if text else "",
        tokens=tokens, postcode=code or None, city=city_norm, country_code=country_code,
        key=" ".join(keys),
    )
