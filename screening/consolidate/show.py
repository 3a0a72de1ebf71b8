"""The read side of consolidation: one entity with its members and why each was merged."""
from __future__ import annotations

import json
from pathlib import Path

from .. import store
from .features import scalar

def show_entity(entity_id: str, db: str | Path | None = None) -> dict | None:
    """One entity with all its members and why each was merged, or None when there is no such entity."""
    con = store.connect(db, read_only=True)
    try:
        if not scalar(con, "consolidate_reads.has_entities"):
            return None
        rows = store.run_dicts(con, "consolidate_entity_detail", {"entity_id": entity_id})
    finally:
        con.close()
    if not rows:
        return None
    head = {k: rows[0][k] for k in ("entity_id", "canonical_name", "entity_type", "countries", "sources",
                                     "member_count", "first_listed", "last_listed", "names")}
    head["members"] = [_member_view(r) for r in rows]
    return head


def _member_view(row: dict) -> dict:
    evidence = row["evidence"]
    if row["rule"] == "splink" and evidence:
        evidence = json.loads(evidence)
    return {"ref": f"{row['source']}:{row['source_id']}", "source": row["source"], "source_id": row["source_id"],
            "primary_name": row["primary_name"], "entity_type": row["member_type"], "listed_on": row["listed_on"],
            "canonical": row["is_canonical"], "rule": row["rule"], "linked_to": row["linked_to"],
            "evidence": evidence, "match_probability": row["match_probability"],
            "match_weight": row["match_weight"]}
