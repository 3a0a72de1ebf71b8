"""Screen stage engine: customers matched against the listed entities with a Splink model over DuckDB.

Flow for a batch of customers (one chunk at a time):

1. customer names and addresses are normalised (:mod:`screening.match.chunk`, the same code as
   the list side) into temp tables, with the blocking keys the list index knows;
2. ``sql/match_pairs.sql`` joins them to the prepared list side (:mod:`screening.match.index`) and
   computes, per (customer, entity), the features of the entity's closest name and address;
3. Splink's own SQL turns the features into comparison levels, match weights and a probability;
4. hits at the threshold are explained comparison by comparison (:mod:`screening.match.explain`).

A few customers at a time (one-off lookups) are scored in Python instead
(:mod:`screening.match.lookup`), with the same result.

A customer whose street address equals a listed address gets an *address hit* even when the
names differ (the front-company red flag): its score is the model's probability without the
name comparison.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import duckdb
from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings

from .. import store
from ..ofac_score import reference_score
from .model import NAME_MAY_MATCH, ScreenConfig, knows_name_levels, load_config, load_settings
from .chunk import SMALL_CHUNK, CustomerSide
from .customers import Customer, country_code
from .features import blocking_keys, name_features
from .former_names import FormerNames, load_former_names
from .explain import ADDRESS_HIT, explain_in_words, level_labels, level_of, waterfall
from .index import IndexInfo, ensure_index
from .lookup import (ListSide, LookupPath, LookupScorer, candidate_pairs, entity_pair, load_key_index,
                     load_list_side)
from .results import Hit
from .scoring import MAX_CANDIDATES, pair_params
from .selection import Selection

# the statements of sql/match_pairs.sql that seek the customers' closest listed addresses: a chunk
# without any customer address leaves their tables empty
ADDRESS_TABLES = frozenset({"match_address_open", "match_address_pairs", "match_closest_address", "match_best_address",
                            "match_address_pairs_hopeful", "match_best_address_hopeful"})
LOOKUP_ROWS = 8  # this many customers or fewer: scored in Python once the list side is resident


class Matcher:
    """The prepared list side, the model and its SQL, ready to screen customers on one connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config: ScreenConfig | None = None,
                 model_path: str | None = None, settings: Any = None, writable: bool = False) -> None:
        self.con = con
        self.writable = writable  # the connection may write (re-screening records its runs)
        try:
            con.execute(store.sql("match_settings.lambda_syntax"))
        except duckdb.Error:
            pass
        con.execute(store.sql("match_settings.memory_limit"))
        self.info: IndexInfo = ensure_index(con, read_only=True)
        con.execute(store.sql("match_macros"))
        con.execute(store.sql("match_resident"))
        con.execute(store.sql("match_read_all"))
        self.config = config or load_config()
        self.settings = settings or load_settings(model_path)
        self.customers = CustomerSide(con, self.info)
        self.levels = level_labels(self.settings)
        self.address_level = level_of(self.levels, *ADDRESS_HIT)
        self.predict_sql = self._predict_sql()
        self.pair_params = {**pair_params(), "address_level": self.address_level}
        self.pair_statements, self._filters_pairs = pair_statements(self.settings)
        self._lookups: LookupPath | None = None  # made by prepare_lookups
        self._former_names: FormerNames | None = None  # read by prepare_lookups
        self._small_calls = 0                    # one-off lookups made before prepare_lookups
        self._reading: frozenset[str] | None = None  # the sources the *_read views show (None: all)
        self._address_tables_empty = False         # the ADDRESS_TABLES exist and hold no row
        self._list_versions: dict[str, dict] | None = None

    # ---- what a screening runs with ---------------------------------------------------------
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
        run = run_selection(threshold, selection)
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

    def _predict_sql(self) -> str:
        """Splink's comparison-vector and prediction SQL over ``match_pairs``, as one query."""
        columns = ", ".join(self.settings._columns_to_select_for_comparison_vector_values)
        ctes = [("__splink__df_comparison_vectors", f"SELECT {columns} FROM match_pairs")]
        ctes += [(s["output_table_name"], s["sql"])
                 for s in predict_from_comparison_vectors_sqls_using_settings(self.settings)]
        with_sql = ",\n".join(f"{name} AS ({sql})" for name, sql in ctes)
        return f"WITH {with_sql}\n{store.sql('match_scores')}"

    def _predict(self, floor: float) -> list[dict]:
        """The scored pairs of ``match_pairs`` at or above ``floor``."""
        rows = self.con.execute(self.predict_sql, {"floor": floor, "address_level": self.address_level}).fetchall()
        names = [d[0] for d in self.con.description]
        return [dict(zip(names, row)) for row in rows]

    # ---- one-off lookups ----------------------------------------------------------------------
    def _count_small_call(self, rows: int) -> None:
        """From the second one-off lookup of a process on, prepare lookups in Python (a first and
        only lookup, as ``screening check`` makes, should not pay the ~2 s)."""
        if self._lookups is not None or rows >= SMALL_CHUNK:
            return
        self._small_calls += 1
        if self._small_calls >= 2:
            self.prepare_lookups()

    def prepare_lookups(self) -> None:
        """Make one-off lookups fast (a few ms instead of ~80): the list side and the name key
        index held in Python for :mod:`screening.match.lookup`. Costs ~3 s and ~400 MB once per
        matcher."""
        if self._lookups is not None:
            return
        try:
            scorer = LookupScorer(self.settings, self.address_level)
        except ValueError:  # a model file with other comparisons than the code's: SQL only
            self._lookups = LookupPath(None, None)
            return
        self._lookups = LookupPath(scorer, load_list_side(self.con), load_key_index(self.con))
        self._former_names = load_former_names(self.con)
        country_code("United States")  # load the country name tables now, not in the next lookup

    def lookup_former_names(self) -> FormerNames | None:
        """Every former name of the store's parties once lookups are prepared (read then, so that
        a one-off lookup asks no query), else None."""
        return self._former_names

    # ---- the SQL path -------------------------------------------------------------------------
    def _read_lists(self, sources: frozenset[str] | None) -> None:
        """Point the *_read views at the entities of a selection of lists (``sql/select_lists.sql``)
        or at every list (``sql/match_read_all.sql``), unless they already show them."""
        if self._reading == sources:
            return
        if sources is None:
            self.con.execute(store.sql("match_read_all"))
        else:
            for statement in store.sections("select_lists").values():
                self.con.execute(statement, store.used_params(statement, {"sources": sorted(sources)}))
        self._reading = sources

    def _pairs(self, sources: frozenset[str] | None, has_address: bool, every_pair: bool = False) -> None:
        """Build ``match_pairs`` for the loaded chunk (``sql/match_pairs.sql``): the candidate pairs
        that can make a hit, or every candidate pair (``every_pair``: training reads them all)."""
        self._read_lists(sources)
        params = {**self.pair_params, "all_pairs": every_pair or not self._filters_pairs}
        # a chunk without any customer address makes the ADDRESS_TABLES empty: when the previous
        # chunk left them empty already, a lookup by name alone skips planning their statements
        skip_addresses = not has_address and self._address_tables_empty
        for table, statement in self.pair_statements:
            if not (skip_addresses and table in ADDRESS_TABLES):
                self.con.execute(statement, store.used_params(statement, params))
        self._address_tables_empty = not has_address

    # ---- scoring -------------------------------------------------------------------------------
    def score_chunk(self, customers: list[Customer], threshold: float | None = None,
                    selection: Selection | None = None) -> tuple[list[str | None], dict[int, list[Hit]]]:
        """Screen one chunk; return the per-row errors and the hits by row position.

        A few customers are scored in Python once lookups are prepared, any other chunk in SQL:
        both give the same hits. ``selection``: the lists and thresholds of the run (a
        ``threshold`` alone is the same as a selection of every list at that threshold)."""
        self._count_small_call(len(customers))
        if self._lookups is not None and self._lookups.side is not None and len(customers) <= LOOKUP_ROWS:
            return self.score_in_python(customers, threshold, selection)
        return self.score_in_sql(customers, threshold, selection)

    def score_in_sql(self, customers: list[Customer], threshold: float | None = None,
                     selection: Selection | None = None) -> tuple[list[str | None], dict[int, list[Hit]]]:
        """Screen a chunk with ``sql/match_pairs.sql`` and Splink's prediction SQL."""
        run = run_selection(threshold, selection)
        config = run.config(self.config)
        errors, has_address = self.customers.load(customers)
        self._pairs(run.sources, has_address)
        hits: dict[int, list[Hit]] = {}
        for rec in self._predict(config.lowest):
            hit = self._hit(rec, customers[rec["uid_r"]], config)
            if hit:
                hits.setdefault(rec["uid_r"], []).append(hit)
        for found in hits.values():
            found.sort(key=lambda h: (-h.score, h.entity_id))
        return errors, hits

    def score_in_python(self, customers: list[Customer], threshold: float | None = None,
                        selection: Selection | None = None) -> tuple[list[str | None], dict[int, list[Hit]]]:
        """Screen a few customers in Python (:mod:`screening.match.lookup`): the same hits as
        :meth:`score_in_sql`, without DuckDB planning ten statements per call."""
        self.prepare_lookups()
        if self._lookups.side is None:  # a model the Python scorer does not know
            return self.score_in_sql(customers, threshold, selection)
        run = run_selection(threshold, selection)
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
        ``sources``: only the entities listed on these (see :mod:`screening.match.selection`)."""
        self.prepare_lookups()
        side = self._lookups.selected(sources)
        if side is None:
            raise RuntimeError("the model's comparisons are not those the Python scorer knows")
        features, keys = self.lookup_features(cust)
        key_names = self._lookups.keys.names_sharing(keys)
        if sources is not None:  # the names of entities outside the selection are no candidates
            key_names = [(key, uid) for key, uid in key_names if uid in side.names]
        return [self._lookups.scorer.score(pair)
                for pair in candidate_pairs(features, key_names, side, MAX_CANDIDATES)]

    def lookup_features(self, cust: Customer) -> tuple[dict, list[str]]:
        """(the customer's features as :mod:`screening.match.lookup` reads them, its name keys);
        ValueError for a row that cannot be screened."""
        p = self.customers.prepare(cust)
        core, sorted_key, compact, legal_form, toks, cut, script = p.name
        keys = blocking_keys(name_features(str(cust.name), p.type), cut=cut)
        return {"core": core, "sorted_key": sorted_key, "compact": compact, "legal_form": legal_form,
                "toks": toks, "cut": cut, "script": script, "country": p.country,
                "atoks": tuple(zip(p.atokens, p.aweights)), "street": p.street, "akeys": list(p.atokens),
                "dob": p.dob, "dob_year": p.dob_year, "type": p.type}, keys

    def selected_side(self, sources: frozenset[str] | None) -> ListSide | None:
        """The Python lookup path's list side (prepared first), restricted to a selection of lists."""
        self.prepare_lookups()
        return self._lookups.selected(sources)

    def score_entity(self, cust: Customer, entity: str, name_uids: list[int], side: ListSide
                     ) -> tuple[dict, Hit | None, list[dict]]:
        """One customer against one entity of a list side, every name given compared (the hook of
        :mod:`screening.pairwise`): the scored pair, the hit it makes at the configured thresholds
        (None: none) and its waterfall. Scored as a one-off lookup scores a candidate."""
        scorer = self._lookups.scorer if self._lookups is not None else None
        scorer = scorer or LookupScorer(self.settings, self.address_level)
        pair = scorer.score(entity_pair(self.lookup_features(cust)[0], entity, name_uids, side))
        return pair, self._hit(pair, cust, self.config), waterfall(pair, cust, self.settings, self.levels)

    def candidate_scores(self, customers: list[Customer]) -> list[dict]:
        """Every candidate pair of a chunk with its comparison levels and weights (SQL; training)."""
        _, has_address = self.customers.load(customers)
        self._pairs(None, has_address, every_pair=True)
        return self._predict(0.0)

    def _hit(self, rec: dict, cust: Customer, config: ScreenConfig) -> Hit | None:
        # the refs are those of the screened lists: their thresholds decide (screening.match.selection)
        threshold = config.for_refs(rec["list_refs"])
        # a name hit needs some similarity of names; other evidence alone makes only an address hit
        by_name = rec["match_probability"] >= threshold and rec["gamma_name"] > 0
        # an address hit needs the customer's street address to equal a listed one: a pair without
        # it has address_probability 0, which a threshold of 0 would otherwise let through
        by_address = rec["gamma_address"] == self.address_level and rec["address_probability"] >= threshold
        if not (by_name or by_address):
            return None
        kind = "name+address" if by_name and by_address else ("name" if by_name else "address")
        score = max(rec["match_probability"], rec["address_probability"])
        steps = waterfall(rec, cust, self.settings, self.levels)
        return Hit(entity_id=rec["uid_l"], score=round(float(score), 6), list_refs=rec["list_refs"],
                   matched_name=rec["matched_name"], match_kind=kind,
                   explanation=explain_in_words(steps, kind, score), waterfall=steps,
                   ofac_score=reference_score(cust.name, rec["matched_name"]))


def pair_statements(settings: Any) -> tuple[list[tuple[str, str]], bool]:
    """The statements of ``sql/match_pairs.sql`` with the model's name and address level SQL in
    place of their markers, and whether they can leave out the pairs that cannot make a hit: only
    when the model's name and address comparisons read no column other than those the statements
    name (a model file of other comparisons gets every pair scored)."""
    cases = {c.output_column_name: c._case_statement for c in settings.comparisons}
    statements = store.sections("match_pairs")
    filters = True
    for marker, comparison, table in (("NAME_LEVEL", "name", "match_name_level"),
                                      ("ADDRESS_LEVEL", "address", "match_address_top")):
        case = cases.get(comparison)
        named = set(re.findall(r"\bAS (\w+_[lr])\b", statements[table]))
        if case is None or not set(re.findall(r"\b\w+_[lr]\b", case)) <= named:
            case, filters = f"0 AS gamma_{comparison}", False
        _replace_marker(statements, marker, case)
    # the closest name of a pair that cannot pass "names differ" is not sought, if the model's name
    # levels are those NAME_MAY_MATCH is a condition of
    _replace_marker(statements, "NAME_MAY_MATCH", f"({NAME_MAY_MATCH})" if knows_name_levels(settings) else "true")
    return list(statements.items()), filters


def _replace_marker(statements: dict[str, str], marker: str, sql: str) -> None:
    for name, statement in statements.items():
        statements[name] = statement.replace(f"/* {marker} */", sql)


def run_selection(threshold: float | None, selection: Selection | None) -> Selection:
    """The selection of a run given a threshold, a selection, or both (the same threshold twice)."""
    if selection is None:
        return Selection(threshold=threshold)
    if threshold is not None and selection.threshold not in (None, threshold):
        raise ValueError(f"two thresholds for one run: {threshold} and {selection.threshold}")
    return selection if threshold is None else replace(selection, threshold=threshold)
