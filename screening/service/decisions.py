"""The analysts' decisions as the service applies them: the live store's, cached, current on every request.

The matching endpoints answer from a published snapshot, whose review tables hold the decisions
as of publishing (a snapshot is only published after a list change). A decision made a minute
ago on ``/review``, the CLI or a spreadsheet must already clear (or raise again) the next answer,
so hits are judged under the LIVE store's decisions, and under the snapshot's list content (the
lists that answered).

:class:`LiveDecisions` keeps the standing decision of every (customer, entity) pair in memory.
On each request it compares the store's file times and sizes (the database file and its
write-ahead log: two ``stat`` calls, microseconds) with those at its last read; only when they
differ (something wrote to the store) does it open the store read-only, briefly, and read the
decisions appended since (decisions are only ever appended). While another process holds the
store (a refresh), the read fails at once and the cached decisions stand; it is tried again at
most once per :data:`RETRY_SECONDS`.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Iterable

import duckdb

from .. import store
from ..audit.chain import utc_now
from ..match.cache import get_matcher
from ..match.customers import Customer
from ..review.decisions import NOT_LISTED, Decision, HitKey, Pair, Standing, decisions_since, judge
from ..review.model import STATUS_CLEARED, STATUS_HIT, content_fingerprints, customer_fingerprint, customer_key
from ..review.runs import customer_fields
from .review import STORE_LOCK
from .snapshot import Snapshot, call_library

RETRY_SECONDS = 1.0      # after a failed read (the store held by a refresh), wait this long before the next
STORE_TURN_SECONDS = 0.2  # how long a request waits for this worker's review requests to leave the store
STATUS_BELOW = "no_hit"  # a result under the match threshold that no decision clears
log = logging.getLogger("screening.service")

Signature = tuple[tuple[int, int, int] | None, ...]


class LiveDecisions:
    """The standing decisions of the store at ``db``, read briefly and cached (see the module)."""

    def __init__(self, db: str | Path, retry: float = RETRY_SECONDS) -> None:
        self.path = store.resolve_db_path(db)
        self.files = (self.path, self.path.with_name(self.path.name + ".wal"))
        self.retry = retry
        self.standing: dict[Pair, Decision] = {}
        self.last_id = 0
        self.reads = 0                    # reads of the store made (for tests and logs)
        self.error: str | None = None     # why the last read failed
        self._seen: Signature | None = None
        self._failed_at = float("-inf")
        self._reading = threading.Lock()

    def signature(self) -> Signature:
        """The store's files as the file system sees them: (inode, mtime in ns, size), None if absent."""
        out = []
        for path in self.files:
            try:
                st = path.stat()
            except FileNotFoundError:
                out.append(None)
            else:
                out.append((st.st_ino, st.st_mtime_ns, st.st_size))
        return tuple(out)

    def current(self) -> None:
        """Read what was appended since the last read when the store's files changed."""
        seen = self.signature()
        if seen == self._seen or time.monotonic() - self._failed_at < self.retry:
            return
        if not self._reading.acquire(blocking=False):  # another request of this worker reads it now
            return
        try:
            self._read(seen)
        finally:
            self._reading.release()

    def lookup(self, pairs: Iterable[Pair]) -> dict[Pair, Decision]:
        """The standing decision of each pair that has one, as the live store has them now
        (a :data:`screening.review.decisions.DecisionLookup`)."""
        self.current()
        standing = self.standing
        return {pair: found for pair in pairs if (found := standing.get(pair)) is not None}

    def _read(self, seen: Signature) -> None:
        if not STORE_LOCK.acquire(timeout=STORE_TURN_SECONDS):  # a review request of this worker has the store
            return
        try:
            con = store.connect(self.path, read_only=True, wait=0)
            try:
                newest = store.run(con, "review_queries.last_decision_id").fetchone()[0]
                restart = newest < self.last_id  # another store at the same path: read it whole
                found = decisions_since(con, 0 if restart else self.last_id)
            finally:
                con.close()
        except duckdb.CatalogException:  # no decision was ever recorded in this store
            found, restart = [], False
        except (store.StoreBusy, store.StoreMissing, duckdb.Error) as exc:
            self._failed_at, self.error = time.monotonic(), str(exc)
            log.debug("live decisions not read, the cached ones stand: %s", exc)
            return
        finally:
            STORE_LOCK.release()
        self._apply(found, restart)
        self._seen, self.error, self.reads = seen, None, self.reads + 1

    def _apply(self, found: list[Decision], restart: bool) -> None:
        standing = {} if restart else self.standing
        for decision in found:  # in id order: a later one supersedes
            standing[(decision.customer_key, decision.entity_id)] = decision
        if found:
            self.last_id = found[-1].decision_id
        elif restart:
            self.last_id = 0
        self.standing = standing


class HitJudge:
    """Hits of one customer judged under the live decisions and the answering snapshot's lists."""

    def __init__(self, live: LiveDecisions) -> None:
        self.live = live
        self._content: dict[Path, dict[str, str]] = {}  # snapshot file -> entity -> content fingerprint

    def standings(self, snap: Snapshot, customer: Customer, entity_ids: Iterable[str]) -> dict[str, Standing]:
        """The standing of each entity's hit on ``customer`` (keyed by its id, else its screened fields)."""
        fp = customer_fingerprint(customer_fields(customer))
        key = customer_key(customer.id, fp)
        wanted = list(dict.fromkeys(entity_ids))
        decided = self.live.lookup((key, e) for e in wanted)
        content = self._content_of(snap, [e for _, e in decided]) if decided else {}
        now = utc_now()
        return {e: judge(decided.get((key, e)), HitKey(key, fp, e, content.get(e, NOT_LISTED)), now) for e in wanted}

    def _content_of(self, snap: Snapshot, entity_ids: list[str]) -> dict[str, str]:
        """The list content fingerprint of each entity in the snapshot (computed once per snapshot)."""
        known = self._content.get(snap.path)
        if known is None:
            for old in [p for p in self._content if p != snap.path][:-1]:  # keep the current and one other
                del self._content[old]
            known = self._content[snap.path] = {}
        missing = [e for e in entity_ids if e not in known]
        if missing:
            found = call_library(lambda: content_fingerprints(get_matcher(snap.path).con, missing))
            known.update({e: found.get(e, NOT_LISTED) for e in missing})
        return {e: known[e] for e in entity_ids}


def review_fields(standing: Standing | None, match: bool = True) -> dict:
    """What an answer adds to a hit: ``status`` (``hit``, ``cleared``, or ``no_hit`` for a result
    under the threshold that no decision clears), ``decision_id`` and ``decision_note``."""
    if standing is None:
        return {"status": STATUS_HIT if match else STATUS_BELOW, "decision_id": None, "decision_note": None}
    status = standing.status if standing.status == STATUS_CLEARED or match else STATUS_BELOW
    return {"status": status, "decision_id": standing.decision_id, "decision_note": standing.note}
