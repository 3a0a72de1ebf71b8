"""What a decision on a hit is, and the fingerprints it is keyed to.

A decision is keyed to the customer (``id:<customer id>`` when the screened row had an id, else
``fp:<fingerprint of its screened fields>``), the consolidated entity, and the fingerprint of that
entity's list content; it also keeps the fingerprint of the customer's screened fields, so that a
changed address raises a cleared hit again even when the customer's id stays.
"""
from __future__ import annotations

import csv
import hashlib
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import duckdb

from .. import store

VERDICTS = ("true_match", "false_positive", "unsure", "escalated")
CLEARING = "false_positive"          # the verdict that clears a hit
DECIDED = ("true_match", "false_positive")  # verdicts that close a hit (the others leave it open)
CHANNELS = ("cli", "spreadsheet", "page", "api")
STATUS_HIT, STATUS_CLEARED = "hit", "cleared"
CUSTOMER_FIELDS = ("name", "address", "country", "dob", "type")
REASONS_FILE = Path(__file__).resolve().parent.parent / "data" / "review_reasons.csv"


@dataclass(frozen=True)
class Reason:
    code: str
    verdicts: tuple[str, ...]
    description: str


@lru_cache(maxsize=1)
def reasons() -> dict[str, Reason]:
    """The reason codes of ``data/review_reasons.csv``, by code."""
    with REASONS_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        found = {r["code"]: Reason(r["code"], tuple(r["verdicts"].split()), r["description"]) for r in rows}
    for reason in found.values():
        unknown = set(reason.verdicts) - set(VERDICTS)
        if unknown:
            raise ValueError(f"{REASONS_FILE.name}: reason {reason.code}: unknown verdicts {', '.join(sorted(unknown))}")
    return found


def check_decision(verdict: str, reason_code: str, comment: str, good_guy_until: datetime | None = None,
                   now: datetime | None = None) -> list[str]:
    """What is wrong with a decision's values (empty when nothing): each problem in words."""
    problems = []
    if verdict not in VERDICTS:
        problems.append(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    reason = reasons().get(reason_code)
    if reason is None:
        problems.append(f"reason code {reason_code!r} is not one of {', '.join(reasons())}")
    elif verdict in VERDICTS and verdict not in reason.verdicts:
        problems.append(f"reason code {reason_code!r} does not go with verdict {verdict!r} "
                        f"(it goes with {', '.join(reason.verdicts)})")
    if not (comment or "").strip():
        problems.append("the comment is empty: say why")
    if good_guy_until is not None:
        if verdict != CLEARING:
            problems.append(f"a good-guy exemption is a {CLEARING} decision, not {verdict!r}")
        if now is not None and good_guy_until <= now:
            problems.append(f"the good-guy expiry {good_guy_until:%Y-%m-%d} is not in the future")
    return problems


@dataclass(frozen=True)
class Decision:
    """One analyst's decision, as stored (never changed once written)."""

    decision_id: int
    hit_id: int | None
    customer_key: str
    customer_fp: str
    entity_id: str
    content_fp: str
    verdict: str
    reason_code: str
    comment: str
    analyst: str
    decided_at: datetime
    good_guy_until: datetime | None
    supersedes: int | None
    channel: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _fold(value: object) -> str:
    """A field value as compared: NFC, case folded, runs of white space made one space."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    return " ".join(text.casefold().split())


def customer_fingerprint(fields: dict[str, object]) -> str:
    """The fingerprint of a customer's screened fields (name, address, country, date of birth,
    type), blind to case and spacing."""
    text = json.dumps([_fold(fields.get(f)) for f in CUSTOMER_FIELDS], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def customer_key(customer_id: str | None, fingerprint: str) -> str:
    """The key a decision is made under: the customer's id when it has one, else its fingerprint."""
    return f"id:{customer_id}" if customer_id not in (None, "") else f"fp:{fingerprint}"


def content_fingerprints(con: duckdb.DuckDBPyConnection, entity_ids: Iterable[str]) -> dict[str, str]:
    """The fingerprint of each entity's list content in the active lists (sql/review_entity_content.sql);
    an entity no longer listed is absent."""
    wanted = sorted(set(entity_ids))
    if not wanted:
        return {}
    return dict(store.run(con, "review_entity_content", [wanted]).fetchall())
