"""The listed parties as the service shows them: FollowTheMoney entities, built once per snapshot.

The publisher writes them into each snapshot (table ``service_entities``: one JSON document per
consolidated entity, and its member refs), so that a server worker switching to a new snapshot
reads them in one scan instead of building them while it answers requests.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from importlib import resources

import duckdb
import pyarrow as pa

from .. import store

TABLE = "service_entities"


@lru_cache(maxsize=1)
def contract() -> dict:
    """The yente vocabulary: FollowTheMoney schemata and properties (``data/yente_contract.json``)."""
    text = resources.files("screening").joinpath("data/yente_contract.json").read_text(encoding="utf-8")
    return json.loads(text)


def ftm_time(value: date | datetime | None) -> str | None:
    """A date or time as yente writes it: ``YYYY-MM-DDTHH:MM:SS``, no zone."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(microsecond=0, tzinfo=None).isoformat()


def entity_ftm(row: dict) -> dict:
    """One row of ``sql/service_entity.sql`` as a FollowTheMoney entity."""
    terms = contract()
    names = [n for n in row["names"] or () if n]
    caption = row["canonical_name"] or (names[0] if names else row["entity_id"])
    props: dict[str, list[str]] = {"name": [caption]}
    previous = sorted({n for n in row.get("previous_names") or () if n and n != caption})
    aliases = [n for n in names if n != caption and n not in previous]
    if aliases:
        props["alias"] = aliases
    if previous:
        props["previousName"] = previous
    for key, values in (("country", row["countries"]), ("nationality", row["nationalities"]),
                        ("flag", row.get("flags")),
                        ("address", row["addresses"]), ("birthDate", row["birth_dates"])):
        kept = sorted({str(v) for v in values or () if v})
        if kept:
            props[key] = kept
    for ident in row["identifiers"] or ():
        prop = terms["identifier_property"].get(ident["type"], terms["identifier_default"])
        props.setdefault(prop, []).append(str(ident["value"]))
    props["topics"] = list(terms["topics"])
    last_seen = ftm_time(row["last_seen"])
    return {"id": row["entity_id"], "caption": caption,
            "schema": terms["schema_of_type"].get(row["entity_type"], "LegalEntity"),
            "properties": props, "datasets": list(row["sources"] or ()), "referents": list(row["referents"] or ()),
            "target": True, "first_seen": ftm_time(row["first_listed"]) or last_seen,
            "last_seen": last_seen, "last_change": ftm_time(row["last_listed"]) or last_seen}


def build_entities(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[str], str]]:
    """(entity_id, member refs, FollowTheMoney JSON) of every entity of the store open on ``con``."""
    cursor = con.execute(store.sql("service_entity"))
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    return [(r["entity_id"], list(r["referents"] or ()), json.dumps(entity_ftm(r), ensure_ascii=False)) for r in rows]


def write_entities(con: duckdb.DuckDBPyConnection) -> int:
    """Write every entity into the table :data:`TABLE` of the database open on ``con``; return how many."""
    built = build_entities(con)
    table = pa.table({"entity_id": [b[0] for b in built], "referents": [b[1] for b in built],
                      "ftm": [b[2] for b in built]})
    con.register("service_entities_new", table)
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM service_entities_new")
    con.unregister("service_entities_new")
    return len(built)


def read_entities(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], dict[str, str]]:
    """({entity_id: FollowTheMoney JSON}, {member ref: entity_id}) of a published snapshot (built
    here when the snapshot has no :data:`TABLE`)."""
    try:
        rows = con.execute(f"SELECT entity_id, referents, ftm FROM {TABLE}").fetchall()
    except duckdb.CatalogException:
        rows = build_entities(con)
    entities, member_of = {}, {}
    for entity_id, referents, ftm in rows:
        entities[entity_id] = ftm
        for ref in referents:
            member_of[ref] = entity_id
    return entities, member_of
