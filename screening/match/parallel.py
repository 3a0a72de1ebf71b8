"""The chunks of a large batch screened in worker processes, every core busy.

Screening a chunk is Python per distinct name and address (normalisation, the customer side's
tables) and DuckDB SQL over the whole chunk. For a large batch, worker processes (spawned, one per
core) each open the store read-only and screen whole chunks with the calls of the serial path
(:func:`chunk_hits`), DuckDB on one thread each; this process reads the rows, hands the chunks out
in name order and takes their results back in that order. Each worker's time is its own, Python
and SQL one after the other: two such processes spend about a fifth fewer CPU seconds on a
realistic file than one process running DuckDB on two threads while other processes normalise
the next chunk's names, whose cores were then shared by four busy threads.
At most ``workers + AHEAD`` chunks are out at once, which bounds the memory they hold.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields
from itertools import islice
from operator import attrgetter
from typing import Callable, Iterable, Iterator, TypeVar

from .. import store
from ..normalize import normalize_address, normalize_name, strip_invisible, transliterate
from .customers import Customer
from .features import address_features, name_features
from .former_names import note_former_names
from .identifier_hits import identifier_hits
from .results import Hit
from .selection import Selection

POOL_MIN_ROWS = 20_000  # fewer customers than this: screened in this process (a worker starts in ~2 s)
AHEAD = 1               # chunks handed out beyond one per worker
RARE_COLLECTION = 100_000  # allocations between two collections of the youngest generation, in a batch
T = TypeVar("T")

# A worker process starts by importing the script that started the batch again (Python's "spawn"):
# a script calling the library at its top level, unguarded, makes each worker call it again, which
# Python refuses (its own message is on stderr), and the pool breaks before any chunk is screened.
BROKEN_POOL = ("a worker process screening the batch stopped abruptly (it could not open the store, was killed, "
               "or ran out of memory; or, from a Python script, the call was not under "
               "'if __name__ == \"__main__\":', which worker processes need, as they import the script again); "
               "the batch was not finished")

ChunkHits = tuple[list[str | None], dict[int, list[Hit]]]  # per-row errors, hits by row position


def default_workers(rows: int) -> int:
    """Worker processes for a batch of ``rows`` customers: one per core this process may use for a
    large batch, else 0."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if rows >= POOL_MIN_ROWS else 0


def chunk_hits(matcher, customers: list[Customer], selection: Selection) -> ChunkHits:
    """One chunk screened: its hits by name and address (:meth:`Matcher.score_chunk`), by
    identifier, and the notes of former names; the per-row errors."""
    errors, hits = matcher.score_chunk(customers, selection=selection)
    identifier_hits(matcher.con, customers, hits, selection, selection.config(matcher.config))
    note_former_names(matcher.con, hits, matcher.lookup_former_names())
    return errors, hits


# The caches of one whole name or address (not of its words, which recur): a worker sees each
# distinct name once (a chunk's names are distinct, and a batch is sorted by name), so these would
# only grow (normalize_name's to a million names)
WHOLE_VALUE_CACHES = (name_features, normalize_name, transliterate, strip_invisible, address_features,
                      normalize_address)

_matcher = None  # a worker process's matcher (_start_worker)


def _start_worker(db: str) -> None:
    """A worker process: its own read-only matcher of the store, DuckDB on one thread; the cycle
    collector run seldom (screening allocates millions of small objects that hold no cycles).
    Ctrl-C in a terminal reaches every process of the command: the worker leaves it to the process
    that started it, which stops the workers (:func:`worker_pool`)."""
    global _matcher
    from .cache import get_matcher  # the matcher's module, imported in the worker only

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    _matcher = get_matcher(db)
    _matcher.con.execute(store.sql("match_settings.worker"))
    gc.freeze()
    gc.set_threshold(RARE_COLLECTION, *gc.get_threshold()[1:])


_customer_values = attrgetter(*(f.name for f in fields(Customer)))  # a customer's values, in field order


def customer_columns(customers: list[Customer]) -> tuple[list, ...]:
    """A chunk's customers as one list per field: what goes to a worker (lists of strings are
    pickled four times faster than as many objects)."""
    return tuple(list(values) for values in zip(*map(_customer_values, customers)))


def from_columns(columns: tuple[list, ...]) -> list[Customer]:
    """The customers of :func:`customer_columns` again."""
    return [Customer(*values) for values in zip(*columns)]


def _screen_in_worker(columns: tuple[list, ...], selection: Selection) -> ChunkHits:
    for cached in WHOLE_VALUE_CACHES:
        cached.cache_clear()
    return chunk_hits(_matcher, from_columns(columns), selection)


@dataclass
class WorkerPool:
    """The worker processes of one batch, started at once (:func:`worker_pool`)."""

    executor: ProcessPoolExecutor
    workers: int


def _ready() -> None:
    """A task that only makes a worker start (and load its matcher) before the batch's first chunk."""


@contextmanager
def worker_pool(db: str, workers: int) -> Iterator[WorkerPool]:
    """``workers`` processes reading the store ``db``, started now: they load their matchers while
    this process reads and orders the batch's names. Shut down on leaving; stopped at once when
    the batch is interrupted (KeyboardInterrupt)."""
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(db,))
    try:
        for _ in range(workers):  # a task with no idle worker starts one
            executor.submit(_ready)
        yield WorkerPool(executor, workers)
    except KeyboardInterrupt:
        _stop_workers(executor)
        raise
    finally:
        executor.shutdown(cancel_futures=True)


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Stop the workers now (the batch was interrupted): a shutdown alone would wait for the
    chunks they are screening, seconds each, whose results no one will read."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.terminate()


def screened_in_workers(items: Iterable[T], customers: Callable[[T], list[Customer]], pool: WorkerPool,
                        selection: Selection) -> Iterator[tuple[T, list[Customer], ChunkHits]]:
    """Each item (what holds a chunk: ``customers`` gives its customers) with its customers and
    their :func:`chunk_hits`, in order, screened by the ``pool``'s workers.
    ``items`` is read lazily: at most ``workers + AHEAD`` chunks are out beyond the one consumed.
    An error of a worker is raised here, in order; a worker that dies (killed, out of memory, or its
    start failed: the worker's own traceback is on stderr) is a RuntimeError that says so."""
    items = iter(items)
    pending: deque = deque()

    def hand_out(count: int) -> None:
        for item in islice(items, count):
            chunk = customers(item)
            pending.append((item, chunk, pool.executor.submit(_screen_in_worker, customer_columns(chunk), selection)))

    try:
        hand_out(pool.workers + AHEAD)
        while pending:
            item, chunk, future = pending.popleft()
            hand_out(1)  # the workers stay busy while this chunk's results are used
            yield item, chunk, future.result()
    except BrokenProcessPool as exc:
        raise RuntimeError(BROKEN_POOL) from exc
