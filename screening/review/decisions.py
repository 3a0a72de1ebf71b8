"""Decisions on hits: appended, never updated, and applied to the hits of every later screening.

A hit whose standing decision is ``false_positive`` is reported ``cleared`` with the decision's
id, as long as the entity's list content, the customer's screened fields and (for a good-guy
exemption) the expiry are as they were when it was decided; otherwise it is raised again as
``hit`` with the reason. ``true_match`` keeps the hit a hit (decided); ``unsure`` and
``escalated`` leave it open.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Sequence

import duckdb

from .. import store
from ..audit import chain
from .model import (CHANNELS, CLEARING, STATUS_CLEARED, STATUS_HIT, Decision, check_decision,
                    content_fingerprints)

NOT_LISTED = "not-listed"  # the content fingerprint of an entity that is no longer in the active lists
Pair = tuple[str, str]     # (customer_key, entity_id)
# The standing decision of each pair asked for that has one: :func:`standing_decisions` on a
# connection, or a cache of them (the service's, read from the live store while it answers from a snapshot)
DecisionLookup = Callable[[Iterable[Pair]], dict[Pair, "Decision"]]


class DecisionError(ValueError):
    """A decision that cannot be recorded (bad values, an unknown hit)."""


class HitNotFound(DecisionError):
    """No reported hit has the id a decision names."""


@dataclass(frozen=True)
class Standing:
    """What a decision means for a hit now: its status, the decision, and why."""

    status: str                 # hit | cleared
    decision_id: int | None
    note: str | None            # the decision standing, or why the hit is raised again
    open: bool                  # does the hit need an analyst (no decision, unsure, escalated, lapsed)
    lapsed: str | None = None   # why a decision no longer holds (listing or customer changed, expired)


@dataclass(frozen=True)
class HitKey:
    """A (customer, entity) pair as screened now: the keys a decision is looked up and checked by."""

    customer_key: str
    customer_fp: str
    entity_id: str
    content_fp: str


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    store.run(con, "review_schema")
    chain.ensure_schema(con)


def standing_decisions(con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Decision]:
    """The latest decision on each (customer_key, entity_id) pair that has one."""
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return {}
    try:
        rows = store.run(con, "review_current_decisions", [[p[0] for p in pairs], [p[1] for p in pairs]]).fetchall()
    except duckdb.CatalogException:  # no decision was ever recorded in this store
        return {}
    found = [Decision(*row) for row in rows]
    return {(d.customer_key, d.entity_id): d for d in found}


def decisions_since(con: duckdb.DuckDBPyConnection, after: int = 0) -> list[Decision]:
    """Every decision with an id above ``after``, oldest first (decisions are only ever appended,
    so a reader that applied those up to ``after`` applies these in order and is current)."""
    try:
        rows = store.run(con, "review_queries.decisions_since", [after]).fetchall()
    except duckdb.CatalogException:  # no decision was ever recorded in this store
        return []
    return [Decision(*row) for row in rows]


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def judge(decision: Decision | None, key: HitKey, now: datetime) -> Standing:
    """The standing of a hit given its latest decision (None: never decided)."""
    if decision is None:
        return Standing(STATUS_HIT, None, None, True)
    when, who = _day(decision.decided_at), decision.analyst
    lapsed = _lapse(decision, key, now)
    if decision.verdict == CLEARING:
        if lapsed:
            return Standing(STATUS_HIT, decision.decision_id, lapsed, True, lapsed)
        until = f" (good-guy exemption until {_day(decision.good_guy_until)})" if decision.good_guy_until else ""
        return Standing(STATUS_CLEARED, decision.decision_id, f"cleared by {who} on {when}{until}", False)
    if decision.verdict == "true_match":
        note = f"true match, decided by {who} on {when}"
        return Standing(STATUS_HIT, decision.decision_id, f"{note}; {lapsed}" if lapsed else note, bool(lapsed), lapsed)
    return Standing(STATUS_HIT, decision.decision_id, f"{decision.verdict} ({who} on {when}): still open", True)


def _lapse(decision: Decision, key: HitKey, now: datetime) -> str | None:
    """Why a decision no longer holds for the hit: the exemption expired, the listing or the
    customer's data changed since; None when it holds."""
    when = _day(decision.decided_at)
    if decision.good_guy_until is not None and now >= decision.good_guy_until:
        return f"exemption expired on {_day(decision.good_guy_until)}"
    if key.content_fp != decision.content_fp:
        verb = "cleared" if decision.verdict == CLEARING else "decided"
        return f"listing changed since {verb} on {when}"
    if key.customer_fp != decision.customer_fp:
        verb = "cleared" if decision.verdict == CLEARING else "decided"
        return f"customer data changed since {verb} on {when}"
    return None


def assess(con: duckdb.DuckDBPyConnection, keys: Sequence[HitKey], now: datetime | None = None,
           decisions: DecisionLookup | None = None) -> list[Standing]:
    """The standing of each hit, in order, under the decisions of ``con`` (or of ``decisions``)."""
    now = now or chain.utc_now()
    pairs = ((k.customer_key, k.entity_id) for k in keys)
    standing = decisions(pairs) if decisions else standing_decisions(con, pairs)
    return [judge(standing.get((k.customer_key, k.entity_id)), k, now) for k in keys]


def hit_keys(con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, str, str]]) -> list[HitKey]:
    """(customer_key, customer_fp, entity_id) pairs completed with their entity's content fingerprint now."""
    content = content_fingerprints(con, (p[2] for p in pairs))
    return [HitKey(k, fp, e, content.get(e, NOT_LISTED)) for k, fp, e in pairs]


def record_decision(con: duckdb.DuckDBPyConnection, key: HitKey, verdict: str, reason_code: str, comment: str,
                    analyst: str, hit_id: int | None = None, good_guy_until: datetime | None = None,
                    channel: str = "cli", now: datetime | None = None, in_transaction: bool = False) -> Decision:
    """Append a decision on a (customer, entity) pair, superseding the standing one, and its audit event.

    ``in_transaction``: the caller holds a transaction (the spreadsheet import records all its
    rows in one)."""
    now = now or chain.utc_now()
    problems = check_decision(verdict, reason_code, comment, good_guy_until, now)
    if not (analyst or "").strip():
        problems.append("no analyst named")
    if channel not in CHANNELS:
        problems.append(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if problems:
        raise DecisionError("; ".join(problems))
    ensure_schema(con)
    with nullcontext() if in_transaction else store.transaction(con):
        previous = standing_decisions(con, [(key.customer_key, key.entity_id)]).get((key.customer_key, key.entity_id))
        decision_id = store.run(con, "review_queries.next_decision_id").fetchone()[0]
        decision = Decision(decision_id, hit_id, key.customer_key, key.customer_fp, key.entity_id, key.content_fp,
                            verdict, reason_code, comment.strip(), analyst.strip(), now, good_guy_until,
                            previous.decision_id if previous else None, channel)
        store.run(con, "review_queries.insert_decision", decision.as_dict())
        chain.append_event(con, "decision", decision_id, decision.as_dict(), actor=decision.analyst, at=now)
    return decision


def decision_history(con: duckdb.DuckDBPyConnection, customer_key: str, entity_id: str) -> list[Decision]:
    """Every decision on a pair, oldest first."""
    try:
        rows = store.run(con, "review_queries.decision_history", [customer_key, entity_id]).fetchall()
    except duckdb.CatalogException:
        return []
    return [Decision(*r) for r in rows]
