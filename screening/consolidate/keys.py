"""Comparison keys of one published name, a document number and a UN reference."""
from __future__ import annotations

import re

from ..normalize import normalize_name, phonetic, transliterate
from ..un_refs import un_ref_key  # noqa: F401 - a UN reference's key is its one form
from .settings import reference

_ALNUM_RUN = re.compile(r"[A-Z0-9]+")


def name_keys(name: str, entity_type: str | None = None) -> dict:
    """Comparison keys of one published name, built on :func:`screening.normalize.normalize_name`
    (the published text itself is kept elsewhere, unchanged).

    ``core_key`` keeps the word order (persons in natural order), ``sorted_key`` ignores it,
    ``skeleton_key`` also ignores spelling variants, ``phon_key`` is the sorted metaphone of the
    spelling classes; ``words`` are those per-word phonetic keys (one-letter words left out);
    ``legal_class`` is the comparison class of the legal form split off the name (LLC ~ OOO).
    """
    norm = normalize_name(name, entity_type)
    words = [phonetic(s) for s in norm.skeletons]
    return {
        "core_key": norm.core,
        "sorted_key": norm.sorted_key,
        "skeleton_key": norm.skeleton_key,
        "phon_key": " ".join(sorted(words)),
        "words": sorted({w for w, t in zip(words, norm.tokens) if len(t) > 1}),
        "legal_class": norm.legal_class or "",
    }




def document_keys(value: str) -> list[str]:
    """Comparable forms of a document number: the whole value, and each number found in it
    (so ``INN: 7704366170`` meets ``7704366170``). Numbers need a digit and 6 characters."""
    upper = transliterate(value).upper()
    whole = re.sub(r"[^A-Z0-9]", "", upper)
    keys = {whole} if len(whole) >= 6 and any(c.isdigit() for c in whole) else set()
    for part in re.split(r"[\s,;:()]+", upper):
        key = re.sub(r"[^A-Z0-9]", "", part)
        if len(key) >= 6 and any(c.isdigit() for c in key):
            keys.add(key)
    words = _ALNUM_RUN.findall(upper)
    if len(words) == 2 and words[0] in reference()['id_labels']['labels']:  # "IMO 9562233", "INN 7725075060"
        keys.discard(whole)
    return sorted(keys)
