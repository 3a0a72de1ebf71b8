"""The HTTP service: routes that parse a request, call one library function and render its answer.

yente-compatible: ``POST /match/{dataset}``, ``GET /search/{dataset}``, ``GET /entities/{id}``,
``/catalog``, ``/algorithms``, ``/healthz``, ``/readyz``. Native: ``POST /check``, ``POST /screen``,
``GET /lists``, ``GET /lists/{source}/versions``, ``GET /lists/{source}/diff``. Every answer comes
from the published snapshot current when the request started (header ``X-Index-Version``); the
review page (``GET /review``, ``POST /review/decisions``, :mod:`.review`) reads and writes the store.
Hits are judged under the analysts' decisions of the live store, as they stand at the request
(:mod:`.decisions`), and a ``/screen`` upload is recorded as a run in the live store's audit trail.
"""

import json
import os
import re
import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Optional

from fastapi import Depends, FastAPI, File, Form, HTTPException, Path as PathParam, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.security import APIKeyHeader, APIKeyQuery
from starlette.background import BackgroundTask

from .. import check, diff_lists, list_stats, screen_file, screening_context, show_entity
from ..versions import VersionNotFound, list_versions
from ..report import OutputError
from ..match.files import InputFileError
from ..sources import SOURCE_NAMES, load_source
from . import models, yente
from ..audit.chain import audit_actor
from ..match.customers import Customer
from .decisions import HitJudge, LiveDecisions, review_fields
from .review import record_run, review_router
from .security import BodyLimit, key_given, key_name, key_valid
from .snapshot import Snapshot, Snapshots, call_library

SETTINGS_ENV = "SCREENING_SERVE_SETTINGS"  # the settings, as JSON, for worker processes
VERSION_HEADER = "X-Index-Version"
WORKER_HEADER = "X-Worker"
_CHANGED_SINCE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/x-ndjson",
               "parquet": "application/vnd.apache.parquet",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SUFFIXES = {"csv": ".csv", "json": ".jsonl", "parquet": ".parquet", "xlsx": ".xlsx"}
UPLOAD_CHUNK = 1 << 20


@dataclass
class Settings:
    """What one server runs with (passed to worker processes as JSON in ``$SCREENING_SERVE_SETTINGS``)."""

    db: str
    keys: dict[str, str] = field(default_factory=dict)  # key -> its holder's name; empty: no key asked (loopback only)
    max_body_bytes: int = 1 << 20                   # JSON requests
    max_upload_bytes: int = 100 << 20               # POST /screen
    time_limit: float = 30.0                        # seconds of matching per request
    poll_seconds: float = 2.0                       # how often workers look for a new snapshot
    store_wait: float = 5.0                         # seconds a review request waits for a busy store (then 503)

    def __post_init__(self) -> None:
        if not isinstance(self.keys, dict):  # a list of unnamed keys
            self.keys = {key: "" for key in self.keys}

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> "Settings":
        text = os.environ.get(SETTINGS_ENV)
        if not text:
            raise RuntimeError(f"${SETTINGS_ENV} is not set: start the server with `screening serve`")
        return cls(**json.loads(text))


def create_app_from_env() -> FastAPI:
    """The app of a worker process started by ``screening serve`` (uvicorn's factory)."""
    return create_app(Settings.from_env())


def create_app(settings: Settings, snapshots: Snapshots | None = None) -> FastAPI:
    """The service over the snapshots published for ``settings.db``."""
    snaps = snapshots or Snapshots(settings.db, settings.poll_seconds)
    keys = frozenset(settings.keys)
    judge = HitJudge(LiveDecisions(settings.db))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if snapshots is None:
            snaps.start()
        yield
        if snapshots is None:
            snaps.stop()

    header_key = APIKeyHeader(name="Authorization", auto_error=False,
                              description="`ApiKey KEY` (required when the server is bound beyond loopback)")
    query_key = APIKeyQuery(name="api_key", auto_error=False, description="The API key, as yente's clients send it")

    # async: it only compares strings, and FastAPI runs a plain function dependency in its thread pool
    # (one more thread switch for every request)
    async def authorized(authorization: Annotated[Optional[str], Depends(header_key)],
                         api_key: Annotated[Optional[str], Depends(query_key)]) -> None:
        if keys and not key_valid(key_given(authorization, api_key), keys):
            raise HTTPException(401, "a valid API key is required: header 'Authorization: ApiKey KEY' or ?api_key=KEY",
                                headers={"WWW-Authenticate": "ApiKey"})

    def analyst(authorization: Annotated[Optional[str], Depends(header_key)],
                api_key: Annotated[Optional[str], Depends(query_key)]) -> str:
        """Who decides: the API key's name; without keys (loopback), the operating-system user."""
        if not keys:
            return audit_actor()
        name = key_name(key_given(authorization, api_key), settings.keys)
        if name is None:
            raise HTTPException(401, "a valid API key is required", headers={"WWW-Authenticate": "ApiKey"})
        if not name:
            raise HTTPException(403, "this API key has no name, and a decision records its analyst: "
                                     "name it in the keys file as 'NAME: KEY'")
        return name

    def runner(authorization: Annotated[Optional[str], Depends(header_key)],
               api_key: Annotated[Optional[str], Depends(query_key)]) -> str:
        """Who runs a screening, for its record: the API key's name, else the operating-system user."""
        name = key_name(key_given(authorization, api_key), settings.keys) if keys else None
        return name or audit_actor()

    def snapshot(response: Response) -> Snapshot:
        """The snapshot this request answers from, taken once."""
        snap = snaps.current()
        if snap is None:
            raise HTTPException(503, f"not ready: no published snapshot of the lists yet{_why(snaps)}")
        response.headers[VERSION_HEADER] = snap.version
        return snap

    app = FastAPI(title="screening", version="1", lifespan=lifespan,
                  description="Sanctions and restricted-party screening. yente-compatible matching "
                              "(`/match`, `/search`, `/entities`, `/catalog`, `/algorithms`) and the "
                              "product's own endpoints (`/check`, `/screen`, `/lists`).")
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, upload_bytes=settings.max_upload_bytes,
                       upload_paths=("/screen",))
    secured = [Depends(authorized)]
    errors = {400: {"model": models.Error}, 401: {"model": models.Error}, 404: {"model": models.Error},
              413: {"model": models.Error}, 422: {"model": models.Error}, 503: {"model": models.Error}}

    @app.exception_handler(yente.ApiError)
    async def api_error(request: Request, exc: yente.ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _jsonable(exc.errors())}, status_code=422)

    # ---- health ----------------------------------------------------------------------------------
    @app.get("/healthz", response_model=models.Health, tags=["system"])
    def healthz(response: Response) -> dict:
        response.headers[WORKER_HEADER] = str(os.getpid())  # which worker process answered
        return {"status": "ok"}

    @app.get("/readyz", response_model=models.Health, responses={503: {"model": models.Error}}, tags=["system"])
    def readyz() -> Any:
        if snaps.current() is None:
            return JSONResponse({"detail": f"not ready: no published snapshot opened yet{_why(snaps)}"}, 503)
        return {"status": "ok"}

    # ---- yente-compatible ------------------------------------------------------------------------
    @app.post("/match/{dataset}", response_model=models.MatchResponse, response_model_by_alias=True,
              dependencies=secured, responses=errors, tags=["yente"])
    def match(body: models.MatchRequest, response: Response,
              dataset: str = PathParam(description="`default` (every list) or a list's name"),
              limit: int = Query(yente.DEFAULT_LIMIT, ge=1, le=yente.MAX_LIMIT),
              threshold: Optional[float] = Query(None, ge=0, le=1,
                                                 description="`match` is true from this score (default: the configured threshold)"),
              cutoff: Optional[float] = Query(None, ge=0, le=1, description="Deprecated: results at or below min(cutoff, threshold) are left out"),
              algorithm: str = Query("best"),
              include_dataset: list[str] = Query([]), exclude_dataset: list[str] = Query([]),
              exclude_schema: list[str] = Query([]), topics: list[str] = Query([]),
              exclude_entity_ids: list[str] = Query([], description=f"At most {yente.MAX_EXCLUDED_IDS}"),
              changed_since: Optional[str] = Query(None, description="YYYY-MM-DD[THH[:MM[:SS]]]")) -> Any:
        snap = snapshot(response)
        if len(exclude_entity_ids) > yente.MAX_EXCLUDED_IDS:
            raise HTTPException(422, f"exclude_entity_ids: {len(exclude_entity_ids)} given, at most {yente.MAX_EXCLUDED_IDS}")
        params = yente.MatchParams(limit=limit, threshold=threshold, cutoff=cutoff, algorithm=algorithm,
                                   include_dataset=include_dataset, exclude_dataset=exclude_dataset,
                                   exclude_schema=exclude_schema, exclude_entity_ids=exclude_entity_ids,
                                   changed_since=_changed_since(changed_since),
                                   default_threshold=snap.default_threshold)
        # Rendered here, not through the response model: the shape is pinned by the tests, and
        # validating every result again costs as much as matching it.
        return JSONResponse(yente.match(snap, dataset, body.queries, params, settings.time_limit, judge.standings),
                            headers={VERSION_HEADER: snap.version})

    @app.get("/search/{dataset}", response_model=models.SearchResponse, response_model_by_alias=True,
             dependencies=secured, responses=errors, tags=["yente"])
    def search(response: Response, dataset: str, q: str = Query(min_length=1, max_length=1000),
               schema: Optional[str] = None, countries: list[str] = Query([]),
               limit: int = Query(10, ge=1, le=yente.SEARCH_MAX), offset: int = Query(0, ge=0, le=yente.SEARCH_MAX)) -> Any:
        return yente.search(snapshot(response), dataset, q, schema, countries, limit, offset)

    @app.get("/entities/{entity_id}", response_model=models.EntityDetail, response_model_by_alias=True,
             dependencies=secured, responses={**errors, 308: {"description": "a list entry: its entity"}},
             tags=["yente"])
    def get_entity(entity_id: str, request: Request, response: Response) -> Any:
        snap = snapshot(response)
        found, canonical = yente.entity(snap, entity_id)
        if canonical is not None:
            return RedirectResponse(request.url_for("get_entity", entity_id=canonical), status_code=308,
                                    headers={VERSION_HEADER: snap.version})
        detail = call_library(show_entity, entity_id, db=snap.path)
        return {**found, "members": (detail or {}).get("members", [])}

    @app.get("/catalog", response_model=models.Catalog, dependencies=secured, responses=errors, tags=["yente"])
    def catalog(response: Response) -> Any:
        return yente.catalog(snapshot(response), _titles())

    @app.get("/algorithms", response_model=models.Algorithms, dependencies=secured, responses=errors, tags=["yente"])
    def algorithms() -> Any:
        return yente.algorithms()

    # ---- native ----------------------------------------------------------------------------------
    @app.post("/check", response_model=models.CheckResponse, dependencies=secured, responses=errors, tags=["screening"])
    def check_party(body: models.CheckRequest, response: Response) -> Any:
        snap = snapshot(response)
        chosen = {"lists": body.lists, "exclude_lists": body.exclude_lists,
                  "source_thresholds": body.source_thresholds}
        try:
            result = call_library(check, body.name, country=body.country, address=body.address, dob=body.dob,
                                  entity_type=body.type, threshold=body.threshold, db=snap.path, **chosen)
            context = call_library(screening_context, snap.path, body.threshold, **chosen)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        if result.status == "error":
            raise HTTPException(400, result.error or "the name cannot be screened")
        answer = result.as_dict()
        customer = Customer(name=body.name, address=body.address, country=body.country, dob=body.dob,
                            type=body.type, id=body.id)
        standing = judge.standings(snap, customer, [hit["entity_id"] for hit in answer["hits"]])
        for hit in answer["hits"]:
            hit.update(review_fields(standing.get(hit["entity_id"])))
        return _jsonable({**answer, "context": context, "run_id": None})  # a lookup, not a recorded run

    @app.post("/screen", dependencies=secured, tags=["screening"],
              responses={**errors, 200: {"description": "The results, streamed in the format asked for",
                                         "content": {t: {} for t in MEDIA_TYPES.values()}}})
    def screen(response: Response, who: Annotated[str, Depends(runner)],
               file: UploadFile = File(description="CSV, XLSX, Parquet or JSON lines"),
               format: str = Form("csv", pattern="^(csv|xlsx|json|parquet)$"),
               threshold: Optional[float] = Form(None, ge=0, le=1),
               lists: Optional[str] = Form(None, description="comma-separated list names"),
               exclude_lists: Optional[str] = Form(None, description="comma-separated list names")) -> Any:
        snap = snapshot(response)
        work = Path(tempfile.mkdtemp(prefix="screening-serve-"))
        try:
            source = work / "upload" / upload_name(file.filename)  # a folder of its own: never the output
            source.parent.mkdir()
            with source.open("wb") as out:
                shutil.copyfileobj(file.file, out, UPLOAD_CHUNK)
            output = work / f"results{SUFFIXES[format]}"
            # the run is recorded in the live store (never in the snapshot), while its hits are at hand
            summary = call_library(screen_file, source, output, format, threshold, db=snap.path,
                                   lists=lists, exclude_lists=exclude_lists, decisions=judge.live.lookup,
                                   keep=lambda record: record_run(settings.db, {**record, "run_by": who},
                                                                  settings.store_wait))
        except (ValueError, InputFileError, OutputError, OSError) as exc:
            shutil.rmtree(work, ignore_errors=True)
            raise HTTPException(400, f"{file.filename}: {exc}") from None
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return FileResponse(output, media_type=MEDIA_TYPES[format], filename=f"hits{SUFFIXES[format]}",
                            headers={VERSION_HEADER: snap.version, "X-Screening-Summary": _ascii(summary.line())},
                            background=BackgroundTask(shutil.rmtree, work, ignore_errors=True))

    @app.get("/lists", dependencies=secured, responses=errors, tags=["screening"])
    def lists_stats(response: Response) -> Any:
        return _jsonable(call_library(list_stats, db=snapshot(response).path))

    @app.get("/lists/{source}/versions", dependencies=secured, responses=errors, tags=["screening"])
    def versions(source: str, response: Response) -> Any:
        snap = snapshot(response)
        _known_source(source)
        return _jsonable(call_library(list_versions, snap.path, source))

    @app.get("/lists/{source}/diff", dependencies=secured, responses=errors, tags=["screening"])
    def diff(source: str, response: Response, from_version: Optional[str] = Query(None, alias="from"),
             to_version: Optional[str] = Query(None, alias="to")) -> Any:
        snap = snapshot(response)
        _known_source(source)
        try:
            return _jsonable(call_library(diff_lists, snap.path, source, from_version, to_version))
        except VersionNotFound as exc:
            raise HTTPException(404, str(exc)) from None

    app.include_router(review_router(settings.db, settings.store_wait, secured, analyst))
    return app


UPLOAD_NAME = re.compile(r"[^\w.() -]+")
UPLOAD_NAME_CHARS = 120


def upload_name(filename: str | None) -> str:
    """The uploaded file's own name, made safe to write (no folder, no odd characters; the suffix
    in lower case, as the readers choose the format by it): the run records it."""
    name = Path((filename or "input.csv").replace("\\", "/")).name
    stem = UPLOAD_NAME.sub("_", Path(name).stem).strip(" .")[:UPLOAD_NAME_CHARS] or "input"
    return stem + UPLOAD_NAME.sub("", Path(name).suffix.lower())[:10]


def _why(snaps: Snapshots) -> str:
    return f" ({snaps.error})" if snaps.error else ""


def _changed_since(text: str | None) -> datetime | None:
    if text is None:
        return None
    if not _CHANGED_SINCE.match(text):
        raise HTTPException(422, f"changed_since {text!r}: use YYYY-MM-DD[THH[:MM[:SS]]]")
    parts = re.split(r"[-T:]", text)
    try:
        return datetime(*(int(p) for p in parts))
    except ValueError as exc:
        raise HTTPException(422, f"changed_since {text!r}: {exc}") from None


def _known_source(source: str) -> None:
    if source not in SOURCE_NAMES:
        raise HTTPException(404, f"unknown list {source!r}: one of {', '.join(SOURCE_NAMES)}")


_TITLES: dict[str, str] = {}


def _titles() -> dict[str, str]:
    if not _TITLES:
        _TITLES.update({name: load_source(name).title for name in SOURCE_NAMES})
    return _TITLES


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")


def _jsonable(value: Any) -> Any:
    """Dates, sets and other values as JSON has them."""
    return json.loads(json.dumps(value, default=str))
