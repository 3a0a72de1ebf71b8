"""Consolidate stage: list entries deduplicated into entities, one per real-world party."""
from __future__ import annotations

import hashlib
from typing import Iterable


def entity_id_for(members: Iterable[str]) -> str:
    """Stable id of an entity from its members' ``source:source_id`` refs.

    The same membership always gives the same id, across re-runs and refreshes.
    """
    key = "\n".join(sorted(set(members)))
    return "E" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
