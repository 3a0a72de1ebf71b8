"""Organisation legal forms split off at the edges of a name and mapped to a comparison class."""
from __future__ import annotations

from dataclasses import dataclass

from .data import _legal_aliases, _legal_classes, _legal_forms
from .tokens import _WORD


_PERSON, _ORG, _OBJECT, _UNKNOWN = "person", "organization", "object", "unknown"


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


def _initials_of(letters: str, words: list[str]) -> bool:
    """Whether ``letters`` spell the initials of two words or more."""
    return len(words) >= 2 and letters == "".join(w[0] for w in words)


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
        letters = "".join(tokens[i:j])
        if len(letters) <= 3 and _initials_of(letters, tokens[start:i] + tokens[j:end]):
            return False  # the other words' acronym: "Sendero Luminoso (SL)"
        if kind != _UNKNOWN or len(letters) > 2:
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
