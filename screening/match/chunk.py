"""The customer side of a chunk, as ``sql/match_pairs.sql`` reads it: each customer's name
(normalised once per distinct name), address tokens, country, date of birth and type, loaded into
the temp tables ``match_cust``, ``match_cname``, ``match_cname_keys`` and ``match_cust_akeys``.

The same features as the list side (:mod:`screening.match.features`, weights from the index). The
names' blocking keys are made in SQL from their words, for the whole chunk at once
(``sql/match_chunk.sql``, the twin of :func:`screening.match.features.blocking_keys`).
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .. import store
from ..scripts import script_of
from .features import address_features, key_params, may_be_cut, name_features
from .customers import Customer, cached_dob, country_code, parse_type
from .index import IndexInfo, token_forms, token_struct, unknown_weight

SMALL_CHUNK = 1000  # fewer customers than this: a one-off lookup (indexed key lookups)
CACHE_ROWS = 500_000  # names (and addresses) whose features are kept between chunks

_CUST_SCHEMA = pa.schema([
    ("cust_uid", pa.int64()), ("nid", pa.int64()), ("country", pa.string()),
    ("street", pa.bool_()), ("dob", pa.date32()), ("dob_year", pa.int32()), ("type", pa.string()),
])
_ATOK_TYPE = pa.struct([("t", pa.string()), ("w", pa.float64())])
_NAME_SCHEMA = pa.schema([
    ("nid", pa.int64()), ("core", pa.string()), ("sorted_key", pa.string()), ("compact", pa.string()),
    ("legal_form", pa.string()),
    ("toks", pa.list_(pa.struct([("t", pa.string()), ("p", pa.string()), ("s", pa.string()),
                                 ("k", pa.string()), ("w", pa.float64()), ("id", pa.int32())]))),
    ("cut", pa.bool_()), ("script", pa.string()), ("type", pa.string()),
])


@dataclass(frozen=True)
class ChunkTables:
    """A chunk's customer side built in Python, ready to become the temp tables (CustomerSide.register)."""

    errors: list[str | None]  # per row: why it cannot be screened, None when it is screened
    has_address: bool         # any customer of the chunk has an address
    cust: pa.Table            # match_cust
    names: pa.Table           # match_cname


@dataclass(frozen=True)
class Prepared:
    """One customer as the matcher compares it."""

    type: str | None
    dob: object
    dob_year: int | None
    name: tuple        # core, sorted_key, compact, legal_form, toks, cut, script
    atokens: tuple[str, ...]  # address tokens (listed addresses are looked up by them too)
    aweights: list[float]     # their weights
    street: bool
    country: str | None


class CustomerSide:
    """Customer features with the list side's token weights and ids, cached by name and address."""

    def __init__(self, con: duckdb.DuckDBPyConnection, info: IndexInfo) -> None:
        self.con = con
        self.token_weights = dict(con.execute(store.sql("match_side.token_weights")).fetchall())
        # token form -> id; a form the lists never use gets the next free id (stable per matcher)
        self.token_ids: dict[tuple, int] = {
            (t, p, s, k): tid for tid, t, p, s, k in con.execute(store.sql("match_side.token_forms")).fetchall()}
        self.address_weights = dict(con.execute(store.sql("match_side.address_weights")).fetchall())
        self.unknown = unknown_weight(info.tokens)
        self.unknown_address = unknown_weight(max(info.addresses, 2))
        self.key_params = key_params()
        self._tokens: dict[tuple, dict] = {}  # token form -> its struct (see token)
        self._name_cache: dict[tuple, tuple] = {}
        self._address_cache: dict[tuple, tuple] = {}

    def name_row(self, name: str, etype: str | None) -> tuple:
        """Everything the SQL needs about one customer name (cached: names repeat in a file)."""
        key = (name, etype)
        cached = self._name_cache.get(key)
        if cached is None:
            feats = name_features(name, etype)
            toks = [self.token(form) for form in token_forms(feats)]
            cached = (feats.core or None, feats.sorted_key, feats.compact, feats.legal_form, toks, may_be_cut(name),
                      script_of(name))
            if len(self._name_cache) > CACHE_ROWS:
                self._name_cache.clear()
            self._name_cache[key] = cached
        return cached

    def token(self, form: tuple[str, str, str, str]) -> dict:
        """One customer token as the SQL compares it, with its weight and id (one dict per distinct
        token form, shared by the names that use it: names repeat their words, and no one
        changes a token once made)."""
        tok = self._tokens.get(form)
        if tok is None:
            tok = token_struct(form, self.token_weights, self.unknown)
            tok["id"] = self.token_ids.setdefault(form, len(self.token_ids))
            self._tokens[form] = tok
        return tok

    def address_row(self, text: str) -> tuple[tuple[str, ...], list[float], bool]:
        """Tokens, their weights and the street flag of one customer address (cached)."""
        cached = self._address_cache.get(text)
        if cached is None:
            addr = address_features(text)
            weights, unknown = self.address_weights, self.unknown_address
            cached = (addr.tokens, [weights.get(t, unknown) for t in addr.tokens], bool(addr.street))
            if len(self._address_cache) > CACHE_ROWS:
                self._address_cache.clear()
            self._address_cache[text] = cached
        return cached

    def prepare(self, cust: Customer) -> Prepared:
        """One customer's features, or ValueError saying why the row cannot be screened."""
        etype = parse_type(cust.type)
        dob, year = cached_dob(cust.dob)
        if not cust.name or not str(cust.name).strip():
            raise ValueError("empty name")
        name = str(cust.name)
        row = self.name_row(name, etype)
        if row[0] is None:
            raise ValueError(f"name {cust.name!r} has no letters or digits")
        atokens, aweights, street = self.address_row(cust.address) if cust.address else ((), [], False)
        return Prepared(etype, dob, year, row, atokens, aweights, street,
                        country_code(cust.country) if cust.country else None)

    def load(self, customers: list[Customer]) -> tuple[list[str | None], bool]:
        """Normalise a chunk into the temp tables; return a per-row error (None when screened) and
        whether any customer of the chunk has an address (:meth:`build`, then :meth:`register`)."""
        built = self.build(customers)
        self.register(built)
        return built.errors, built.has_address

    def build(self, customers: list[Customer]) -> "ChunkTables":
        """A chunk's customer side as Arrow tables, in Python alone (no query).

        The name side is built once per distinct name (``match_cname``): customer files repeat
        names, and everything about the name comparison depends on the name alone. Every blocking
        key of a name is kept: the join with the index's keys drops those it does not know."""
        cols: dict[str, list] = {k: [] for k in ("cust_uid", "nid", "country", "street", "dob", "dob_year", "type")}
        ncols: dict[str, list] = {k: [] for k in ("nid", "core", "sorted_key", "compact", "legal_form", "toks", "cut",
                                                  "script", "type")}
        nids: dict[tuple, int] = {}
        # every customer's address tokens and weights one after the other, and where each one's end
        atokens: list[str] = []
        aweights: list[float] = []
        aends: list[int] = [0]
        errors: list[str | None] = []
        if len(customers) >= SMALL_CHUNK:
            # a batch arrives sorted by name, so a name seldom recurs in a later chunk: the caches
            # would only grow (they hold token lists of every name seen)
            self._name_cache.clear()
            self._address_cache.clear()
        uids, cnids, countries, streets, dobs, years, types = cols.values()
        for uid, cust in enumerate(customers):
            try:
                p = self.prepare(cust)
            except ValueError as exc:
                errors.append(str(exc))
                continue
            errors.append(None)
            name_key = (str(cust.name), p.type)
            nid = nids.get(name_key)
            if nid is None:
                nid = nids[name_key] = len(nids)
                for values, value in zip(ncols.values(), (nid, *p.name, p.type)):
                    values.append(value)
            uids.append(uid)
            cnids.append(nid)
            countries.append(p.country)
            streets.append(p.street)
            dobs.append(p.dob)
            years.append(p.dob_year)
            types.append(p.type)
            atokens += p.atokens
            aweights += p.aweights
            aends.append(len(atokens))
        ends = pa.array(aends, pa.int32())
        cust = pa.table(cols, schema=_CUST_SCHEMA)
        cust = cust.append_column("atoks", pa.ListArray.from_arrays(ends, pa.StructArray.from_arrays(
            [pa.array(atokens, pa.string()), pa.array(aweights, pa.float64())], fields=list(_ATOK_TYPE))))
        cust = cust.append_column("ats", pa.ListArray.from_arrays(ends, pa.array(atokens, pa.string())))
        return ChunkTables(errors, bool(atokens), cust, pa.table(ncols, schema=_NAME_SCHEMA))

    def register(self, built: "ChunkTables") -> None:
        """Make a built chunk the temp tables ``sql/match_pairs.sql`` reads."""
        self._register("match_cust", built.cust)
        self._register("match_cname", built.names)
        self._register("match_cname_keys", None)  # the blocking keys of match_cname's names
        self._register("match_cust_akeys", None)  # the address tokens of match_cust, a row each

    def _register(self, name: str, table: pa.Table | None) -> None:
        """Make ``table`` the temp table ``name`` (sql/match_chunk.sql; None: a table it builds from
        the others)."""
        if table is None:
            statement = store.sql(f"match_chunk.{name}")
            self.con.execute(statement, store.used_params(statement, self.key_params))
            return
        self.con.register(f"{name}_arrow", table)
        self.con.execute(store.sql(f"match_chunk.{name}"))
        self.con.unregister(f"{name}_arrow")
