"""Publishers' enumerations inside one field: '(1) x (2) y', '1) x 2) y', 'a) x b) y' (OFSI, DFAT)."""
from __future__ import annotations

import re

_ENUMERATION = re.compile(r"(?:^|(?<=[\s,;.]))\(?(\d{1,2}|[a-z])\)\s*")


def enumerated_items(text: str) -> list[str]:
    """Split a publisher's enumeration '(1) x (2) y', '1) x 2) y', 'a) x b) y' or '(a) x (b) y' into items.

    Only markers that continue the sequence count, so a stray 'c)' inside an item is left alone.
    """
    marks: list[re.Match] = []
    for mark in _ENUMERATION.finditer(text):
        tag = mark.group(1)
        if not marks:
            if mark.start() != 0 or tag not in ("1", "a"):
                break
            marks.append(mark)
        elif tag == _next_tag(marks[-1].group(1)):
            marks.append(mark)
    if not marks:
        return [text.strip()] if text.strip() else []
    items = [text[m.end():(marks[i + 1].start() if i + 1 < len(marks) else len(text))] for i, m in enumerate(marks)]
    return [i.strip().rstrip(",;").strip() for i in items]


def _next_tag(tag: str) -> str:
    return str(int(tag) + 1) if tag.isdigit() else chr(ord(tag) + 1)
