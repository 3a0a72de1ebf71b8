"""The match stage's library calls: screen records, check one name, say what a screening runs
with, and prepare a process for many one-off lookups."""
from __future__ import annotations

import gc
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Protocol, Sequence

from .. import store
from ..identifiers import Identifier, describe_problem, normalize_identifier, parse_id_option
from ..countries import is_unrecognised, unrecognised_message
from .cache import get_matcher
from ..normalize import strip_invisible
from .customers import CLEANED_NOTE, Customer, as_customers
from .results import RowResult
from .parallel import RARE_COLLECTION, WorkerPool, chunk_hits, default_workers, screened_in_workers, worker_pool
from .chunk import SMALL_CHUNK
from .selection import make_selection

CHUNK_ROWS = 25_000  # customers screened at a time (at most)

Sources = str | Iterable[str] | None
SourceThresholds = Mapping[str, float] | Iterable[str] | None


class RowSource(Protocol):
    """Customer rows screened a chunk at a time (:func:`screen_stream`): only the names of every
    row are read at once (to order them), the rest a chunk's rows at a time."""

    def __len__(self) -> int: ...

    def names(self) -> Iterable[str | None]:
        """Every row's customer name, in input order."""

    def customers(self, rows: Sequence[int]) -> list[Customer]:
        """The customers of these rows (0-based input rows), in that order."""

    def read_errors(self, rows: Sequence[int]) -> list[str | None]:
        """The reading error of each of these rows (None: read well)."""


@dataclass
class ListSource:
    """Customers already in memory, as a :class:`RowSource`."""

    rows: list[Customer]
    errors: list[str | None] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def names(self) -> Iterable[str | None]:
        return (cust.name for cust in self.rows)

    def customers(self, rows: Sequence[int]) -> list[Customer]:
        return [self.rows[row] for row in rows]

    def read_errors(self, rows: Sequence[int]) -> list[str | None]:
        return [self.errors[row] for row in rows] if self.errors else [None] * len(rows)


def screen_records(records: Iterable[dict | Customer], db: str | Path | None = None,
                   threshold: float | None = None, read_errors: list[str | None] | None = None,
                   on_progress: Callable[[int], None] | None = None,
                   on_message: Callable[[str], None] | None = None,
                   lists: Sources = None, exclude_lists: Sources = None,
                   source_thresholds: SourceThresholds = None, workers: int | None = None) -> list[RowResult]:
    """Screen customer records (dicts with name, address, country, dob, type, id; or Customer).

    Every record gets a RowResult: ``hit`` with its hits, ``no_hit``, or ``error`` with the reason.
    ``read_errors`` (from reading a file) marks rows already known to be malformed. ``lists``,
    ``exclude_lists`` (source names, or one comma-separated string) and ``source_thresholds``
    ({source: threshold}) choose the lists and thresholds of the run (:mod:`screening.match.selection`);
    ValueError for a bad selection or a list asked for that the store has not loaded.
    ``workers``: processes that screen the chunks, each its own (:mod:`screening.match.parallel`;
    default: one per core for a large batch, none for a small one; 0: none, every chunk is screened
    in this process). The results do not depend on it.

    Every result is held until the end; :func:`screen_stream` hands them over a chunk at a time.
    """
    customers = as_customers(records)
    results: list[RowResult | None] = [None] * len(customers)
    for _, chunk_results in screen_stream(ListSource(customers, read_errors), db, threshold, on_progress,
                                          on_message, lists, exclude_lists, source_thresholds, workers):
        for res in chunk_results:
            results[res.row] = res
    return results  # type: ignore[return-value] - every row is filled


def screen_stream(source: RowSource, db: str | Path | None = None, threshold: float | None = None,
                  on_progress: Callable[[int], None] | None = None,
                  on_message: Callable[[str], None] | None = None,
                  lists: Sources = None, exclude_lists: Sources = None,
                  source_thresholds: SourceThresholds = None, workers: int | None = None
                  ) -> Iterator[tuple[list[Customer], list[RowResult]]]:
    """Screen the rows of ``source`` a chunk of at most ``CHUNK_ROWS`` at a time, as :func:`screen_records`
    does (same chunks, same results), yielding each chunk's customers as the source gave them and
    their results (``RowResult.row`` is the input row), chunk by chunk in name order, not input order.

    Only the names of every row (to order them) and one chunk's customers and results are held at
    once (plus the chunks out to worker processes): the memory of a batch is
    bounded by a chunk, not by the file. The selection is checked before the first chunk is read.
    """
    selection = make_selection(lists, exclude_lists, threshold, source_thresholds)
    matcher = get_matcher(db, on_message)
    matcher.check_selection(selection)
    workers = default_workers(len(source)) if workers is None else workers
    with (worker_pool(str(store.resolve_db_path(db)), workers) if workers > 0 else nullcontext()) as pool:
        order, cleaned = name_order(source.names())  # while the workers start
        with collecting_rarely(len(order)):
            yield from _screen_chunks(matcher, pool, source, order, cleaned, selection, on_progress)


@contextmanager
def collecting_rarely(rows: int) -> Iterator[None]:
    """For a large batch, Python's cycle collector runs seldom: screening allocates millions of
    small objects that hold no cycles, and a collection every 700 allocations spent a third of
    the time of loading a chunk scanning the batch's rows again and again. The rows already made
    are set aside from collection (gc.freeze); the settings are restored after."""
    if rows < SMALL_CHUNK:
        yield
        return
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(RARE_COLLECTION, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _screen_chunks(matcher, pool: WorkerPool | None, source: RowSource, order: list[int], cleaned: set[int],
                   selection, on_progress: Callable[[int], None] | None
                   ) -> Iterator[tuple[list[Customer], list[RowResult]]]:
    """The chunks of :func:`screen_stream`, screened one after the other in this process, or by
    the ``pool``'s workers (:mod:`screening.match.parallel`), in name order either way."""
    size = chunk_rows(len(order), pool.workers if pool else 0)
    row_chunks = (order[start:start + size] for start in range(0, len(order), size))
    loaded = ((rows, source.customers(rows)) for rows in row_chunks)
    screened = (screened_in_workers(loaded, lambda item: _cleaned(item[0], item[1], cleaned), pool, selection)
                if pool else _screened_here(matcher, loaded, cleaned, selection))
    for (rows, given), chunk, (errors, hits) in screened:
        results = []
        for i, (row, cust, error) in enumerate(zip(rows, chunk, source.read_errors(rows))):
            input_id = cust.id or str(row + 1)
            error = error or errors[i]
            if error:
                results.append(RowResult(row, input_id, "error", error=error))
            elif i in hits:
                for hit in hits[i] if row in cleaned else ():
                    hit.explanation = f"{hit.explanation}; {CLEANED_NOTE}"
                results.append(RowResult(row, input_id, "hit", hits[i]))
            else:
                results.append(RowResult(row, input_id, "no_hit"))
        if on_progress:
            on_progress(len(chunk))
        yield given, results


def _screened_here(matcher, loaded: Iterable[tuple[list[int], list[Customer]]], cleaned: set[int], selection
                   ) -> Iterator[tuple[tuple[list[int], list[Customer]], list[Customer], tuple]]:
    """Each chunk (its rows, its customers as given) screened in this process: the chunk, its
    customers as screened and their :func:`chunk_hits`, as the workers give them."""
    for rows, given in loaded:
        chunk = _cleaned(rows, given, cleaned)
        yield (rows, given), chunk, chunk_hits(matcher, chunk, selection)


def chunk_rows(rows: int, workers: int) -> int:
    """The rows of a chunk: at most ``CHUNK_ROWS``, the chunks of one size (a batch of 30,000 rows:
    two chunks of 15,000, not one of 25,000 and one of 5,000), and with workers as many chunks as a
    multiple of their number, so that no worker waits for the others' last chunk (20,000 rows and
    two workers: two chunks of 10,000)."""
    chunks = max(1, -(-rows // CHUNK_ROWS))
    if workers > 1:
        chunks = -(-chunks // workers) * workers
    return max(1, -(-rows // chunks))


def name_order(names: Iterable[str | None]) -> tuple[list[int], set[int]]:
    """The rows in the order they are screened, by name as screened (control and invisible
    characters removed: they hide a name from a reader, so the explanation shows the cleaned name
    and says so), so that rows with the same name go to the same
    chunk, where the name side is computed once; and the rows whose name was cleaned."""
    keys: list[str] = []
    cleaned: set[int] = set()
    for row, name in enumerate(names):
        if name:
            name, changed = strip_invisible(name)
            if changed:
                cleaned.add(row)
        keys.append(name or "")
    return sorted(range(len(keys)), key=keys.__getitem__), cleaned


def _cleaned(rows: Sequence[int], customers: list[Customer], cleaned: set[int]) -> list[Customer]:
    """The customers as screened: the names of the ``cleaned`` rows without their invisible characters."""
    if not cleaned.intersection(rows):
        return customers
    return [replace(cust, name=strip_invisible(cust.name)[0]) if row in cleaned else cust
            for row, cust in zip(rows, customers)]


def check(name: str, country: str | None = None, address: str | None = None, dob: str | None = None,
          entity_type: str | None = None, threshold: float | None = None,
          db: str | Path | None = None, on_message: Callable[[str], None] | None = None,
          lists: Sources = None, exclude_lists: Sources = None,
          source_thresholds: SourceThresholds = None, ids: Iterable[str] = ()) -> RowResult:
    """Screen one name (one-off lookup); the matcher stays loaded for the next call. The lists and
    thresholds are chosen as for :func:`screen_records`. ``ids``: the customer's identifiers as
    ``KIND:VALUE`` or ``KIND/COUNTRY:VALUE`` (ValueError for a malformed one; an invalid value is
    kept, looked up and reported)."""
    selection = make_selection(lists, exclude_lists, threshold, source_thresholds)  # bad options before anything
    idents = customer_identifiers(ids, country)
    rec = Customer(name=name, address=address, country=country, dob=dob, type=entity_type, id="1",
                   identifiers=idents)
    for ident in idents:
        if on_message and (problem := describe_problem(ident)):
            on_message(f"warning: {problem}")
    if on_message and is_unrecognised(country):
        on_message(f"warning: {unrecognised_message(country)}")
    return screen_records([rec], db=db, threshold=selection.threshold, on_message=on_message, lists=selection.lists,
                          exclude_lists=selection.exclude_lists, source_thresholds=dict(selection.source_thresholds))[0]


def customer_identifiers(given: Iterable[str], country: str | None = None) -> tuple[Identifier, ...]:
    """``KIND:VALUE`` / ``KIND/COUNTRY:VALUE`` options keyed and validated (the customer's country
    chooses the scheme of a value given without one)."""
    out = []
    for text in given:
        kind, issuer, value = parse_id_option(text)
        out.append(normalize_identifier(kind, value, issuer or country))
    return tuple(out)


def screening_context(db: str | Path | None = None, threshold: float | None = None,
                      on_message: Callable[[str], None] | None = None,
                      lists: Sources = None, exclude_lists: Sources = None,
                      source_thresholds: SourceThresholds = None) -> dict:
    """The thresholds, lists and list versions a screening of this store runs with (see
    :meth:`Matcher.context`); the matcher is the cached one a screening just used."""
    selection = make_selection(lists, exclude_lists, threshold, source_thresholds)
    return get_matcher(db, on_message).context(selection=selection)


def prepare_lookups(db: str | Path | None = None, on_message: Callable[[str], None] | None = None) -> None:
    """Make this process's one-off lookups fast from the first one (a service at start-up): the
    matcher otherwise prepares them at the second lookup (~2 s and ~360 MB once)."""
    get_matcher(db, on_message).prepare_lookups()

