"""The consolidation stage's settings: model and reference files, thresholds, and link rules."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..sources import all_sources

_PACKAGE_DATA = Path(__file__).resolve().parent.parent
MODEL_PATH = _PACKAGE_DATA / "models" / "consolidate_model.json"
REFERENCE_PATH = _PACKAGE_DATA / "models" / "consolidate_reference.json"
THRESHOLD = 0.9  # match probability; chosen from the sweep in benchmarks/eval_consolidation.py
MAX_KEY_ENTRIES = 12  # a number on more entries than this is a placeholder or a shared address
MAX_ENTITY_SIZE = 50
# A name word found on more than 1 in 2**RARE_WORD_BITS entries ("bank", "trading", "al",
# "vladimir") says little on its own: a deterministic link needs shared name words worth at
# least this many bits, and the Splink "one word shared" level tells rare words from common ones.
RARE_WORD_BITS = 8.0
# The same-name rule needs a name of two words or more whose words weigh this many bits together
# (2 ** 16 is about twice the number of entries: a name this rare is seldom met twice by chance).
SAME_NAME_BITS = 16.0


@lru_cache(maxsize=1)
def reference() -> dict:
    """The stage's reference data (``models/consolidate_reference.json``), read once."""
    return json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def aggregator_sources() -> frozenset[str]:
    """Lists that republish other lists (one party may be on several of their rows): ``aggregator``
    in a source's ``[consolidation]``."""
    return frozenset(s.name for s in all_sources() if s.aggregator)


@lru_cache(maxsize=1)
def canonical_priority() -> dict[str, float]:
    """Per source, its preference for an entity's canonical name (lower first): ``canonical_priority``
    in its ``[consolidation]``; a source without one comes last."""
    return {s.name: s.canonical_priority for s in all_sources()}


# Deterministic rules in the order their links are applied (strongest evidence first).
RULE_ORDER = ("ofac_uid", "ofac_ent_num", "un_reference", "shared_imo", "shared_document")
# Links by name alone: applied after the Splink links, under the same guards, and never across
# groups whose countries are disjoint.
NAME_RULES = ("same_name",)
