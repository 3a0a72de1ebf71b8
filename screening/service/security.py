"""Security by default: API keys when the server is reachable beyond this machine, and limits on
request size (the batch size and time limits are the matcher's, in :mod:`screening.service.yente`)."""
from __future__ import annotations

import hmac
import ipaddress
import json
import os
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KEYS_ENV = "SCREENING_API_KEYS"  # comma-separated keys, each KEY or NAME: KEY
KEY_SCHEME = "ApiKey"


class KeysError(ValueError):
    """The keys file cannot be read, or holds no key."""


def is_loopback(host: str) -> bool:
    """Is ``host`` reachable from this machine only (127.0.0.0/8, ::1, localhost)?"""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_named_keys(keys_file: str | Path | None = None, env: dict[str, str] | None = None) -> dict[str, str]:
    """API keys and their holders' names, key -> name ("" when unnamed), from a file (one key per
    line, ``NAME: KEY`` to name it, ``#`` comments) and ``$SCREENING_API_KEYS`` (commas, the same
    ``NAME: KEY`` form). The name is the analyst a review decision made with the key is recorded under."""
    keys: dict[str, str] = {}
    for item in (env if env is not None else os.environ).get(KEYS_ENV, "").split(","):
        _add_key(keys, item)
    if keys_file:
        try:
            lines = Path(keys_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise KeysError(f"API keys file {keys_file}: {exc.strerror or exc}") from None
        found: dict[str, str] = {}
        for line in lines:
            _add_key(found, line.split("#", 1)[0])
        if not found:
            raise KeysError(f"API keys file {keys_file}: no key in it (one key per line)")
        keys |= found
    return keys


def _add_key(keys: dict[str, str], item: str) -> None:
    """``KEY`` or ``NAME: KEY`` (a name holds no colon) into ``keys``."""
    name, colon, key = item.partition(":")
    if not colon:
        name, key = "", name
    if key.strip():
        keys[key.strip()] = name.strip()


def load_keys(keys_file: str | Path | None = None, env: dict[str, str] | None = None) -> frozenset[str]:
    """The API keys of :func:`load_named_keys`, without their names."""
    return frozenset(load_named_keys(keys_file, env))


def key_given(authorization: str | None, api_key: str | None) -> str | None:
    """The key a request presents: ``Authorization: ApiKey KEY`` (or ``Bearer KEY``), else ``?api_key=``."""
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() in (KEY_SCHEME.lower(), "bearer") and value.strip():
            return value.strip()
    return api_key or None


def key_valid(given: str | None, keys: frozenset[str]) -> bool:
    """Is ``given`` one of ``keys`` (compared in constant time)?"""
    if not given:
        return False
    return any(hmac.compare_digest(given.encode(), key.encode()) for key in keys)


def key_name(given: str | None, keys: dict[str, str]) -> str | None:
    """The name of the key ``given`` ("" when unnamed), None when it is not a key (constant time)."""
    found = None
    for key, name in keys.items():
        if given and hmac.compare_digest(given.encode(), key.encode()):
            found = name
    return found


class BodyLimit:
    """ASGI middleware: a request body larger than the limit is refused with 413 and a JSON detail,
    by its Content-Length before it is read, or as soon as a streamed body passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int, upload_paths: tuple[str, ...]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if scope["path"] in self.upload_paths else self.max_bytes
        length = dict(scope.get("headers") or ()).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, limit)
            return
        seen = 0

        async def limited_receive() -> Message:
            # a body streamed without Content-Length: the route reading it gets a 413
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, too_large(limit))
            return message

        await self.app(scope, limited_receive, send)


def too_large(limit: int) -> str:
    return f"request body larger than {limit} bytes"


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": too_large(limit)}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
