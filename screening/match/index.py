"""The list side of matching, prepared once per list state and kept in the store.

Tables (rebuilt when the active list versions or the entity membership change):

* ``match_names``: one row per listed name with its normalised forms (spelling classes joined:
  ``skeleton``) and weighted tokens;
* ``match_name_tok``: the same tokens one per row (as token ids), for column-wise token comparison;
* ``match_tok_attr``: one row per distinct token form (token, phonetic key, spelling class, loose
  key) with its id: token pairs are joined and compared by id;
* ``match_name_keys``: blocking keys of each name, only those rare enough to look candidates up,
  with the name's entity number; ``match_key_entities``: the entities (numbers) each key finds;
* ``match_tokens``: list token frequencies and weights (rare words weigh more);
* ``match_entities``: one row per entity: its number (``eno``, in id order), type, list references,
  countries, birth dates;
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
from .features import NameFeatures, address_features, common_name_classes
from . import list_names
from .list_names import ListedName, Pending, feature_table, with_derived

# Bump when features or keys change, so stored indexes are rebuilt.
INDEX_FORMAT = "18"
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


def ensure_index(con: duckdb.DuckDBPyConnection, force: bool = False, read_only: bool = False,
                 pending: Pending | None = None) -> IndexInfo:
    """Build the list-side tables unless they already match the current list state.

    ``read_only``: the caller checked the index is fresh (or has no right to rebuild it); its
    stored description is returned as it is. ``pending``: the names' features being computed
    beside (:mod:`screening.match.list_names`), used when the index is rebuilt."""
    if read_only:
        row = con.execute(store.sql("match_index.meta")).fetchall()[0]
        return IndexInfo(*row, rebuilt=False)
    fingerprint = list_fingerprint(con)
    if not force and stored_fingerprint(con) == fingerprint:
        counts = con.execute(store.sql("match_index.meta")).fetchall()[0][1:]
        return IndexInfo(fingerprint, *counts, rebuilt=False)
    return build_index(con, fingerprint, pending)


def update_index(db=None, pending: Pending | None = None) -> IndexInfo:
    """Bring the store's match index up to date (after lists were loaded or refreshed), so that
    screening opens the store read-only and never has to rebuild it."""
    con = store.connect(db)
    try:
        return ensure_index(con, pending=pending)
    finally:
        con.close()


def start_name_features(db=None) -> Pending:
    """Start computing the features of the store's listed names in another process (they do not
    depend on the consolidation, which can run meanwhile); hand it to :func:`update_index` inside
    ``with``, which stops the process and removes its files whatever happens."""
    con = store.connect(db)
    try:
        names = listed_names(con)
    finally:
        con.close()
    return list_names.start(names)


def _entity_map(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    if _table_exists(con, "entity_members"):
        rows = con.execute(store.sql("match_index.entity_map")).fetchall()
        return {(s, i): e for s, i, e in rows}
    return {}


def _entity_of(members: dict[tuple[str, str], str], source: str, source_id: str) -> str:
    return members.get((source, source_id)) or entity_id_for([f"{source}:{source_id}"])


def _weights(doc_freq: Counter, base: int) -> dict[str, float]:
    return {t: max(MIN_WEIGHT, math.log(base / n)) for t, n in doc_freq.items()}


def unknown_weight(base: int) -> float:
    """Weight of a customer token the lists never use: as rare as a word of one entity."""
    return max(MIN_WEIGHT, math.log(max(base, 2)))


def listed_names(con: duckdb.DuckDBPyConnection) -> list[ListedName]:
    """Every name of the active list entries, with the forms derived from them: what the index holds."""
    return with_derived(con.execute(store.sql("match_list_names")).fetchall())


def build_index(con: duckdb.DuckDBPyConnection, fingerprint: str | None = None,
                pending: Pending | None = None) -> IndexInfo:
    """(Re)build every list-side table in one transaction; the names' features from ``pending``
    when it computed them for today's names."""
    fingerprint = fingerprint or list_fingerprint(con)
    members = _entity_map(con)
    names = listed_names(con)
    features = pending.take(names) if pending else None
    if features is None:
        features = feature_table(names)
    entities = [_entity_of(members, source, source_id) for source, source_id in
                zip(features["source"].to_pylist(), features["source_id"].to_pylist())]
    forms = list(zip(*(features[c].to_pylist() for c in ("tokens", "phonetic", "skeletons", "loose"))))
    token_entities: dict[str, set[str]] = defaultdict(set)
    for entity, (tokens, *_) in zip(entities, forms):
        for t in tokens:
            token_entities[t].add(entity)
    n_entities = len(set(entities))
    base = max(n_entities, 2)
    weights = _weights(Counter({t: len(e) for t, e in token_entities.items()}), base)

    with store.transaction(con):
        _write_names(con, features, entities, forms, weights)
        _write(con, "match_tokens", tokens_arrow=pa.table({
            "token": list(weights), "df": [len(token_entities[t]) for t in weights], "weight": list(weights.values())}))
        _write_entities(con, members)
        _write_name_keys(con, features, entities)
        n_addr = _write_addresses(con, members)
        con.execute(store.sql("match_index.match_index_meta"), {
            "fingerprint": fingerprint, "names": features.num_rows, "entities": n_entities,
            "addresses": n_addr, "base": base})
    return IndexInfo(fingerprint, features.num_rows, n_entities, n_addr, base, rebuilt=True)


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


def _write_names(con: duckdb.DuckDBPyConnection, features: pa.Table, entities: list[str], forms: list[tuple],
                 weights: dict[str, float]) -> None:
    default = unknown_weight(len(weights) or 2)
    entity_ids = pa.array(entities, pa.string())
    names_arrow = pa.table({
        "name_uid": features["name_uid"], "entity_id": entity_ids,
        **{c: features[c] for c in ("source", "source_id", "name", "kind", "entity_type", "core", "sorted_key",
                                    "compact", "skeleton", "legal_form")},
        "toks": [[token_struct(form, weights, default) for form in zip(*name_forms)] for name_forms in forms],
        "ntok": [len(name_forms[0]) for name_forms in forms],
    })
    _write(con, "match_names", names_arrow=names_arrow)
    con.execute(store.sql("match_index.match_tok_attr"))
    con.execute(store.sql("match_index.match_name_tok"))


def _write_name_keys(con: duckdb.DuckDBPyConnection, features: pa.Table, entities: list[str]) -> None:
    """The names' usable blocking keys and the entities each finds (after ``match_entities``, whose
    entity numbers they carry). Which keys are rare enough to look candidates up (KEY_CAPS) is
    counted in SQL: millions of keys."""
    _write(con, "match_name_keys",
           keys_arrow=pa.table({"name_uid": features["name_uid"], "entity_id": pa.array(entities, pa.string()),
                                "keys": features["keys"]}),
           caps_arrow=pa.table({"prefix": list(KEY_CAPS), "cap": list(KEY_CAPS.values())}))
    con.execute(store.sql("match_index.match_key_entities"))


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
