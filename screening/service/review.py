"""The review page of the HTTP service: open hits beside their listed entity, decided by analysts.

``GET /review`` is an HTML page (``data/review_page.html``: inline style and script, nothing
loaded from the network) of the open hits, a page at a time (``offset``, ``limit``; ``GET
/review/hits`` gives the same pages as JSON; only the hits up to the page are read and judged), each customer beside every list entry of the entity it
hit with its provenance, and a form per hit; the form posts to ``POST /review/decisions``, which
API clients call too. The analyst is the name of the API key the request presents (``NAME: KEY``
in the keys file); a server on loopback without keys records the operating-system user (or
``$SCREENING_ACTOR``).

Unlike the matching endpoints, review reads and writes the store itself (decisions must be seen
as soon as they are made, and a snapshot is only published after a list change): each request
opens it briefly, read-only to list the open hits and read-write to record a decision, waiting at
most ``Settings.store_wait`` seconds for another process (a refresh) holding it, then answering
503. Within a worker, requests take turns (:data:`STORE_LOCK`).
"""
from __future__ import annotations

import html
import json
import logging
import threading
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from .. import store
from ..review import DecisionError, decide_hit, open_hits
from ..review.decisions import HitNotFound
from ..review.model import VERDICTS, reasons
from ..review.recording import keep_pending, keep_record
from . import models

PAGE = Path(__file__).resolve().parent.parent / "data" / "review_page.html"
log = logging.getLogger("screening.service")
STORE_LOCK = threading.Lock()  # one store opening at a time in this worker (read-only and read-write differ)
PAGE_SIZE = 100  # open hits on a page by default (GET /review, GET /review/hits)
MAX_PAGE_SIZE = 1000
PAGE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
               "connect-src 'self'; img-src data:; form-action 'none'; base-uri 'none'")


class DecisionRequest(BaseModel):
    """A decision on one reported hit (the analyst is the API key's name)."""

    hit_id: int = Field(ge=1, le=2**31 - 1, description="The hit, as listed on the page or by `screening review list`")
    verdict: str = Field(description=f"One of {', '.join(VERDICTS)}", max_length=40)
    reason_code: str = Field(description="A code of data/review_reasons.csv that goes with the verdict", max_length=80)
    comment: str = Field(min_length=1, max_length=4000, description="Why")
    good_guy_until: Optional[date] = Field(None, description="false_positive only: exempt this customer until then")
    channel: Literal["api", "page"] = Field("api", description="Where the decision was made (the page says `page`)")


class OpenHitsPage(BaseModel):
    """One page of the open hits, in the order of the runs and their input rows."""

    offset: int = Field(description="Open hits skipped before this page")
    limit: int = Field(description="The most hits on a page")
    more: bool = Field(description="Whether open hits follow this page (ask again with offset + limit)")
    hits: list[dict[str, Any]] = Field(description="The hits, each with its listed entity (`entity`: every list "
                                                   "entry and its provenance) and its standing now")


class DecisionResponse(BaseModel):
    decision_id: int
    hit_id: Optional[int]
    customer_key: str
    entity_id: str
    verdict: str
    reason_code: str
    comment: str
    analyst: str
    decided_at: str
    good_guy_until: Optional[str]
    supersedes: Optional[int]
    channel: str


@contextmanager
def _store_turn(wait: float) -> Iterator[None]:
    """This worker's turn at the store, waiting at most ``wait`` seconds; 503 when busy."""
    if not STORE_LOCK.acquire(timeout=wait):
        raise HTTPException(503, f"the store is busy with other review requests; waited {wait:g} s, try again")
    try:
        yield
    except store.StoreBusy as exc:
        raise HTTPException(503, str(exc)) from None
    except store.StoreMissing as exc:
        raise HTTPException(503, str(exc)) from None
    finally:
        STORE_LOCK.release()


def record_run(db: str, record: dict, wait: float) -> int | None:
    """Record a run the service made (a ``/screen`` upload) in the store's audit trail, in this
    worker's turn at the store; its id. When the store stays busy (a refresh, other review
    requests) past ``wait`` seconds, the run is kept beside the store and recorded by the next
    command that writes it (None then): the answer is never refused for it."""
    if not STORE_LOCK.acquire(timeout=wait):
        keep_pending(db, record, f"the store is busy with other review requests; waited {wait:g} s", log.warning)
        return None
    try:
        return keep_record(db, record, log.warning, wait)
    finally:
        STORE_LOCK.release()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def open_page(db: str, wait: float, offset: int, limit: int, run_id: int | None = None) -> dict:
    """One page of the open hits (:class:`OpenHitsPage`), in this worker's turn at the store."""
    with _store_turn(wait):
        hits = open_hits(db, run_id=run_id, wait=wait, limit=limit + 1, offset=offset)
    return {"offset": offset, "limit": limit, "more": len(hits) > limit, "hits": _jsonable(hits[:limit])}


def render_page(page: dict, analyst: str) -> str:
    """The review page of one page of open hits (as :func:`open_page` gives it)."""
    data = {**page, "analyst": analyst, "verdicts": list(VERDICTS),
            "reasons": [{"code": r.code, "verdicts": list(r.verdicts), "description": r.description}
                        for r in reasons().values()]}
    page = PAGE.read_text(encoding="utf-8")
    return page.replace("__ANALYST__", html.escape(analyst), 1).replace("__DATA__", _script_json(data), 1)


def review_router(db: str, wait: float, secured: list, analyst: Callable[..., str]) -> APIRouter:
    """The review routes over the store ``db``; ``analyst`` is the dependency naming the analyst."""
    router = APIRouter(tags=["review"], dependencies=secured)
    errors = {code: {"model": models.Error} for code in (400, 401, 403, 404, 422, 503)}

    offset_query = Query(0, ge=0, le=2**31 - 1, description="Open hits to skip (the pages before)")
    limit_query = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="The most hits on the page")

    @router.get("/review", response_class=HTMLResponse, responses=errors)
    def review_page(who: str = Depends(analyst), offset: int = offset_query, limit: int = limit_query) -> HTMLResponse:
        """The open hits as an HTML page, a page at a time, with a decision form per hit."""
        page = open_page(db, wait, offset, limit)
        return HTMLResponse(render_page(page, who), headers={"Content-Security-Policy": PAGE_POLICY,
                                                             "Cache-Control": "no-store"})

    @router.get("/review/hits", response_model=OpenHitsPage, responses=errors)
    def review_hits(offset: int = offset_query, limit: int = limit_query,
                    run_id: Optional[int] = Query(None, ge=1, le=2**31 - 1, description="Only this run's hits")) -> Any:
        """The open hits as JSON, a page at a time (`more`: ask again with `offset` + `limit`)."""
        return open_page(db, wait, offset, limit, run_id)

    @router.post("/review/decisions", response_model=DecisionResponse, status_code=201, responses=errors)
    def review_decide(body: DecisionRequest, who: str = Depends(analyst)) -> Any:
        """Record a decision on a hit, as the analyst the API key names."""
        until = datetime.combine(body.good_guy_until, time()) if body.good_guy_until else None
        try:
            with _store_turn(wait):
                decision = decide_hit(db, body.hit_id, body.verdict, body.comment, who, body.reason_code,
                                      good_guy_until=until, channel=body.channel, wait=wait)
        except HitNotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except DecisionError as exc:
            raise HTTPException(400, str(exc)) from None
        return _jsonable(decision.as_dict())

    return router
