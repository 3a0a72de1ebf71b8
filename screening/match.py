"""Screen stage: customers matched against the listed entities with a Splink model over DuckDB.

Flow for a batch of customers (one chunk at a time):

1. customer names and addresses are normalised (:mod:`screening.match_features`, the same code as
   the list side) into temp tables, with the blocking keys the list index knows;
2. ``sql/match_pairs.sql`` joins them to the prepared list side (:mod:`screening.match_index`) and
   computes, per (customer, entity), the features of the entity's closest name and address;
3. Splink's own SQL turns the features into comparison levels, match weights and a probability;
4. hits at the threshold are explained comparison by comparison (a Splink waterfall).

A customer whose street address equals a listed address gets an *address hit* even when the
names differ (the front-company red flag): its score is the model's probability without the
name comparison.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import duckdb
import pyarrow as pa
from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings

from . import store
from .store import StoreBusy  # noqa: F401 - re-exported for callers of the matcher
from .countries import is_unrecognised, to_country_code, unrecognised_message
from .match_features import address_features, blocking_keys, may_be_cut, name_features
from .match_index import IndexInfo, ensure_index, token_structs, unknown_weight
from .match_lookup import ListSide, LookupScorer, candidate_pairs, entity_pair, load_list_side, select_side
from .match_model import ELSE_LABELS, ScreenConfig, load_config, load_settings
from .normalize import strip_invisible
from .selection import Selection, make_selection

CHUNK_ROWS = 50_000
SMALL_CHUNK = 1000  # fewer customers than this: a one-off lookup (no key sets, indexed key lookups)
LOOKUP_ROWS = 8  # this many customers or fewer: scored in Python once the list side is resident
SELECTED_SIDES = 4  # list sides restricted to a selection of lists kept for lookups (~13 MB, 0.1 s each)
# the list-side copies sql/match_pairs.sql reads, and their restriction to a selection of lists
SELECTED_TABLES = {"match_names_mem": "match_names_sel", "match_entities_mem": "match_entities_sel",
                   "match_addresses_mem": "match_addresses_sel"}
MAX_CANDIDATES = 20  # entities per customer kept from name blocking, best-ranked by shared rare keys
ADDRESS_LEVEL = 3  # gamma of "same street address"
_DOB = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")
_DOB_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_TYPES = {"person": "person", "individual": "person", "natural person": "person", "p": "person",
          "i": "person", "organization": "organization", "organisation": "organization",
          "entity": "organization", "company": "organization", "corporate": "organization",
          "business": "organization", "legal person": "organization", "o": "organization",
          "e": "organization", "vessel": "vessel", "ship": "vessel", "aircraft": "aircraft"}


@dataclass(slots=True)
class Hit:
    """One listed entity that a customer matches."""

    entity_id: str
    score: float
    list_refs: str
    matched_name: str | None
    match_kind: str            # name | address | name+address
    explanation: str           # in words
    waterfall: list[dict]      # the same for machines: one dict per comparison, prior and total

    def explanation_data(self) -> dict:
        """The explanation as data, in the one shape every JSON output uses (check --json, screen's
        JSON lines): its words and its waterfall."""
        return {"text": self.explanation, "waterfall": self.waterfall}

    def as_dict(self) -> dict:
        return {"entity_id": self.entity_id, "score": self.score, "list_refs": self.list_refs,
                "matched_name": self.matched_name, "match_kind": self.match_kind,
                "explanation": self.explanation_data()}


@dataclass(slots=True)
class RowResult:
    """The outcome for one input row: hits, no hit, or an error with its reason."""

    row: int                   # 0-based position in the input
    input_id: str
    status: str                # hit | no_hit | error
    hits: list[Hit] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict:
        return {"row": self.row, "input_id": self.input_id, "status": self.status,
                "hits": [hit.as_dict() for hit in self.hits], "error": self.error}


@dataclass(slots=True)
class Customer:
    """A customer as screened: the raw values, one per field."""

    name: str | None
    address: str | None = None
    country: str | None = None
    dob: str | None = None
    type: str | None = None
    id: str | None = None


def parse_dob(text: str | None) -> tuple[date | None, int | None]:
    """(date, year) of a date of birth given as YYYY, YYYY-MM or YYYY-MM-DD (or DD/MM/YYYY)."""
    if not text or not str(text).strip():
        return None, None
    text = str(text).strip()[:10] if "T" in str(text) else str(text)
    m = _DOB.match(text)
    if m:
        year, month, day = (int(g) if g else None for g in m.groups())
    else:
        m = _DOB_DMY.match(text)
        if not m:
            raise ValueError(f"date of birth {text!r} is not YYYY, YYYY-MM-DD or DD/MM/YYYY")
        day, month, year = (int(g) for g in m.groups())
    if not 1800 <= year <= 2100:
        raise ValueError(f"date of birth {text!r}: year out of range")
    try:
        return (date(year, month, day) if month and day else None), year
    except ValueError:
        raise ValueError(f"date of birth {text!r} is not a valid date") from None


@lru_cache(maxsize=100_000)
def _parse_dob(text: str | None) -> tuple[date | None, int | None]:
    return parse_dob(text)


@lru_cache(maxsize=10_000)
def _country(text: str) -> str | None:
    return to_country_code(text)


def parse_type(text: str | None) -> str | None:
    """Entity type of a customer (person, organization, vessel, aircraft), None when not given."""
    if not text or not str(text).strip():
        return None
    return _TYPES.get(str(text).strip().lower())


class Matcher:
    """The prepared list side, the model and its SQL, ready to screen customers on one connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config: ScreenConfig | None = None,
                 model_path: str | None = None, settings: Any = None) -> None:
        self.con = con
        self.writable = False
        try:  # Splink writes `x -> expr` lambdas (a read-only store is opened without this setting)
            con.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")
        except duckdb.Error:
            pass
        # bound the engine's memory so a large batch spills instead of growing: 1M rows peak at ~3.4 GiB
        # (2 GB gave ~3.9 GiB at the same speed, within the run-to-run noise)
        con.execute("SET memory_limit = '1500MB'")
        self.info: IndexInfo = ensure_index(con, read_only=True)
        con.execute(store.sql("match_macros"))
        con.execute(store.sql("match_resident"))
        self.config = config or load_config()
        self.settings = settings or load_settings(model_path)
        self.token_weights = dict(con.execute("SELECT token, weight FROM match_tokens").fetchall())
        # token form -> id; a form the lists never use gets the next free id (stable per matcher)
        self.token_ids: dict[tuple, int] = {
            (t, p, s, k): tid for tid, t, p, s, k in con.execute("SELECT tid, t, p, s, k FROM match_tok_attr").fetchall()}
        self.address_weights = dict(con.execute("SELECT token, weight FROM match_address_tokens").fetchall())
        self._key_sets: tuple[set[str], set[str]] | None = None
        self.unknown = unknown_weight(self.info.tokens)
        self.unknown_address = unknown_weight(max(self.info.addresses, 2))
        self.levels = self._level_labels()
        self.predict_sql = self._predict_sql()
        # the pair-building statements, read and split once (a one-off lookup runs them all)
        self.pair_statements = _statements(store.sql("match_pairs"))
        # the same against the list side of a selection of lists (--lists / --exclude-lists)
        self.selected_pair_statements = [_with_tables(st, SELECTED_TABLES) for st in self.pair_statements]
        self.select_statements = _statements(store.sql("select_lists"))
        self._selected_tables: frozenset[str] | None = None  # the sources the *_sel tables hold
        self._selected_sides: dict[frozenset[str], ListSide] = {}
        self.lookup_keys_sql = store.sql("match_lookup_keys")
        self._name_cache: dict[tuple, tuple] = {}
        self._address_cache: dict[tuple, tuple] = {}
        self._small_calls = 0
        self._keys_indexed = False
        self._list_side: ListSide | None = None
        self._lookup: LookupScorer | None = None
        self._lookup_setting = False  # dynamic_or_filter_threshold raised for lookups
        self._has_address = True  # does the loaded chunk have a customer address
        self._best_address_empty = False  # match_best_address exists and holds no row
        self._akeys_empty = False  # match_cust_akeys exists and holds no row
        self._list_versions: dict[str, dict] | None = None

    def list_versions(self) -> dict[str, dict]:
        """The active version of each loaded source."""
        if self._list_versions is None:
            self._list_versions = {
                source: {"version": version, "version_id": version_id, "published": published}
                for source, version, version_id, published in self.con.execute(store.sql("screen_context")).fetchall()}
        return self._list_versions

    def context(self, threshold: float | None = None, selection: Selection | None = None) -> dict:
        """What a screening ran with, to keep beside its results: the thresholds applied (a given
        threshold replaces the default and every configured per-source one; ``source_override``
        names the per-source ones given for the run), the lists asked for and screened, and the
        active versions of the screened lists."""
        run = _run_selection(threshold, selection)
        config = run.config(self.config)
        applied = {"default": config.threshold, "per_source": dict(config.per_source),
                   "override": run.threshold is not None, "source_override": dict(run.source_thresholds)}
        chosen = run.as_dict(self.list_versions())
        return {"threshold": applied, "selection": chosen,
                "lists": {s: v for s, v in self.list_versions().items() if s in chosen["screened"]}}

    def check_selection(self, selection: Selection) -> None:
        """ValueError when a list asked for has no active version in this store, or when the
        selection leaves no loaded list: screening against nothing must not read as an all clear."""
        active = self.list_versions()
        missing = [s for s in selection.lists or () if s not in active and s not in selection.exclude_lists]
        if missing:
            raise ValueError(f"{', '.join(missing)} asked for but not loaded in this store "
                             f"(loaded: {', '.join(sorted(active))})")
        if not selection.as_dict(active)["screened"]:
            raise ValueError(f"excluding {', '.join(selection.exclude_lists)} leaves no loaded list to screen "
                             f"(loaded: {', '.join(sorted(active))})")

    # ---- model SQL -----------------------------------------------------------------------
    def _level_labels(self) -> dict[tuple[str, int], str]:
        labels = {}
        for comparison in self.settings.comparisons:
            for level in comparison.comparison_levels:
                label = level.label_for_charts
                if level._is_else_level:
                    label = ELSE_LABELS.get(comparison.output_column_name, label)
                labels[(comparison.output_column_name, level.comparison_vector_value)] = label
        return labels

    def _predict_sql(self) -> str:
        """Splink's comparison-vector and prediction SQL over ``match_pairs``, as one query."""
        columns = ", ".join(self.settings._columns_to_select_for_comparison_vector_values)
        ctes = [("__splink__df_comparison_vectors", f"SELECT {columns} FROM match_pairs")]
        ctes += [(s["output_table_name"], s["sql"])
                 for s in predict_from_comparison_vectors_sqls_using_settings(self.settings)]
        with_sql = ",\n".join(f"{name} AS ({sql})" for name, sql in ctes)
        return f"WITH {with_sql}\n{store.sql('match_scores')}"

    # ---- customers ---------------------------------------------------------------------------
    def key_sets(self) -> tuple[set[str], set[str]]:
        """The name and address keys the index knows, loaded on first use by a large batch
        (they keep customer key tables small; a one-off lookup is faster without them)."""
        if self._key_sets is None:
            self._key_sets = (
                {r[0] for r in self.con.execute("SELECT DISTINCT key FROM match_name_keys").fetchall()},
                {r[0] for r in self.con.execute("SELECT DISTINCT key FROM match_address_keys").fetchall()})
        return self._key_sets

    def _name_row(self, name: str, etype: str | None, known: set[str] | None) -> tuple:
        """Everything the SQL needs about one customer name (cached: names repeat in a file)."""
        key = (name, etype, known is not None)
        cached = self._name_cache.get(key)
        if cached is None:
            feats = name_features(name, etype)
            toks = token_structs(feats, self.token_weights, self.unknown)
            for tok in toks:
                form = (tok["t"], tok["p"], tok["s"], tok["k"])
                tok["id"] = self.token_ids.setdefault(form, len(self.token_ids))
            cut = may_be_cut(name)
            keys = blocking_keys(feats, cut=cut)
            if known is not None:
                keys = [k for k in keys if k in known]
            cached = (feats.core or None, feats.sorted_key, feats.compact, feats.legal_form, toks, cut, keys)
            if len(self._name_cache) > 500_000:
                self._name_cache.clear()
            self._name_cache[key] = cached
        return cached

    def _address_row(self, text: str, known: set[str] | None) -> tuple[list[dict], bool, list[str]]:
        """Weighted tokens, street flag and lookup keys of one customer address (cached)."""
        key = (text, known is not None)
        cached = self._address_cache.get(key)
        if cached is None:
            addr = address_features(text)
            atoks = [{"t": t, "w": self.address_weights.get(t, self.unknown_address)} for t in addr.tokens]
            keys = [t for t in addr.tokens if known is None or t in known]
            cached = (atoks, bool(addr.street), keys)
            if len(self._address_cache) > 500_000:
                self._address_cache.clear()
            self._address_cache[key] = cached
        return cached

    def _prepare(self, cust: Customer, known_names: set[str] | None, known_addresses: set[str] | None) -> tuple:
        """(type, dob, dob year, name row, address row, country code) of one customer, or ValueError
        saying why the row cannot be screened."""
        etype = parse_type(cust.type)
        dob, year = _parse_dob(cust.dob)
        if not cust.name or not str(cust.name).strip():
            raise ValueError("empty name")
        row = self._name_row(str(cust.name), etype, known_names)
        if row[0] is None:
            raise ValueError(f"name {cust.name!r} has no letters or digits")
        address = self._address_row(cust.address, known_addresses) if cust.address else ([], False, [])
        return etype, dob, year, row, address, _country(cust.country) if cust.country else None

    def _load_customers(self, customers: list[Customer]) -> list[str | None]:
        """Normalise a chunk into the temp tables; return a per-row error (None when screened).

        The name side is loaded once per distinct name (``match_cname``): customer files repeat
        names, and everything about the name comparison depends on the name alone."""
        cols: dict[str, list] = {k: [] for k in ("cust_uid", "nid", "country", "atoks", "street", "dob",
                                                 "dob_year", "type")}
        ncols: dict[str, list] = {k: [] for k in ("nid", "core", "sorted_key", "compact", "legal_form", "toks", "cut")}
        nids: dict[tuple, int] = {}
        key_nid: list[int] = []
        key_val: list[str] = []
        akey_uid: list[int] = []
        akey_val: list[str] = []
        errors: list[str | None] = []
        large = len(customers) >= SMALL_CHUNK
        known_names, known_addresses = self.key_sets() if large else (None, None)
        if large:
            # a batch arrives sorted by name, so a name seldom recurs in a later chunk: the caches
            # would only grow (they hold token lists of every name seen)
            self._name_cache.clear()
            self._address_cache.clear()
        for uid, cust in enumerate(customers):
            try:
                etype, dob, year, row, (atoks, street, akeys), country = self._prepare(
                    cust, known_names, known_addresses)
            except ValueError as exc:
                errors.append(str(exc))
                continue
            errors.append(None)
            name_key = (str(cust.name), etype)
            nid = nids.get(name_key)
            if nid is None:
                nid = nids[name_key] = len(nids)
                for values, value in zip(ncols.values(), (nid, *row[:6])):
                    values.append(value)
                key_nid += [nid] * len(row[6])
                key_val += row[6]
            for values, value in zip(cols.values(), (uid, nid, country, atoks, street, dob, year, etype)):
                values.append(value)
            akey_uid += [uid] * len(akeys)
            akey_val += akeys
        self._has_address = any(cols["atoks"])
        self._register("match_cust", pa.table(cols, schema=_CUST_SCHEMA))
        self._register("match_cname", pa.table(ncols, schema=_NAME_SCHEMA))
        self._register("match_cname_keys", pa.table({"nid": key_nid, "key": key_val}, schema=_NKEY_SCHEMA))
        if akey_uid or not self._akeys_empty:  # an empty key table left by the last chunk serves again
            self._akeys_empty = False
            self._register("match_cust_akeys", pa.table({"cust_uid": akey_uid, "key": akey_val},
                                                        schema=_KEY_SCHEMA))
            self._akeys_empty = not akey_uid
        return errors

    def _index_keys(self, rows: int) -> None:
        """From the second one-off lookup of a process on, prepare lookups in Python (a first and
        only lookup, as ``screening check`` makes, should not pay the ~2 s)."""
        if self._keys_indexed or rows >= SMALL_CHUNK:
            return
        self._small_calls += 1
        if self._small_calls >= 2:
            self.prepare_lookups()

    def prepare_lookups(self) -> None:
        """Make one-off lookups fast (a few ms instead of ~80): an in-memory copy of the name key
        table indexed on key, and the rest of the list side held in Python for
        :mod:`screening.match_lookup`. Costs ~2 s and ~150 MB once per matcher."""
        if self._keys_indexed:
            return
        self.con.execute("CREATE OR REPLACE TEMP TABLE match_name_keys_mem AS "
                         "SELECT key, name_uid FROM match_name_keys")
        self.con.execute("CREATE INDEX match_name_keys_mem_key ON match_name_keys_mem (key)")
        self._keys_indexed = True
        try:
            self._lookup = LookupScorer(self.settings)
        except ValueError:  # a model file with other comparisons than the code's: SQL only
            return
        self._list_side = load_list_side(self.con)
        _country("United States")  # load the country name tables now, not in the next lookup

    def _select_tables(self, sources: frozenset[str]) -> None:
        """Restrict the SQL path's list side to the entities of a selection of lists (the *_sel
        tables of ``sql/select_lists.sql``), unless the last selection already did."""
        if self._selected_tables == sources:
            return
        for statement in self.select_statements:
            self.con.execute(statement, {"sources": sorted(sources)} if "$sources" in statement else None)
        self._selected_tables = sources

    def selected_side(self, sources: frozenset[str] | None) -> ListSide | None:
        """The Python lookup path's list side, restricted to a selection of lists (kept for the
        next lookups: a service may alternate between a few selections)."""
        if sources is None or self._list_side is None:
            return self._list_side
        side = self._selected_sides.pop(sources, None) or select_side(self._list_side, sources)
        self._selected_sides[sources] = side  # the most recently used last
        while len(self._selected_sides) > SELECTED_SIDES:
            del self._selected_sides[next(iter(self._selected_sides))]
        return side

    def _pairs(self, sources: frozenset[str] | None = None) -> None:
        statements = self.pair_statements
        if sources is not None:
            self._select_tables(sources)
            statements = self.selected_pair_statements
        for statement in statements:
            best_address = "TEMP TABLE match_best_address AS" in statement
            if best_address:
                # a chunk without any customer address makes this table empty: when the previous
                # chunk left it empty already, a lookup by name alone skips planning the statement
                if not self._has_address and self._best_address_empty:
                    continue
                self._best_address_empty = False
            if self._keys_indexed:
                statement = statement.replace("JOIN match_name_keys nk", "JOIN match_name_keys_mem nk")
            params = {"max_candidates": MAX_CANDIDATES} if "$max_candidates" in statement else None
            self.con.execute(statement, params)
            if best_address:
                self._best_address_empty = not self._has_address

    def _register(self, name: str, table: pa.Table) -> None:
        self.con.register(f"{name}_arrow", table)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        self.con.unregister(f"{name}_arrow")

    # ---- scoring -------------------------------------------------------------------------------
    def score_chunk(self, customers: list[Customer], threshold: float | None = None,
                    selection: Selection | None = None) -> tuple[list[str | None], dict[int, list[Hit]]]:
        """Screen one chunk; return the per-row errors and the hits by row position.

        A few customers are scored in Python once lookups are prepared, any other chunk in SQL:
        both give the same hits. ``selection``: the lists and thresholds of the run (a
        ``threshold`` alone is the same as a selection of every list at that threshold)."""
        self._index_keys(len(customers))
        if self._list_side is not None and len(customers) <= LOOKUP_ROWS:
            return self.score_in_python(customers, threshold, selection)
        return self.score_in_sql(customers, threshold, selection)

    def _dynamic_filters(self, lookup: bool) -> None:
        if lookup != self._lookup_setting:
            # a name has up to ~120 keys; DuckDB turns the keys of a join into an index lookup only
            # up to this many values (default 50; above it, a 40 ms scan of 2.4M keys per lookup)
            self.con.execute("SET dynamic_or_filter_threshold = 1000" if lookup else "RESET dynamic_or_filter_threshold")
            self._lookup_setting = lookup

    def score_in_sql(self, customers: list[Customer], threshold: float | None = None,
                     selection: Selection | None = None) -> tuple[list[str | None], dict[int, list[Hit]]]:
        """Screen a chunk with ``sql/match_pairs.sql`` and Splink's prediction SQL."""
        run = _run_selection(threshold, selection)
        config = run.config(self.config)
        self._dynamic_filters(False)
        errors = self._load_customers(customers)
        self._pairs(run.sources)
        rows = self.con.execute(self.predict_sql, {"floor": config.lowest}).fetchall()
        names = [d[0] for d in self.con.description]
        hits: dict[int, list[Hit]] = {}
        for row in rows:
            rec = dict(zip(names, row))
            hit = self._hit(rec, customers[rec["uid_r"]], config)
            if hit:
                hits.setdefault(rec["uid_r"], []).append(hit)
        for found in hits.values():
            found.sort(key=lambda h: (-h.score, h.entity_id))
        return errors, hits

    def score_in_python(self, customers: list[Customer], threshold: float | None = None,
                        selection: Selection | None = None) -> tuple[list[str | None], dict[int, list[Hit]]]:
        """Screen a few customers in Python (:mod:`screening.match_lookup`): the same hits as
        :meth:`score_in_sql`, without DuckDB planning ten statements per call."""
        self.prepare_lookups()
        if self._list_side is None:  # a model the Python scorer does not know
            return self.score_in_sql(customers, threshold, selection)
        run = _run_selection(threshold, selection)
        config = run.config(self.config)
        floor = config.lowest
        errors: list[str | None] = []
        hits: dict[int, list[Hit]] = {}
        for uid, cust in enumerate(customers):
            try:
                scored = self.candidate_scores_in_python(cust, run.sources)
            except ValueError as exc:
                errors.append(str(exc))
                continue
            errors.append(None)
            scored = [p for p in scored if p["match_probability"] >= floor or p["address_probability"] >= floor]
            scored.sort(key=lambda p: (-max(p["match_probability"], p["address_probability"]), p["uid_l"]))
            found = [hit for hit in (self._hit(p, cust, config) for p in scored) if hit]
            if found:
                found.sort(key=lambda h: (-h.score, h.entity_id))
                hits[uid] = found
        return errors, hits

    def candidate_scores_in_python(self, cust: Customer, sources: frozenset[str] | None = None) -> list[dict]:
        """Every candidate pair of one customer with its comparison levels and weights, as
        :meth:`candidate_scores` gives them from SQL (ValueError for a row that cannot be screened);
        ``sources``: only the entities listed on these (see :mod:`screening.selection`)."""
        self.prepare_lookups()
        side = self.selected_side(sources)
        if side is None or self._lookup is None:
            raise RuntimeError("the model's comparisons are not those the Python scorer knows")
        self._dynamic_filters(True)
        features, keys = self.lookup_features(cust)
        key_names = self.con.execute(self.lookup_keys_sql, {"keys": keys}).fetchall()
        if sources is not None:  # the names of entities outside the selection are no candidates
            key_names = [(key, uid) for key, uid in key_names if uid in side.names]
        return [self._lookup.score(pair)
                for pair in candidate_pairs(features, key_names, side, MAX_CANDIDATES)]

    def lookup_features(self, cust: Customer) -> tuple[dict, list[str]]:
        """(the customer's features as :mod:`screening.match_lookup` reads them, its name keys);
        ValueError for a row that cannot be screened."""
        etype, dob, year, row, (atoks, street, akeys), country = self._prepare(cust, None, None)
        return {"core": row[0], "sorted_key": row[1], "compact": row[2], "legal_form": row[3],
                "toks": row[4], "cut": row[5], "country": country,
                "atoks": tuple((a["t"], a["w"]) for a in atoks), "street": street, "akeys": akeys,
                "dob": dob, "dob_year": year, "type": etype}, row[6]

    def score_entity(self, cust: Customer, entity: str, name_uids: list[int], side: ListSide
                     ) -> tuple[dict, Hit | None, list[dict]]:
        """One customer against one entity of a list side, every name given compared (the hook of
        :mod:`screening.pairwise`): the scored pair, the hit it makes at the configured thresholds
        (None: none) and its waterfall. Scored as a one-off lookup scores a candidate."""
        if self._lookup is None:
            self._lookup = LookupScorer(self.settings)
        pair = self._lookup.score(entity_pair(self.lookup_features(cust)[0], entity, name_uids, side))
        return pair, self._hit(pair, cust, self.config), self._waterfall(pair, cust)

    def candidate_scores(self, customers: list[Customer]) -> list[dict]:
        """Every candidate pair of a chunk with its comparison levels and weights (SQL; training)."""
        self._dynamic_filters(False)
        self._load_customers(customers)
        self._pairs()
        rows = self.con.execute(self.predict_sql, {"floor": 0.0}).fetchall()
        names = [d[0] for d in self.con.description]
        return [dict(zip(names, row)) for row in rows]

    def _hit(self, rec: dict, cust: Customer, config: ScreenConfig) -> Hit | None:
        # the refs are those of the screened lists: their thresholds decide (screening.selection)
        threshold = config.for_refs(rec["list_refs"])
        # a name hit needs some similarity of names; other evidence alone makes only an address hit
        by_name = rec["match_probability"] >= threshold and rec["gamma_name"] > 0
        # an address hit needs the customer's street address to equal a listed one: a pair without
        # it has address_probability 0, which a threshold of 0 would otherwise let through
        by_address = rec["gamma_address"] == ADDRESS_LEVEL and rec["address_probability"] >= threshold
        if not (by_name or by_address):
            return None
        kind = "name+address" if by_name and by_address else ("name" if by_name else "address")
        score = max(rec["match_probability"], rec["address_probability"])
        waterfall = self._waterfall(rec, cust)
        return Hit(entity_id=rec["uid_l"], score=round(float(score), 6), list_refs=rec["list_refs"],
                   matched_name=rec["matched_name"], match_kind=kind,
                   explanation=explain_in_words(waterfall, kind, score), waterfall=waterfall)

    def _waterfall(self, rec: dict, cust: Customer) -> list[dict]:
        steps = [{"comparison": "prior", "customer_value": None, "list_value": None,
                  "level": "base rate of a match among candidates", "match_weight": round(self._prior_weight(), 3)}]
        values = {
            "name": (cust.name, rec["matched_name"]),
            "legal_form": (rec["legal_form_r"], rec["legal_form_l"]),
            "country": (rec["country_r"], ", ".join(rec["countries_l"] or []) or None),
            "address": (cust.address, rec["matched_address"]),
            "dob": (cust.dob, ", ".join(str(y) for y in (rec["birth_dates_l"] or rec["birth_years_l"] or [])) or None),
            "entity_type": (rec["type_r"], rec["type_l"]),
        }
        for comparison in self.settings.comparisons:
            col = comparison.output_column_name
            gamma = rec[f"gamma_{col}"]
            cust_value, list_value = values[col]
            steps.append({"comparison": col, "customer_value": cust_value, "list_value": list_value,
                          "level": self.levels.get((col, gamma), str(gamma)), "gamma": gamma,
                          "match_weight": round(float(rec[f"mw_{col}"]), 3)})
        steps.append({"comparison": "total", "match_weight": round(float(rec["match_weight"]), 3),
                      "match_probability": round(float(rec["match_probability"]), 6),
                      "address_probability": round(float(rec["address_probability"]), 6)})
        return steps

    def _prior_weight(self) -> float:
        import math

        p = self.settings._probability_two_random_records_match
        return math.log2(p / (1 - p))


def _statements(text: str) -> list[str]:
    """The statements of a SQL file, comment-only chunks left out."""
    return [st for st in text.split(";\n") if st.strip() and not all(
        line.startswith("--") for line in st.strip().splitlines())]


def _with_tables(statement: str, tables: dict[str, str]) -> str:
    """A statement reading other tables in place of some (whole names only)."""
    for old, new in tables.items():
        statement = re.sub(rf"\b{old}\b", new, statement)
    return statement


def _run_selection(threshold: float | None, selection: Selection | None) -> Selection:
    """The selection of a run given a threshold, a selection, or both (the same threshold twice)."""
    if selection is None:
        return Selection(threshold=threshold)
    if threshold is not None and selection.threshold not in (None, threshold):
        raise ValueError(f"two thresholds for one run: {threshold} and {selection.threshold}")
    return selection if threshold is None else replace(selection, threshold=threshold)


_CUST_SCHEMA = pa.schema([
    ("cust_uid", pa.int64()), ("nid", pa.int64()), ("country", pa.string()),
    ("atoks", pa.list_(pa.struct([("t", pa.string()), ("w", pa.float64())]))),
    ("street", pa.bool_()), ("dob", pa.date32()), ("dob_year", pa.int32()), ("type", pa.string()),
])
_NAME_SCHEMA = pa.schema([
    ("nid", pa.int64()), ("core", pa.string()), ("sorted_key", pa.string()), ("compact", pa.string()),
    ("legal_form", pa.string()),
    ("toks", pa.list_(pa.struct([("t", pa.string()), ("p", pa.string()), ("s", pa.string()),
                                 ("k", pa.string()), ("w", pa.float64()), ("id", pa.int32())]))),
    ("cut", pa.bool_()),
])
_KEY_SCHEMA = pa.schema([("cust_uid", pa.int64()), ("key", pa.string())])
_NKEY_SCHEMA = pa.schema([("nid", pa.int64()), ("key", pa.string())])


def explain_in_words(waterfall: list[dict], kind: str, score: float) -> str:
    """One line a reviewer can read: which customer value met which list value, level and weight."""
    parts = []
    for step in waterfall:
        comparison = step["comparison"]
        if comparison in ("prior", "total") or step.get("gamma") == -1:
            continue
        weight = step["match_weight"]
        if comparison == "name" and kind == "address":
            note = " (not counted for an address hit)"
        else:
            note = ""
        parts.append(f"{comparison}: {step['customer_value']!r} vs {step['list_value']!r} - {step['level']} "
                     f"({weight:+.1f}){note}")
    head = {"name": "name hit", "address": "ADDRESS HIT (listed address, name differs)",
            "name+address": "name and address hit"}[kind]
    return f"{head}, p={score:.3f}: " + "; ".join(parts)


# ---- the library API ---------------------------------------------------------------------------
_MATCHERS: dict[str, Matcher] = {}
_PINNED: set[str] = set()  # stores that never change: their matchers are not checked for new lists
# guards _MATCHERS only: never held while a store is opened or loaded, because loading the bundled
# lists into an empty store calls release() (the loader closes this process's readers first)
_LOCK = threading.Lock()
# one matcher made at a time, so that two threads meeting an empty store do not both load it
_BUILDING = threading.Lock()


def _load_bundled(db: str | Path | None, on_message: Callable[[str], None] | None) -> None:
    """An empty store: load and consolidate the bundled lists (which also builds the match index)."""
    if on_message:
        on_message("the store has no active lists: loading the bundled lists first")
    from .pipeline import load_lists

    try:
        load_lists(db, consolidate=True)
    except Exception as exc:  # noqa: BLE001 - screening works per list entry without consolidation
        if on_message:
            on_message(f"consolidation skipped: {exc}")


def open_store(db: str | Path | None, on_message: Callable[[str], None] | None = None,
               writable: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store for matching: read-only when its match index is up to date (the normal case:
    loads and refreshes build it), else rebuild the index first (read-write, said on stderr).
    An empty store gets the bundled lists loaded first."""
    from .match_index import list_fingerprint, stored_fingerprint

    path = store.resolve_db_path(db)
    if path.exists():
        con = store.connect(db, read_only=True, on_message=on_message)
        try:
            active = con.execute("SELECT count(*) FROM active_versions").fetchall()[0][0]
            fresh = bool(active) and stored_fingerprint(con) == list_fingerprint(con)
        except duckdb.CatalogException:  # a store made before the schema had these views
            active, fresh = 0, False
        if fresh and not writable:
            return con
        con.close()
    else:
        active = 0
    if not active:
        _load_bundled(db, on_message)
    con = store.connect(db, read_only=False, on_message=on_message)
    info = ensure_index(con)
    if info.rebuilt and on_message:
        on_message(f"the match index was out of date: rebuilt ({info.names} names, {info.entities} entities)")
    if writable:
        return con
    con.close()
    return store.connect(db, read_only=True, on_message=on_message)


def get_matcher(db: str | Path | None = None, on_message: Callable[[str], None] | None = None,
                writable: bool = False) -> Matcher:
    """A cached matcher for the store (made again when the lists changed since it was made).

    It reads the store read-only unless ``writable`` (for callers that also write, such as
    re-screening); a read-only store does not block other readers."""
    key = str(store.resolve_db_path(db))
    matcher = _cached_matcher(key, writable)
    if matcher is not None:
        return matcher
    with _BUILDING:
        matcher = _cached_matcher(key, writable)  # made by another thread while this one waited
        if matcher is not None:
            return matcher
        # the cache lock is not held here: opening an empty store loads the lists, which release()s
        matcher = Matcher(open_store(db, on_message, writable))
        matcher.writable = writable
        with _LOCK:
            _MATCHERS[key] = matcher
        return matcher


def _cached_matcher(key: str, writable: bool) -> Matcher | None:
    """The cached matcher of a store when it still serves (same lists; read-write when asked),
    else None, a stale one being closed (a read-write open of the store needs it gone)."""
    from .match_index import stored_fingerprint

    with _LOCK:
        matcher = _MATCHERS.get(key)
        if matcher is None:
            return None
        if (not writable or matcher.writable) and (
                key in _PINNED or stored_fingerprint(matcher.con) == matcher.info.fingerprint):
            return matcher
        del _MATCHERS[key]
    matcher.con.close()
    return None


def pin_store(db: str | Path) -> None:
    """Declare a store that never changes (a published snapshot, :mod:`screening.service.publish`):
    its cached matcher then serves every call without asking the store whether its lists changed
    (a query that costs a third of a lookup)."""
    with _LOCK:
        _PINNED.add(str(store.resolve_db_path(db)))


def release(db: str | Path | None = None) -> None:
    """Close the cached matcher of a store (before this process writes to it)."""
    with _LOCK:
        key = str(store.resolve_db_path(db))
        matcher = _MATCHERS.pop(key, None)
        _PINNED.discard(key)
    if matcher is not None:
        matcher.con.close()


store.on_release(release)  # the pipeline closes this process's matchers of a store before writing it


def _customers(records: Iterable[dict | Customer]) -> list[Customer]:
    out = []
    for rec in records:
        if isinstance(rec, Customer):
            out.append(rec)
            continue
        out.append(Customer(**{k: (None if rec.get(k) in (None, "") else str(rec.get(k)))
                               for k in ("name", "address", "country", "dob", "type", "id")}))
    return out


CLEANED_NOTE = "note: control characters removed from the name"


def _clean_names(customers: list[Customer]) -> set[int]:
    """Remove control and invisible characters (bidi overrides, zero-width, ANSI escapes) from the
    customer names, in place: they hide a name from a reader, so the explanation shows the
    cleaned name. Returns the positions of the rows that had any."""
    flagged = set()
    for i, cust in enumerate(customers):
        if cust.name:
            clean, changed = strip_invisible(cust.name)
            if changed:
                customers[i] = replace(cust, name=clean)
                flagged.add(i)
    return flagged


def screen_records(records: Iterable[dict | Customer], db: str | Path | None = None,
                   threshold: float | None = None, read_errors: list[str | None] | None = None,
                   on_progress: Callable[[int], None] | None = None,
                   on_message: Callable[[str], None] | None = None,
                   lists: str | Iterable[str] | None = None, exclude_lists: str | Iterable[str] | None = None,
                   source_thresholds: Mapping[str, float] | Iterable[str] | None = None) -> list[RowResult]:
    """Screen customer records (dicts with name, address, country, dob, type, id; or Customer).

    Every record gets a RowResult: ``hit`` with its hits, ``no_hit``, or ``error`` with the reason.
    ``read_errors`` (from reading a file) marks rows already known to be malformed. ``lists``,
    ``exclude_lists`` (source names, or one comma-separated string) and ``source_thresholds``
    ({source: threshold}) choose the lists and thresholds of the run (:mod:`screening.selection`);
    ValueError for a bad selection or a list asked for that the store has not loaded.
    """
    selection = make_selection(lists, exclude_lists, threshold, source_thresholds)
    customers = _customers(records)
    cleaned = _clean_names(customers)
    matcher = get_matcher(db, on_message)
    matcher.check_selection(selection)
    # rows with the same name go to the same chunk, where the name side is computed once
    order = sorted(range(len(customers)), key=lambda i: customers[i].name or "")
    results: list[RowResult | None] = [None] * len(customers)
    for start in range(0, len(order), CHUNK_ROWS):
        rows = order[start:start + CHUNK_ROWS]
        chunk = [customers[row] for row in rows]
        errors, hits = matcher.score_chunk(chunk, selection=selection)
        for i, (row, cust) in enumerate(zip(rows, chunk)):
            input_id = cust.id or str(row + 1)
            error = (read_errors[row] if read_errors else None) or errors[i]
            if error:
                results[row] = RowResult(row, input_id, "error", error=error)
            elif i in hits:
                for hit in hits[i] if row in cleaned else ():
                    hit.explanation = f"{hit.explanation}; {CLEANED_NOTE}"
                results[row] = RowResult(row, input_id, "hit", hits[i])
            else:
                results[row] = RowResult(row, input_id, "no_hit")
        if on_progress:
            on_progress(len(chunk))
    return results  # type: ignore[return-value] - every row is filled


def check(name: str, country: str | None = None, address: str | None = None, dob: str | None = None,
          entity_type: str | None = None, threshold: float | None = None,
          db: str | Path | None = None, on_message: Callable[[str], None] | None = None,
          lists: str | Iterable[str] | None = None, exclude_lists: str | Iterable[str] | None = None,
          source_thresholds: Mapping[str, float] | Iterable[str] | None = None) -> RowResult:
    """Screen one name (one-off lookup); the matcher stays loaded for the next call. The lists and
    thresholds are chosen as for :func:`screen_records`."""
    selection = make_selection(lists, exclude_lists, threshold, source_thresholds)  # bad options before anything
    rec = Customer(name=name, address=address, country=country, dob=dob, type=entity_type, id="1")
    if on_message and is_unrecognised(country):
        on_message(f"warning: {unrecognised_message(country)}")
    return screen_records([rec], db=db, threshold=selection.threshold, on_message=on_message, lists=selection.lists,
                          exclude_lists=selection.exclude_lists, source_thresholds=dict(selection.source_thresholds))[0]


def screening_context(db: str | Path | None = None, threshold: float | None = None,
                      on_message: Callable[[str], None] | None = None,
                      lists: str | Iterable[str] | None = None, exclude_lists: str | Iterable[str] | None = None,
                      source_thresholds: Mapping[str, float] | Iterable[str] | None = None) -> dict:
    """The thresholds, lists and list versions a screening of this store runs with (see
    :meth:`Matcher.context`); the matcher is the cached one a screening just used."""
    selection = make_selection(lists, exclude_lists, threshold, source_thresholds)
    return get_matcher(db, on_message).context(selection=selection)


def prepare_lookups(db: str | Path | None = None, on_message: Callable[[str], None] | None = None) -> None:
    """Make this process's one-off lookups fast from the first one (a service at start-up): the
    matcher otherwise prepares them at the second lookup (~2 s and ~360 MB once)."""
    get_matcher(db, on_message).prepare_lookups()


def elapsed_since(start: float) -> float:
    return round(time.perf_counter() - start, 3)
