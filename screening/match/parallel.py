"""The per-name Python work of a large batch, done ahead in worker processes.

Normalising a name (script, legal forms, spelling classes, phonetic keys) and an address is the
one part of screening a chunk that is Python per distinct value; the rest is DuckDB SQL over the
whole chunk. For a large batch, worker processes compute the features of the next chunks'
distinct names and addresses (:func:`screening.match.chunk.name_basics`, the same functions as
the serial path) while this process runs the SQL of the current chunk, so both cores stay busy.
At most ``AHEAD`` chunks are computed ahead, which bounds the memory they hold. The rest of a
chunk's Python work (its rows and Arrow tables, ``CustomerSide.build``) is done in a thread of
this process one chunk ahead (:func:`made_ahead`), while the SQL of the current chunk runs.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from itertools import islice
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from .chunk import KEY_SEP, Basics, NameBasics, name_basics
from .customers import Customer, parse_type
from ..normalize import normalize_address, normalize_name, strip_invisible, transliterate
from .features import AddressFeatures, address_features, name_features

POOL_MIN_ROWS = 20_000  # fewer customers than this: features computed in this process (a pool starts in ~1 s)
TASK_VALUES = 2_000     # names (or addresses) per task sent to a worker
AHEAD = 1               # chunks whose features may be computed ahead of the one being screened
T = TypeVar("T")
U = TypeVar("U")


def default_workers(rows: int) -> int:
    """Worker processes for a batch of ``rows`` customers: one per core this process may use for a
    large batch, else 0."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if rows >= POOL_MIN_ROWS else 0


# The caches of one whole name or address (not of its words, which recur): a worker sees each
# distinct name once (a chunk's values are distinct, and a batch is sorted by name), so these would
# only grow (normalize_name's to a million names: with only the feature caches cleared, the two
# workers of a realistic 1M-row batch grew by about 110 MB a 50,000-row chunk)
NAME_CACHES = (name_features, normalize_name, transliterate, strip_invisible)
ADDRESS_CACHES = (address_features, normalize_address)


def _clear(caches: Sequence) -> None:
    for cached in caches:
        cached.cache_clear()


def _names(values: Sequence[tuple[str, str | None]]) -> list[NameBasics]:
    _clear(NAME_CACHES)
    out = []
    for name, etype in values:
        feats, cut, script, keys = name_basics(name, etype)
        out.append((feats, cut, script, KEY_SEP.join(keys)))
    return out


def _addresses(values: Sequence[str]) -> list[AddressFeatures]:
    _clear(ADDRESS_CACHES)
    return [address_features(text) for text in values]


def chunk_values(customers: Sequence[Customer]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The distinct (name, type) pairs and addresses of a chunk that have a name to normalise."""
    names: dict[tuple[str, str | None], None] = {}
    addresses: dict[str, None] = {}
    for cust in customers:
        if cust.name and str(cust.name).strip():
            names[(str(cust.name), parse_type(cust.type))] = None
        if cust.address:
            addresses[cust.address] = None
    return list(names), list(addresses)


class FeaturePool:
    """Worker processes computing chunks' name and address features ahead, in chunk order."""

    def __init__(self, workers: int) -> None:
        # spawned, not forked: this process holds DuckDB's threads and locks
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, customers: Sequence[Customer]) -> list[tuple[bool, list, Future]]:
        """Start computing a chunk's features; returns the pending tasks (see :meth:`collect`)."""
        names, addresses = chunk_values(customers)
        tasks = [(True, names[i:i + TASK_VALUES], self.pool.submit(_names, names[i:i + TASK_VALUES]))
                 for i in range(0, len(names), TASK_VALUES)]
        tasks += [(False, addresses[i:i + TASK_VALUES], self.pool.submit(_addresses, addresses[i:i + TASK_VALUES]))
                  for i in range(0, len(addresses), TASK_VALUES)]
        return tasks

    @staticmethod
    def collect(tasks: list[tuple[bool, list, Future]]) -> Basics:
        """The features of a submitted chunk (waiting for its tasks)."""
        basics = Basics()
        for of_names, values, future in tasks:
            (basics.names if of_names else basics.addresses).update(zip(values, future.result()))
        return basics

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def features_ahead(chunks: Sequence[Sequence[Customer]], workers: int) -> Iterator[Basics | None]:
    """Each chunk's features in order, computed by ``workers`` processes up to ``AHEAD`` chunks
    ahead of the one being consumed; with no workers, None for each (computed when loaded)."""
    return (basics for _, basics in with_features(chunks, workers, lambda chunk: chunk))


def with_features(items: Iterable[T], workers: int, customers: Callable[[T], Sequence[Customer]]
                  ) -> Iterator[tuple[T, Basics | None]]:
    """Each item (a chunk, or what holds one: ``customers`` gives its customers) with its chunk's
    features, computed by ``workers`` processes up to ``AHEAD`` chunks ahead of the one being
    consumed; with no workers, None for each (computed when loaded). ``items`` is read lazily:
    at most ``AHEAD + 1`` items are held beyond the one being consumed."""
    items = iter(items)
    if workers <= 0:
        yield from ((item, None) for item in items)
        return
    pool = FeaturePool(workers)
    try:
        pending = [(item, pool.submit(customers(item))) for item in islice(items, AHEAD + 1)]
        while pending:
            item, tasks = pending.pop(0)
            basics = pool.collect(tasks)
            pending += [(following, pool.submit(customers(following))) for following in islice(items, 1)]
            yield item, basics
    finally:
        pool.close()


_END = object()


def made_ahead(items: Iterable[T], make: Callable[[T], U]) -> Iterator[tuple[T, U]]:
    """Each item with ``make(item)``, made in a thread one item ahead of the one consumed.

    A batch builds the next chunk's customer side (Python: its rows and Arrow tables) while the
    current chunk's SQL runs, which holds no lock on Python (DuckDB releases it while it works), so
    that Python work is off the path of the SQL. ``items`` is read in that thread only, one item
    at a time; an error of either is raised here, in order."""
    items = iter(items)

    def step() -> object:
        item = next(items, _END)
        return _END if item is _END else (item, make(item))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="screening-build") as thread:
        pending = thread.submit(step)
        while (done := pending.result()) is not _END:
            pending = thread.submit(step)
            yield done  # type: ignore[misc]
