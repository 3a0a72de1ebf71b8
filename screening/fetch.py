"""Fetch stage: bring one source's files into a local folder, from the publisher or a local copy.

HTTP downloads are bounded (connect/read timeouts, a size cap), retried with exponential
backoff on transient faults (timeouts, connection errors, 5xx, 429, a body cut short) and
conditional (``If-None-Match`` / ``If-Modified-Since`` from the previous download), and say
who they are with an honest User-Agent.  Nothing here touches the store: a failed fetch
only ever leaves a half-filled staging folder behind, which the caller throws away.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, unquote

import requests

DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read (seconds between bytes)
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 2.0  # seconds before the first retry, doubled after each
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_CHUNK = 1 << 16
_RETRY_STATUS = {429, 500, 502, 503, 504}
META_FILE = ".fetch.json"


class FetchError(Exception):
    """A file could not be fetched; the message is one line naming the URL or path."""


@dataclass
class FetchedFile:
    name: str
    url: str
    status: str  # downloaded | not_modified | absent | copied
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    """What a fetch put into ``folder`` and where it came from."""

    folder: Path
    origin: str  # the URL of the main file, or the local path
    files: list[FetchedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        """Every file answered 304: upstream has not changed since the last download."""
        return bool(self.files) and all(f.status == "not_modified" for f in self.files)


@dataclass
class FetchOptions:
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_bytes: int = DEFAULT_MAX_BYTES


def user_agent() -> str:
    """``screening/<version> (+<project URL>)``, from the installed package's metadata."""
    try:
        meta = metadata.metadata("screening")
        version = meta["Version"]
        urls = meta.get_all("Project-URL") or []
        home = meta.get("Home-page") or (urls[0].split(",", 1)[-1].strip() if urls else None)
    except metadata.PackageNotFoundError:
        version, home = "0", None
    return f"screening/{version} (+{home or 'https://pypi.org/project/screening/'})"


def file_name_of(url: str) -> str:
    """The publisher's file name: the last part of the URL path."""
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    if not name or name in (".", ".."):
        raise FetchError(f"{url}: the URL names no file")
    return name


def mirror_urls(urls: list[str], base: str) -> list[str]:
    """The official URLs' file names under another base URL (a mirror or a test server).

    A base whose last part names a file (``https://mirror/x/CONS_ENHANCED.ZIP``) is that one file.
    """
    if not base.endswith("/") and "." in urlsplit(base).path.rsplit("/", 1)[-1]:
        return [base]
    base = base if base.endswith("/") else base + "/"
    return [base + file_name_of(u) for u in urls]


def fetch_urls(urls: list[str], dest: Path, previous: dict | None = None,
               options: FetchOptions | None = None, session: requests.Session | None = None) -> FetchResult:
    """Download ``urls`` into ``dest``; the first is required, a later one may be absent (404).

    ``previous`` is the metadata saved beside the last good download (see :func:`save_meta`):
    its ETag / Last-Modified make the requests conditional, and its files stand in for a 304.
    """
    options = options or FetchOptions()
    previous = previous or {}
    dest.mkdir(parents=True, exist_ok=True)
    own_session = session is None
    session = session or requests.Session()
    session.headers["User-Agent"] = user_agent()
    result = FetchResult(dest, urls[0])
    try:
        for index, url in enumerate(urls):
            fetched = _fetch_one(session, url, dest, previous.get(url, {}), options, required=index == 0)
            if fetched.status == "absent":
                result.notes.append(f"{fetched.name}: not published upstream (HTTP 404); this version has none")
            result.files.append(fetched)
    finally:
        if own_session:
            session.close()
    return result


def copy_local(path: Path, dest: Path) -> FetchResult:
    """Copy a local list file, or the list files of a folder, into ``dest`` (air-gapped refresh)."""
    if not path.exists():
        raise FetchError(f"{path}: no such file or folder")
    sources = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    if not sources:
        raise FetchError(f"{path}: folder holds no list files")
    dest.mkdir(parents=True, exist_ok=True)
    result = FetchResult(dest, str(path.resolve()))
    for src in sources:
        shutil.copy2(src, dest / src.name)  # keeps the file time: the publication date of files without one
        check_archive(dest / src.name)
        result.files.append(FetchedFile(src.name, str(src), "copied"))
    return result


def save_meta(result: FetchResult, folder: Path) -> None:
    """Remember ETag / Last-Modified of a download that became the active version."""
    meta = {f.url: {"name": f.name, "etag": f.etag, "last_modified": f.last_modified}
            for f in result.files if f.status in ("downloaded", "not_modified")}
    (folder / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def load_meta(folder: Path) -> dict:
    """The metadata of the last good download kept in ``folder`` (only for files still there)."""
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    kept = {}
    for url, m in meta.items():
        path = folder / m.get("name", "")
        if m.get("name") and path.is_file():
            kept[url] = {**m, "path": str(path)}
    return kept


def check_archive(path: Path) -> None:
    """A ZIP must open and every member's CRC must check: a corrupt archive is refused here."""
    if path.suffix.lower() != ".zip":
        return
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise FetchError(f"{path.name}: corrupt ZIP archive ({exc})") from exc
    if bad is not None:
        raise FetchError(f"{path.name}: corrupt ZIP archive (member {bad} fails its CRC check)")


def _fetch_one(session: requests.Session, url: str, dest: Path, prev: dict, options: FetchOptions,
               required: bool) -> FetchedFile:
    name = file_name_of(url)
    prev_file = Path(prev["path"]) if prev.get("path") else None
    headers = {}
    if prev_file is not None and prev_file.is_file():
        if prev.get("etag"):
            headers["If-None-Match"] = prev["etag"]
        if prev.get("last_modified"):
            headers["If-Modified-Since"] = prev["last_modified"]
    delay = options.backoff
    for attempt in range(options.retries + 1):
        try:
            return _attempt(session, url, name, dest, headers, prev_file, options, required)
        except _Transient as exc:
            if attempt == options.retries:
                raise FetchError(f"{url}: {exc} (gave up after {attempt + 1} attempts)") from None
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


class _Transient(Exception):
    """A fault worth retrying."""


def _attempt(session: requests.Session, url: str, name: str, dest: Path, headers: dict, prev_file: Path | None,
             options: FetchOptions, required: bool) -> FetchedFile:
    try:
        response = session.get(url, headers=headers, timeout=options.timeout, stream=True, allow_redirects=True)
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise _Transient(f"{type(exc).__name__}: {_short(exc)}") from exc
    with response:
        if response.status_code == 304 and prev_file is not None:
            shutil.copy2(prev_file, dest / prev_file.name)  # with its time: the publication date of files without one
            return FetchedFile(prev_file.name, url, "not_modified", headers.get("If-None-Match"),
                               headers.get("If-Modified-Since"))
        if response.status_code in _RETRY_STATUS:
            raise _Transient(f"HTTP {response.status_code}")
        if response.status_code == 404 and not required:
            return FetchedFile(name, url, "absent")
        if response.status_code != 200:
            raise FetchError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip())
        name = _served_name(name, response)
        _refuse_html(url, name, response)
        _stream_to(response, dest / name, url, options.max_bytes)
    check_archive(dest / name)
    _stamp_time(dest / name, response.headers.get("Last-Modified"))
    return FetchedFile(name, url, "downloaded", response.headers.get("ETag"), response.headers.get("Last-Modified"))


def _stamp_time(path: Path, last_modified: str | None) -> None:
    """Give a downloaded file the server's Last-Modified time (as ``curl -R`` does): for a file
    that states no publication date of its own, that time is the best one known."""
    try:
        stamp = parsedate_to_datetime(last_modified).timestamp() if last_modified else None
    except (TypeError, ValueError):
        stamp = None
    if stamp is not None:
        os.utime(path, (stamp, stamp))


def _served_name(name: str, response: requests.Response) -> str:
    """A URL like ``.../content?token=...`` names no file: use the server's file name or type."""
    if "." in name:
        return name
    match = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', response.headers.get("Content-Disposition", ""))
    if match:
        served = Path(unquote(match[1])).name
        if served and served not in (".", ".."):
            return served
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    suffix = {"application/xml": ".xml", "text/xml": ".xml", "text/csv": ".csv", "application/zip": ".zip"}.get(kind, "")
    return name + suffix


def _refuse_html(url: str, name: str, response: requests.Response) -> None:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind == "text/html" and not name.lower().endswith((".html", ".htm")):
        raise FetchError(f"{url}: server sent an HTML page (Content-Type text/html), not {name}")


def _stream_to(response: requests.Response, path: Path, url: str, max_bytes: int) -> None:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url}: {declared} bytes is over the size cap of {max_bytes}")
    written = 0
    try:
        with path.open("wb") as out:
            for chunk in response.iter_content(_CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise FetchError(f"{url}: body is over the size cap of {max_bytes} bytes")
                out.write(chunk)
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
        raise _Transient(f"body cut short after {written} bytes ({type(exc).__name__})") from exc
    # urllib3 enforces Content-Length, but a proxy may strip the error: check again.
    if declared and declared.isdigit() and written != int(declared) and not response.headers.get("Content-Encoding"):
        raise _Transient(f"body cut short: {written} of {declared} bytes")


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]
