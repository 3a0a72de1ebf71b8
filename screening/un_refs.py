"""UN Security Council reference numbers in one form: the UN list's own (``QDi.006``).

The UN list (``un_sc``) files its entries under these numbers, three digits at least; other lists
cite them in other spellings (``QDi.6``, ``QDi 006``, the pre-2016 ``QI.A.6.01``). A parser stores
a cited reference in this form (:func:`canonical`), and consolidation links the entries citing the
same number (:func:`un_ref_key`), so a reference reads the same wherever it is shown.
"""
from __future__ import annotations

import re

# pre-2016 references (QI.A.123.05) keep their serial under a new prefix (QDi.123)
OLD_PREFIXES = {"QI": "QDi", "QE": "QDe", "TI": "TAi", "TE": "TAe"}
_NEW = re.compile(r"\b([A-Z]{2})([IE])\s*\.\s*(\d+)\b", re.I)
_OLD = re.compile(r"\b(QI|QE|TI|TE)\s*\.\s*[A-Z]\s*\.\s*(\d+)\s*\.\s*\d+", re.I)


def canonical(prefix: str, number: int | str) -> str:
    """A reference from its prefix (``QDi``, ``KPe``) and serial: ``canonical("QDi", 6)`` -> ``QDi.006``."""
    return f"{prefix}.{int(number):03d}"


def new_prefix(regime: str, kind: str) -> str:
    """The prefix of a regime code and kind letter (``qd`` + ``I`` -> ``QDi``)."""
    return f"{regime.upper()}{kind.lower()}"


def un_ref_key(value: str) -> str | None:
    """The UN reference a value holds, in the UN list's form (:func:`canonical`); None when none.

    ``QDi.6``, ``qdi.006`` and the old ``QI.A.6.01`` are all ``QDi.006``."""
    old = _OLD.search(value)
    if old:
        return canonical(OLD_PREFIXES[old.group(1).upper()], old.group(2))
    new = _NEW.search(value)
    if new:
        return canonical(new_prefix(new.group(1), new.group(2)), new.group(3))
    return None
