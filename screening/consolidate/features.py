"""Features and deterministic links: the TEMP tables ``cons_input`` (one row per active entry)
and ``cons_links`` (pairs joined by a shared identifier or rare name), built in the store."""
from __future__ import annotations

import duckdb
import pyarrow as pa

from .. import store
from .keys import document_keys, name_keys, un_ref_key
from .settings import MAX_KEY_ENTRIES, RARE_WORD_BITS, SAME_NAME_BITS, reference

def register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """``table`` as the TEMP table ``name`` of the connection."""
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def build_features(con: duckdb.DuckDBPyConnection) -> int:
    """Fill the TEMP table ``cons_input`` (one row per active entry); return its row count."""
    con.execute(store.sql("consolidate_entry_types"))
    rows = store.run(con, "consolidate_reads.names_to_key").fetchall()
    keyed = [name_keys(name, kind) for name, kind in rows]
    columns = ("core_key", "sorted_key", "skeleton_key", "phon_key", "words", "legal_class")
    register(con, "cons_name_norm", pa.table({
        "name": [r[0] for r in rows], "entity_type": [r[1] for r in rows],
        **{c: pa.array([k[c] for k in keyed], pa.list_(pa.string()) if c == "words" else pa.string())
           for c in columns}}))
    values = [r[0] for r in store.run(con, "consolidate_reads.documents_to_key").fetchall()]
    pairs = [(v, k) for v in values for k in document_keys(v)]
    register(con, "cons_id_norm", pa.table({"value": [p[0] for p in pairs], "key": [p[1] for p in pairs]},
                                            schema=pa.schema([("value", pa.string()), ("key", pa.string())])))
    refs = [r[0] for r in store.run(con, "consolidate_reads.un_references").fetchall()]
    keyed = [(v, un_ref_key(v)) for v in refs]
    keyed = [(v, k) for v, k in keyed if k]
    register(con, "cons_un_norm", pa.table({"value": [p[0] for p in keyed], "key": [p[1] for p in keyed]},
                                            schema=pa.schema([("value", pa.string()), ("key", pa.string())])))
    regimes = [(source, program, code) for source, programs in reference()["regime_countries"]["sources"].items()
               for program, codes in programs.items() for code in codes]
    register(con, "cons_regime_countries", pa.table(
        {"source": [r[0] for r in regimes], "program": [r[1] for r in regimes], "country_code": [r[2] for r in regimes]},
        schema=pa.schema([("source", pa.string()), ("program", pa.string()), ("country_code", pa.string())])))
    store.run_all(con, "consolidate_features", {"rare_word_bits": RARE_WORD_BITS})
    return scalar(con, "consolidate_reads.input_count")


def deterministic_links(con: duckdb.DuckDBPyConnection, max_key_entries: int = MAX_KEY_ENTRIES) -> int:
    """Fill the TEMP table ``cons_links`` from ``cons_input``; return the number of links."""
    params = {"max_key_entries": max_key_entries, "rare_word_bits": RARE_WORD_BITS, "same_name_bits": SAME_NAME_BITS}
    store.run_all(con, "consolidate_links", params)
    return scalar(con, "consolidate_reads.link_count")


def scalar(con: duckdb.DuckDBPyConnection, name: str, params: store.Params = None):
    """The one value of a named statement."""
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next query
    return store.run(con, name, params).fetchall()[0][0]
