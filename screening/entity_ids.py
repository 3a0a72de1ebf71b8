"""Entity ids: the stable id of a consolidated party, shared by consolidation (which makes the
entities) and the match index (which gives a list entry outside any entity an id of its own)."""
from __future__ import annotations

import hashlib
from typing import Iterable


def entity_id_for(members: Iterable[str]) -> str:
    """Stable id of an entity from its members' ``source:source_id`` refs.

    The same membership always gives the same id, across re-runs and refreshes.
    """
    key = "\n".join(sorted(set(members)))
    return "E" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
