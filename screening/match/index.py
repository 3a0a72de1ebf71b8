"""The list side of matching, prepared once per list state and kept in the store.

Tables (rebuilt when the active list versions or the entity membership change):

* ``match_names``: one row per listed name with its normalised forms (spelling classes joined:
  ``skeleton``) and weighted tokens;
* ``match_name_tok``: the same tokens one per row (as token ids), for column-wise token comparison;
* ``match_tok_attr``: one row per distinct token form (token, phonetic key, spelling class, loose
  key) with its id: token pairs are joined and compared by id;
* ``match_name_keys``: blocking keys of each name, only those rare enough to look candidates up;
* ``match_tokens``: list token frequencies and weights (rare words weigh more);
* ``match_entities``: one row per entity: type, list references, countries, birth dates;
* ``match_addresses`` / ``match_address_keys``: listed street addresses and their rare tokens;
* ``match_index_meta``: the fingerprint of the list state the tables were built from.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

from .. import store
from ..entity_ids import entity_id_for
from .features import (NameFeatures, address_features, blocking_keys, common_name_classes, derived_names,
                             name_features)

# Bump when features or keys change, so stored indexes are rebuilt.
INDEX_FORMAT = "16"
_PACKAGE = Path(__file__).resolve().parent.parent
# Files whose content shapes the index besides the code: the normalisation reference data and
# the screen model and thresholds. Editing one makes a stored index stale.
REFERENCE_GLOBS = ("data/*.csv", "models/screen_model.json", "models/screen_config.json")
# A blocking key is used for lookups only when at most this many entities share it.
KEY_CAPS = {"d": 10, "t": 40, "s": 40, "p": 25, "b": 60, "k": 60, "q": 40, "c": 200, "x": 15, "y": 15,
            "g": 30, "z": 15, "v": 10,
            "e": 10, "w": 15}
ADDRESS_KEY_CAP = 12
MIN_WEIGHT = 0.3
# Weight cap of a common given name or surname (about that of "mohammed" or "ali" on the lists).
COMMON_WEIGHT = 4.5


@dataclass
class IndexInfo:
    """What the prepared list side holds."""

    fingerprint: str
    names: int
    entities: int
    addresses: int
    tokens: int  # entities in the lists, the base of token weights
    rebuilt: bool


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(store.sql("match_index.table_exists"), [name]).fetchall()[0]
    return bool(row and row[0])


@lru_cache(maxsize=1)
def reference_digest() -> str:
    """A digest of the reference data and model files the index depends on (read once per process)."""
    digest = hashlib.sha256()
    for pattern in REFERENCE_GLOBS:
        for path in sorted(_PACKAGE.glob(pattern)):
            digest.update(f"{path.relative_to(_PACKAGE).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def list_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the index format, the reference data and model files, the active versions and
    the entity membership (when consolidated)."""
    digest = hashlib.sha256(INDEX_FORMAT.encode())
    digest.update(reference_digest().encode())
    for source, version_id, sha in con.execute(store.sql("match_index.active_versions")).fetchall():
        digest.update(f"{source}:{version_id}:{sha}\n".encode())
    if _table_exists(con, "entity_members"):
        row = con.execute(store.sql("match_index.membership_digest")).fetchall()[0]
        digest.update(f"members:{row[0]}:{row[1]}".encode())
    return digest.hexdigest()[:16]


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint the stored index was built for (None when there is no index)."""
    # one direct query: asking the information schema first costs as much again on every lookup
    try:
        rows = con.execute(store.sql("match_index.fingerprint")).fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


def ensure_index(con: duckdb.DuckDBPyConnection, force: bool = False, read_only: bool = False) -> IndexInfo:
    """Build the list-side tables unless they already match the current list state.

    ``read_only``: the caller checked the index is fresh (or has no right to rebuild it); its
    stored description is returned as it is."""
    if read_only:
        row = con.execute(store.sql("match_index.meta")).fetchall()[0]
        return IndexInfo(*row, rebuilt=False)
    fingerprint = list_fingerprint(con)
    if not force and stored_fingerprint(con) == fingerprint:
        counts = con.execute(store.sql("match_index.meta")).fetchall()[0][1:]
        return IndexInfo(fingerprint, *counts, rebuilt=False)
    return build_index(con, fingerprint)


def update_index(db=None) -> IndexInfo:
    """Bring the store's match index up to date (after lists were loaded or refreshed), so that
    screening opens the store read-only and never has to rebuild it."""
    con = store.connect(db)
    try:
        return ensure_index(con)
    finally:
        con.close()


def _entity_map(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    if _table_exists(con, "entity_members"):
        rows = con.execute(store.sql("match_index.entity_map")).fetchall()
        return {(s, i): e for s, i, e in rows}
    return {}


def _entity_of(members: dict[tuple[str, str], str], source: str, source_id: str) -> str:
    return members.get((source, source_id)) or entity_id_for([f"{source}:{source_id}"])


def _with_derived(names: list[tuple]) -> list[tuple]:
    """The listed names plus the forms derived from them (acronym in parentheses, name without it).
    A weak alias of one word is left out: too short to screen on."""
    out = []
    for source, source_id, name, kind, entity_type in names:
        if kind == "weak" and len(name.split()) < 2:
            continue
        out.append((source, source_id, name, kind, entity_type))
        out += [(source, source_id, d, "derived", entity_type) for d in derived_names(name)]
    return out


def _weights(doc_freq: Counter, base: int) -> dict[str, float]:
    return {t: max(MIN_WEIGHT, math.log(base / n)) for t, n in doc_freq.items()}


def unknown_weight(base: int) -> float:
    """Weight of a customer token the lists never use: as rare as a word of one entity."""
    return max(MIN_WEIGHT, math.log(max(base, 2)))


def build_index(con: duckdb.DuckDBPyConnection, fingerprint: str | None = None) -> IndexInfo:
    """(Re)build every list-side table in one transaction."""
    fingerprint = fingerprint or list_fingerprint(con)
    members = _entity_map(con)
    names = _with_derived(con.execute(store.sql("match_list_names")).fetchall())
    rows = []
    token_entities: dict[str, set[str]] = defaultdict(set)
    key_entities: dict[str, set[str]] = defaultdict(set)
    for uid, (source, source_id, name, kind, entity_type) in enumerate(names):
        feats = name_features(name, entity_type)
        if not feats.tokens or (kind == "weak" and len(feats.tokens) < 2):
            # a weak alias that is one word once its title is gone ("Hajji Ali") names nobody
            continue
        entity = _entity_of(members, source, source_id)
        keys = blocking_keys(feats, listed=True)
        for t in feats.tokens:
            token_entities[t].add(entity)
        for k in keys:
            key_entities[k].add(entity)
        rows.append((uid, entity, source, source_id, name, kind, entity_type, feats, keys))
    entity_ids = {r[1] for r in rows}
    base = max(len(entity_ids), 2)
    weights = _weights(Counter({t: len(e) for t, e in token_entities.items()}), base)
    usable = {k for k, e in key_entities.items() if len(e) <= KEY_CAPS[k[0]]}

    with store.transaction(con):
        _write_names(con, rows, weights, usable)
        _write(con, "match_tokens", tokens_arrow=pa.table({
            "token": list(weights), "df": [len(token_entities[t]) for t in weights], "weight": list(weights.values())}))
        _write_entities(con, members)
        n_addr = _write_addresses(con, members)
        con.execute(store.sql("match_index.match_index_meta"), {
            "fingerprint": fingerprint, "names": len(rows), "entities": len(entity_ids), "addresses": n_addr,
            "base": base})
    return IndexInfo(fingerprint, len(rows), len(entity_ids), n_addr, base, rebuilt=True)


def _write(con: duckdb.DuckDBPyConnection, statement: str, **tables: pa.Table) -> None:
    """Run the named statement of ``sql/match_index.sql`` over Arrow tables registered under their names."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        con.execute(store.sql(f"match_index.{statement}"))
    finally:
        for name in tables:
            con.unregister(name)


def token_structs(feats: NameFeatures, weights: dict[str, float], default: float) -> list[dict]:
    """The token list of a name as stored and compared in SQL: token, phonetic key, spelling
    class, loose consonant key and weight (customers: the same, see screening.match)."""
    return [token_struct(form, weights, default) for form in token_forms(feats)]


def token_forms(feats: NameFeatures) -> Iterator[tuple[str, str, str, str]]:
    """Each token of a name with its phonetic key, spelling class and loose consonant key."""
    return zip(feats.tokens, feats.phonetic, feats.skeletons, feats.loose)


def token_struct(form: tuple[str, str, str, str], weights: dict[str, float], default: float) -> dict:
    """One token as :func:`token_structs` lists it: a word of a common given name or surname weighs
    at most COMMON_WEIGHT however rare it is on the lists."""
    t, p, s, k = form
    weight = weights.get(t, default)
    return {"t": t, "p": p, "s": s, "k": k, "w": min(weight, COMMON_WEIGHT) if s in common_name_classes() else weight}


def _write_names(con: duckdb.DuckDBPyConnection, rows: list, weights: dict[str, float], usable: set[str]) -> None:
    default = unknown_weight(len(weights) or 2)
    names_arrow = pa.table({
        "name_uid": [r[0] for r in rows], "entity_id": [r[1] for r in rows],
        "source": [r[2] for r in rows], "source_id": [r[3] for r in rows],
        "name": [r[4] for r in rows], "kind": [r[5] for r in rows], "entity_type": [r[6] for r in rows],
        "core": [r[7].core for r in rows], "sorted_key": [r[7].sorted_key for r in rows],
        "compact": [r[7].compact for r in rows], "skeleton": ["".join(r[7].skeletons) for r in rows],
        "legal_form": [r[7].legal_form for r in rows],
        "toks": [token_structs(r[7], weights, default) for r in rows],
        "ntok": [len(r[7].tokens) for r in rows],
    })
    _write(con, "match_names", names_arrow=names_arrow)
    con.execute(store.sql("match_index.match_tok_attr"))
    con.execute(store.sql("match_index.match_name_tok"))
    key_uid = [(k, r[0]) for r in rows for k in r[8] if k in usable]
    _write(con, "match_name_keys",
           keys_arrow=pa.table({"key": [k for k, _ in key_uid], "name_uid": [u for _, u in key_uid]}))


def _write_entities(con: duckdb.DuckDBPyConnection, members: dict) -> None:
    refs = con.execute(store.sql("match_index.name_refs")).fetchall()
    _write(con, "refs_tmp", refs_arrow=pa.table({"source": [r[0] for r in refs], "source_id": [r[1] for r in refs],
                                                 "entity_id": [r[2] for r in refs]}))
    if members:
        con.execute(store.sql("match_index.member_refs"))
    con.execute(store.sql("match_entities"))
    con.execute(store.sql("match_index.drop_refs_tmp"))


def _write_addresses(con: duckdb.DuckDBPyConnection, members: dict) -> int:
    raw = con.execute(store.sql("match_list_addresses")).fetchall()
    rows = []
    token_df: Counter = Counter()
    for uid, (source, source_id, text, city, postcode, country_code) in enumerate(raw):
        feats = address_features(text, city, postcode)
        if not feats.street:
            continue
        entity = _entity_of(members, source, source_id)
        rows.append((uid, entity, source, source_id, text, country_code, feats))
        token_df.update(set(feats.tokens))
    base = max(len(rows), 2)
    weights = {t: max(MIN_WEIGHT, math.log(base / n)) for t, n in token_df.items()}
    addr_arrow = pa.table({
        "addr_uid": [r[0] for r in rows], "entity_id": [r[1] for r in rows],
        "source": [r[2] for r in rows], "source_id": [r[3] for r in rows], "address": [r[4] for r in rows],
        "country_code": [r[5] for r in rows], "postcode": [r[6].postcode for r in rows],
        "atoks": [[{"t": t, "w": weights[t]} for t in r[6].tokens] for r in rows],
    })
    _write(con, "match_addresses", addr_arrow=addr_arrow)
    pairs = [(t, r[0]) for r in rows for t in r[6].tokens
             if token_df[t] <= ADDRESS_KEY_CAP and (len(t) >= 4 or any(c.isdigit() for c in t))]
    _write(con, "match_address_keys",
           keys_arrow=pa.table({"key": [p[0] for p in pairs], "addr_uid": [p[1] for p in pairs]}))
    _write(con, "match_address_tokens",
           weights_arrow=pa.table({"token": list(weights), "weight": list(weights.values())}))
    return len(rows)
