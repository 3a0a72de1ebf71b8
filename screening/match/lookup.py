"""One-off lookups: the few candidates of one customer scored in Python.

A batch screens its chunks with ``sql/match_pairs.sql`` and Splink's prediction SQL, where DuckDB
spends most of a one-customer call planning about ten statements (some 70 ms), not running them.
A process making many one-off lookups (a service, a notebook, an analyst's session) therefore
keeps a copy of the list side in Python and scores a customer's ~20 candidates here, with the
same arithmetic step for step:

* candidates: the listed names sharing a rare key with the customer name (looked up in
  :class:`KeyIndex`, the stored key table held in memory), the best-ranked entities by shared
  keys, and the entities at a listed address sharing a rare address token (``match_ncand``,
  ``match_cand``);
* the closest name and address of each candidate (``match_tp``, ``match_best_name``,
  ``match_closest_address``), the token similarity being ``match_tok_sim`` of ``sql/match_macros.sql``
  (jellyfish's Damerau-Levenshtein and Jaro-Winkler equal DuckDB's);
* comparison levels from the Python form of each level beside its SQL in
  :data:`screening.match.model.COMPARISONS`, and Splink's match weights and probability.

Both paths take their constants from :mod:`screening.match.scoring`.

``tests/match/test_match_lookup.py`` checks that both paths give the same hits, scores and
explanations on real list variants.
"""
from __future__ import annotations

import math
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from operator import mul
from typing import Any, Iterable

import duckdb
import jellyfish
import pyarrow as pa

from .. import store
from .model import COMPARISONS
from .scoring import KEY_POINTS, MIN_KEY_POINTS, OTHER_KEY_POINTS, RANK, RANK_PLACES, TOKEN_SIMILARITY
from .selection import select_refs

_SIM = TOKEN_SIMILARITY


@dataclass
class ListSide:
    """The list side of the match index held in Python (about 100 MB for the bundled lists)."""

    names: dict[int, tuple]           # name_uid -> (entity_id, name, ntok, core, sorted_key, compact, legal_form)
    name_tokens: dict[int, tuple]     # name_uid -> ((j, w, jlast, (t, p, s, k)), ...)
    entities: dict[str, tuple]        # entity_id -> (entity_type, list_refs, primary_name, countries, years, dates)
    addresses: dict[str, list]        # entity_id -> [(addr_uid, address, ((t, w), ...)), ...]
    address_entities: dict[str, set]  # rare address token -> entity_ids with a listed address using it
    # name_uid -> its words arranged for the name comparison, made on first use (~45 MB for every name)
    _words: dict[int, ListedWords] = field(default_factory=dict, repr=False)

    def words(self, name_uid: int) -> ListedWords:
        """A listed name's words as the name comparison reads them (made once, then kept)."""
        found = self._words.get(name_uid)
        if found is None:
            found = self._words[name_uid] = ListedWords(self.name_tokens.get(name_uid, ()))
        return found


class ListedWords:
    """A listed name's words arranged for :func:`name_closeness`: word forms, weights and places,
    which words are first and last, their total weight and the name's skeleton."""

    __slots__ = ("forms", "places", "weights", "total", "first", "last", "edges", "skeleton")

    def __init__(self, list_toks: tuple) -> None:
        self.forms = tuple(lform for _, _, _, lform in list_toks)
        self.places = tuple(j for j, _, _, _ in list_toks)
        self.weights = tuple(w for _, w, _, _ in list_toks)
        self.total = sum(w for _, w, _, _ in list_toks)
        self.first = tuple(pos for pos, (j, _, _, _) in enumerate(list_toks) if j == 0)
        self.last = tuple(pos for pos, (_, _, jlast, _) in enumerate(list_toks) if jlast)
        self.edges = tuple(pos for pos, (j, _, jlast, _) in enumerate(list_toks) if j == 0 or jlast)
        self.skeleton = "".join(lform[2] for lform in self.forms)


def load_list_side(con: duckdb.DuckDBPyConnection) -> ListSide:
    """Read the stored match index (``match_*`` tables, ``sql/match_side.sql``) into Python."""
    def rows(name: str) -> list[tuple]:
        return con.execute(store.sql(f"match_side.{name}")).fetchall()

    attrs = {tid: (t, p, s, k) for tid, t, p, s, k in rows("token_forms")}
    names = {r[0]: r[1:] for r in rows("names")}
    tokens: dict[int, list] = defaultdict(list)
    for uid, j, tid, w, jlast in rows("name_tokens"):
        tokens[uid].append((j, w, jlast, attrs[tid]))
    entities = {r[0]: r[1:] for r in rows("entities")}
    addresses: dict[str, list] = defaultdict(list)
    owner = {}
    for uid, entity, address, atoks in rows("addresses"):
        addresses[entity].append((uid, address, tuple((a["t"], a["w"]) for a in atoks)))
        owner[uid] = entity
    address_entities: dict[str, set] = defaultdict(set)
    for key, uid in rows("address_key_rows"):
        if uid in owner:
            address_entities[key].add(owner[uid])
    return ListSide(names, {k: tuple(v) for k, v in tokens.items()}, entities, dict(addresses), dict(address_entities))


class KeyIndex:
    """The stored name key table (``match_name_keys``) held in memory: blocking key -> the ids of
    the listed names having it. A one-off lookup finds its candidates here instead of querying
    DuckDB, which cost about half of a lookup. About 150 MB and 2 s to build for the bundled lists
    (the keys, as strings, are most of it); the name ids are packed in one array, grouped by key."""

    def __init__(self, keys: list[str], starts: array, name_uids: array) -> None:
        if len(starts) != len(keys) + 1:
            raise ValueError(f"{len(keys)} keys need {len(keys) + 1} group starts, got {len(starts)}")
        self._slot = dict(zip(keys, range(len(keys))))  # key -> its group
        self._starts = starts        # group i: name_uids[starts[i]:starts[i + 1]]
        self._name_uids = name_uids

    def __len__(self) -> int:
        return len(self._slot)

    def names_sharing(self, keys: Iterable[str]) -> list[tuple[str, int]]:
        """(key, name_uid) for every listed name having one of ``keys``: the rows of
        ``sql/match_lookup_keys.sql`` (a key given twice counts once)."""
        out: list[tuple[str, int]] = []
        for key in dict.fromkeys(keys):
            i = self._slot.get(key)
            if i is not None:
                out += [(key, uid) for uid in self._name_uids[self._starts[i]:self._starts[i + 1]]]
        return out


def load_key_index(con: duckdb.DuckDBPyConnection) -> KeyIndex:
    """Read the stored name key table, grouped by key (``match_side.name_key_groups``), into a
    :class:`KeyIndex`."""
    groups = con.sql(store.sql("match_side.name_key_groups")).to_arrow_table()
    uids = groups.column("name_uids").combine_chunks()
    starts = _int64_array(uids.offsets) if len(groups) else array("q", [0])
    return KeyIndex(groups.column("key").to_pylist(), starts, _int64_array(uids.values))


def _int64_array(values: pa.Array) -> array:
    """An Arrow integer array without nulls as a packed ``array('q')``, copied from its buffer (no
    Python int per value: millions of them would stay in the allocator's free lists)."""
    values = values.cast(pa.int64())
    out = array("q")
    out.frombytes(values.buffers()[1][values.offset * out.itemsize:(values.offset + len(values)) * out.itemsize])
    return out


def select_side(side: ListSide, sources: frozenset[str]) -> ListSide:
    """The list side restricted to the entities with a member entry on one of ``sources``, their
    list_refs citing only those entries: what ``sql/select_lists.sql`` builds for the SQL path
    (a lookup then ranks candidates among these entities only)."""
    entities = {}
    for entity, (etype, list_refs, *rest) in side.entities.items():
        refs = select_refs(list_refs, sources)
        if refs:
            entities[entity] = (etype, refs, *rest)
    names = {uid: row for uid, row in side.names.items() if row[0] in entities}
    return ListSide(names, {uid: toks for uid, toks in side.name_tokens.items() if uid in names}, entities,
                    {entity: rows for entity, rows in side.addresses.items() if entity in entities},
                    {key: kept for key, owners in side.address_entities.items() if (kept := owners & entities.keys())},
                    side._words)  # a name's words are the same in every selection: arranged once


SELECTED_SIDES = 4  # list sides restricted to a selection of lists kept for lookups (~13 MB, 0.1 s each)


class LookupPath:
    """What one-off lookups in Python need: the scorer, the list side and the key index (all None
    when the model's comparisons are not those the scorer knows), and the list side of the last
    few selections of lists (a service may alternate between a few)."""

    def __init__(self, scorer: LookupScorer | None, side: ListSide | None, keys: KeyIndex | None = None) -> None:
        self.scorer = scorer
        self.side = side
        self.keys = keys
        self._selected: dict[frozenset[str], ListSide] = {}

    def selected(self, sources: frozenset[str] | None) -> ListSide | None:
        """The list side restricted to a selection of lists (None: every list)."""
        if sources is None or self.side is None:
            return self.side
        side = self._selected.pop(sources, None) or select_side(self.side, sources)
        self._selected[sources] = side  # the most recently used last
        while len(self._selected) > SELECTED_SIDES:
            del self._selected[next(iter(self._selected))]
        return side


@lru_cache(maxsize=500_000)
def token_similarity(a: tuple, b: tuple) -> float:
    """``match_tok_sim`` of ``sql/match_macros.sql``: a and b are (token, phonetic, class, loose key)."""
    at, ap, as_, ak = a
    bt, bp, bs, bk = b
    if at == bt:
        return 1.0
    if as_ == bs and len(as_) >= _SIM.class_min_len:
        return _SIM.same_class
    if len(at) < _SIM.min_len or len(bt) < _SIM.min_len:
        return 0.0
    best = _SIM.phonetic if ap == bp and len(ap) >= _SIM.phonetic_min_len else 0.0
    if bt.startswith(at):
        best = max(best, _SIM.prefix)
    if ak == bk and len(ak) >= _SIM.loose_min_len:
        best = max(best, _SIM.loose)
    edits = jellyfish.damerau_levenshtein_distance(at, bt)
    if at[0] == bt[0] and edits <= 1:
        best = max(best, _SIM.one_edit)
    elif min(len(at), len(bt)) >= _SIM.two_edits_min_len and edits <= 2:
        best = max(best, _SIM.two_edits)
    if (min(len(as_), len(bs)) >= _SIM.class_edit_min_len and as_[0] == bs[0]
            and jellyfish.damerau_levenshtein_distance(as_, bs) <= 1):
        best = max(best, _SIM.class_edit)  # a typo in a spelling variant: the spelling classes one edit apart
    if len(at) >= _SIM.close_min_len and len(bt) >= _SIM.close_min_len:
        jw = jellyfish.jaro_winkler_similarity(at, bt)
        if jw >= _SIM.close_min:
            best = max(best, min(jw, _SIM.close_max))
    return best


def shared_keys(key_names: list[tuple[str, int]], side: ListSide) -> dict[str, tuple[set[str], dict[int, None]]]:
    """Per entity: the keys it shares with the customer name, and its names having them (in the
    order met)."""
    found: dict[str, tuple[set[str], dict[int, None]]] = {}
    names = side.names
    for key, name_uid in key_names:
        entity = names[name_uid][0]
        got = found.get(entity)
        if got is None:
            found[entity] = ({key}, {name_uid: None})
        else:
            got[0].add(key)
            got[1][name_uid] = None
    return found


def rank_candidates(shared: dict[str, tuple[set[str], dict[int, None]]], limit: int) -> list[str]:
    """``match_ncand``: entities ranked by the rare keys they share with the name, best ``limit``."""
    scored = []
    for entity, (keys, _) in shared.items():
        points = sum(KEY_POINTS.get(k[0], OTHER_KEY_POINTS) for k in keys)
        if points >= MIN_KEY_POINTS:
            scored.append((-points, entity))
    return [entity for _, entity in sorted(scored)[:limit]]


_NO_CLOSENESS = {"cover_l": 0.0, "cover_r": 0.0, "xcover_l": 0.0, "xcover_r": 0.0, "matched_r": 0.0,
                 "edges": 0.0, "aligned": 0.0, "lead": 0.0, "surname": 0.0}


class CustomerWords:
    """One customer name's words as the name comparison reads them, and their similarities to
    the listed words met during one lookup (a listed word recurs in an entity's names)."""

    def __init__(self, cust_toks: list[dict], cut: bool) -> None:
        self.forms = [(ct["t"], ct["p"], ct["s"], ct["k"]) for ct in cust_toks]
        self.weights = [ct["w"] for ct in cust_toks]
        # the customer's last word may be cut short (``match_tp``): it then meets a listed word
        # in its place that starts with it at the similarity ``cut``
        self.cut_word = self.forms[-1][0] if cut and self.forms else None
        self._columns: dict[tuple, list[float]] = {}

    def column(self, lform: tuple) -> list[float]:
        """The similarity of each customer word to one listed word form."""
        col = self._columns.get(lform)
        if col is None:
            col = self._columns[lform] = [token_similarity(form, lform) for form in self.forms]
        return col


def name_closeness(words: CustomerWords, listed: ListedWords) -> dict[str, float]:
    """``match_tp`` + the covers of ``match_best_name`` for one (customer name, listed name) pair.

    Each maximum is taken over the same similarities as the SQL takes it, and each sum adds the
    same terms in the same order, so the floats are those of the SQL path."""
    n = len(words.forms)
    if not n or not listed.forms:
        return dict(_NO_CLOSENESS)
    last = n - 1
    exact = _SIM.exact
    cols = [words.column(lform) for lform in listed.forms]  # cols[pos][i]: listed word pos, customer word i
    if words.cut_word is not None:
        for pos, (j, lform) in enumerate(zip(listed.places, listed.forms)):
            if j == last and lform[0].startswith(words.cut_word):
                cols[pos] = cols[pos].copy()
                cols[pos][last] = max(cols[pos][last], _SIM.cut)
    best_j = list(map(max, cols))        # per listed word: its best similarity to any customer word
    best_i = list(map(max, zip(*cols)))  # per customer word: its best similarity to any listed word
    at_i = [0.0] * n                     # per customer word: its best similarity to the listed word in its place
    for j, col in zip(listed.places, cols):
        if j < n and col[j] > at_i[j]:
            at_i[j] = col[j]
    e_first = max([cols[pos][0] for pos in listed.first], default=None)
    e_last = max([cols[pos][last] for pos in listed.last], default=None)
    surname = max([sim for pos in listed.edges if (sim := cols[pos][0]) >= exact], default=0.0)
    sum_wr = matched_r = exact_r = 0.0
    for w, best in zip(words.weights, best_i):
        sum_wr += w
        matched_r += w * best
        exact_r += w * (best if best >= exact else 0.0)
    sum_wl = listed.total
    matched_l = sum(map(mul, listed.weights, best_j))
    exact_l = sum(map(mul, listed.weights, [s if s >= exact else 0.0 for s in best_j]))
    return {"cover_l": matched_l / sum_wl if sum_wl else 0.0, "cover_r": matched_r / sum_wr if sum_wr else 0.0,
            "xcover_l": exact_l / sum_wl if sum_wl else 0.0, "xcover_r": exact_r / sum_wr if sum_wr else 0.0,
            "matched_r": matched_r, "edges": min(e_first or 0.0, e_last or 0.0), "aligned": min(at_i),
            "lead": e_first or 0.0, "surname": surname}


def best_name(cust: dict, name_uids: list[int], side: ListSide, words: CustomerWords | None = None) -> dict | None:
    """``match_best_name``: the listed name of one entity closest to the customer's name."""
    words = words or CustomerWords(cust["toks"], cust["cut"])
    many_words = len(cust["toks"]) >= 2
    best, best_order = None, None
    for uid in name_uids:
        entity, name, ntok, core, sorted_key, compact, legal_form = side.names[uid]
        listed = side.words(uid)
        close = name_closeness(words, listed)
        rank = ((core == cust["core"]) * RANK.same_core
                + (sorted_key == cust["sorted_key"] or compact == cust["compact"]) * RANK.same_words
                + RANK.least_cover * min(close["cover_l"], close["cover_r"])
                + RANK.greatest_cover * max(close["cover_l"], close["cover_r"])
                + RANK.every_customer_word * (close["xcover_r"] >= RANK.every_customer_word_cover and many_words)
                + RANK.same_legal_form * (legal_form == cust["legal_form"]))
        order = (round(rank, RANK_PLACES), -uid)  # as the SQL: ties go to the lowest name_uid
        if best_order is None or order > best_order:
            best_order = order
            best = {"name_uid": uid, "name": name, "core": core, "sorted_key": sorted_key, "compact": compact,
                    "skeleton": listed.skeleton, "legal_form": legal_form, "ntok": ntok, **close}
    return best


def address_cover(xs: tuple, ys: tuple) -> float:
    """``match_addr_cover``: weighted share of the address tokens of xs found in ys."""
    total = sum(w for _, w in xs)
    found = {t for t, _ in ys}
    matched = sum(w for t, w in xs if t in found)
    return matched / total if total and matched else 0.0


def best_address(cust_atoks: tuple, entity: str, side: ListSide) -> dict | None:
    """``match_closest_address``: the listed address of one entity closest to the customer's address."""
    best, best_order = None, None
    for uid, address, atoks in side.addresses.get(entity, ()):
        acov_l, acov_r = address_cover(atoks, cust_atoks), address_cover(cust_atoks, atoks)
        order = (round(RANK.least_cover * min(acov_l, acov_r) + RANK.greatest_cover * acov_r, RANK_PLACES), -uid)
        if best_order is None or order > best_order:
            best_order, best = order, {"address": address, "acov_l": acov_l, "acov_r": acov_r}
    return best


def candidate_pairs(cust: dict, key_names: list[tuple[str, int]], side: ListSide, limit: int) -> list[dict]:
    """``match_pairs`` for one customer: the features of each candidate entity, as the SQL names them.

    ``cust`` holds the customer's normalised name (core, sorted_key, compact, legal_form, toks, cut),
    country, address tokens (atoks as (t, w) pairs), street flag, address keys, dob, dob_year, type."""
    shared = shared_keys(key_names, side)
    by_name = rank_candidates(shared, limit)
    by_address = {e for key in cust["akeys"] for e in side.address_entities.get(key, ())}
    words = CustomerWords(cust["toks"], cust["cut"])
    return [entity_pair(cust, entity, list(shared[entity][1]) if entity in shared else [], side,
                        entity in by_address, words)
            for entity in dict.fromkeys(by_name + sorted(by_address))]


def entity_pair(cust: dict, entity: str, name_uids: list[int], side: ListSide, by_address: bool = False,
                words: CustomerWords | None = None) -> dict:
    """The features of one (customer, entity) pair, as ``match_pairs`` names them: the entity's
    closest name among ``name_uids`` and its closest address (also :mod:`screening.pairwise`).
    ``words``: the customer's words of this lookup, shared by its candidates."""
    etype, list_refs, primary_name, countries, years, dates = side.entities[entity]
    bn = best_name(cust, name_uids, side, words) or {}
    ba = best_address(cust["atoks"], entity, side) if cust["atoks"] else None
    return {
        "uid_l": entity, "uid_r": 0, "by_address": by_address,
        "matched_name": bn.get("name", primary_name),
        "core_l": bn.get("core"), "core_r": cust["core"],
        "sorted_key_l": bn.get("sorted_key"), "sorted_key_r": cust["sorted_key"],
        "compact_l": bn.get("compact"), "compact_r": cust["compact"],
        "skeleton_l": bn.get("skeleton"), "skeleton_r": "".join(t["s"] for t in cust["toks"]),
        "cover_l": bn.get("cover_l"), "cover_r": bn.get("cover_r"),
        "xcover_l": bn.get("xcover_l"), "xcover_r": bn.get("xcover_r"),
        "ntok_l": bn.get("ntok"), "ntok_r": len(cust["toks"]),
        "matched_r": bn.get("matched_r"), "edges_r": bn.get("edges"), "aligned_r": bn.get("aligned"),
        "lead_r": bn.get("lead"), "surname_r": bn.get("surname"), "script_r": cust.get("script"),
        "legal_form_l": bn.get("legal_form"), "legal_form_r": cust["legal_form"],
        "country_r": cust["country"], "countries_l": countries,
        "matched_address": ba["address"] if ba else None,
        "acov_l": ba["acov_l"] if ba else None, "acov_r": ba["acov_r"] if ba else None,
        "street_r": cust["street"], "dob_year_r": cust["dob_year"], "dob_r": cust["dob"],
        "birth_years_l": years, "birth_dates_l": dates,
        "type_l": etype, "type_r": cust["type"], "list_refs": list_refs,
    }


class LookupScorer:
    """Splink's prediction for pair features in Python: comparison levels, weights, probability."""

    def __init__(self, settings: Any, address_level: int) -> None:
        self.address_level = address_level  # gamma of the address level that makes an address hit
        self.prior_weight = math.log2(settings._probability_two_random_records_match
                                      / (1 - settings._probability_two_random_records_match))
        self.comparisons = []
        for (name, levels), comparison in zip(COMPARISONS, settings.comparisons):
            model_levels = [lv for lv in comparison.comparison_levels if not lv._is_else_level]
            if comparison.output_column_name != name or [lv.sql_condition for lv in model_levels] != [
                    lv.sql for lv in levels]:
                raise ValueError(f"the model's {comparison.output_column_name} levels are not those of the code")
            weights = {lv.comparison_vector_value: lv._match_weight for lv in comparison.comparison_levels}
            gammas = [lv.comparison_vector_value for lv in model_levels]
            else_gamma = next(lv.comparison_vector_value for lv in comparison.comparison_levels if lv._is_else_level)
            self.comparisons.append((f"gamma_{name}", f"mw_{name}", list(zip(gammas, (lv.test for lv in levels))),
                                     else_gamma, weights))
        if len(self.comparisons) != len(settings.comparisons):
            raise ValueError("the model's comparisons are not those of the code")

    def score(self, pair: dict) -> dict:
        """Add gamma_*, mw_*, match_weight, match_probability and address_probability to a pair."""
        total = self.prior_weight
        for gamma_key, weight_key, tests, else_gamma, weights in self.comparisons:
            gamma = else_gamma
            for level_gamma, test in tests:  # the first level whose condition holds
                if test(pair):
                    gamma = level_gamma
                    break
            pair[gamma_key] = gamma
            pair[weight_key] = weights[gamma]
            total += weights[gamma]
        pair["match_weight"] = total
        pair["match_probability"] = _probability(total)
        pair["address_probability"] = (_probability(total - pair["mw_name"] - pair["mw_legal_form"])
                                       if pair["gamma_address"] == self.address_level else 0.0)
        return pair


def _probability(weight: float) -> float:
    # as Splink writes it, stable for large weights of either sign
    if weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -weight))
    return math.pow(2.0, weight) / (1.0 + math.pow(2.0, weight))
