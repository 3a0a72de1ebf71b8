"""Checks every parser makes before reading a file: present, not empty, not an HTML error page."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .model import SourceFormatError

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


def read_checked_bytes(path: Path) -> bytes:
    """Return a file's bytes, refusing a missing, empty or HTML file with a one-line error."""
    if not path.is_file():
        raise SourceFormatError(f"{path.name}: file is missing")
    data = path.read_bytes()
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise SourceFormatError(f"{path.name}: file is empty")
    if head.startswith(_HTML_STARTS):
        raise SourceFormatError(f"{path.name}: is an HTML page, not the list file (an error page saved in its place?)")
    return data


def first_present(snapshot: Path, names: tuple[str, ...]) -> Path:
    """The first of a file's known names present in the folder; the first name when none is,
    so that reading it fails with a message naming the file expected."""
    return next((snapshot / n for n in names if (snapshot / n).is_file()), snapshot / names[0])


def decode_text(path: Path, data: bytes, encoding: str) -> str:
    """Decode a whole file; a file that is not in the publisher's encoding is refused."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFormatError(
            f"{path.name}: not {encoding} text (byte 0x{data[exc.start]:02x} at line {line}); wrong encoding?"
        ) from exc


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
