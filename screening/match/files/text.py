"""Bytes to text and CSV text to columns: the encoding detected (a line with a byte that is not
UTF-8 becomes an error row naming it), binary files refused in one line, the delimiter sniffed,
the header found."""
from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from bisect import bisect_right
from dataclasses import dataclass

from .columns import unique_headers
from .table import InputFileError, Raw, data_rows

_BAD_BYTE = re.compile("[\udc80-\udcff]")       # a byte that is not UTF-8, after surrogateescape
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")  # a character from a valid multi-byte sequence
LINE_END = re.compile(r"\r\n|\r|\n")            # line ends as csv and StringIO(newline="") count them
_UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                 (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SNIFF_BYTES = 65536


@functools.cache
def _signatures() -> list[tuple[bytes, str]]:
    return [(bytes.fromhex(row["signature"]), row["kind"]) for row in data_rows("file_signatures.csv")]


@dataclass
class DecodedText:
    """A text file's content, how it was decoded, and the lines holding bytes that are not UTF-8."""

    text: str
    encoding: str
    bad_lines: dict[int, str]   # 1-based line -> "line N: invalid UTF-8 byte 0xff at column C"


def check_text(data: bytes, name: str, what: str = "CSV") -> None:
    """Refuse a file that is not text at all (a known binary signature or NUL bytes), in one line."""
    if data.startswith(tuple(bom for bom, _ in _UNICODE_BOMS)):
        return
    for magic, kind in _signatures():
        if data.startswith(magic):
            article = "an" if kind[:1].lower() in "aeiou" else "a"
            raise InputFileError(f"{name}: looks like {article} {kind}, not {what} text")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputFileError(f"{name}: looks like a binary file (it holds NUL bytes), not {what} text")


def decode_text(data: bytes, name: str, what: str = "CSV") -> DecodedText:
    """Decode a customer file: UTF-8 unless it has a UTF-16/32 byte-order mark or is plainly cp1252.

    A UTF-8 file with a few bad bytes stays UTF-8: each bad byte becomes U+FFFD and its line is
    reported (the rows on it become error rows). Only a file with no valid multi-byte UTF-8
    sequence at all is taken for cp1252 (latin-1 where cp1252 has no character).
    """
    check_text(data, name, what)
    for bom, encoding in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(encoding), encoding, {})
            except UnicodeDecodeError as exc:
                raise InputFileError(f"{name}: starts with a {encoding} byte-order mark but is not {encoding} "
                                     f"text ({exc.reason} at byte {exc.start})") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", {})
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    if not _MULTIBYTE.search(text):
        high = sum(b >= 0x80 for b in data)
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
        return DecodedText(text, f"{encoding} (not UTF-8: {high} bytes above 0x7f, none in a UTF-8 sequence)", {})
    return DecodedText(_BAD_BYTE.sub("\ufffd", text), "utf-8", _bad_lines(text))


def _bad_lines(text: str) -> dict[int, str]:
    """The first byte that is not UTF-8 on each line, as '<line>: invalid UTF-8 byte 0x.. at column C'."""
    starts = [0] + [m.end() for m in LINE_END.finditer(text)]
    bad: dict[int, str] = {}
    for m in _BAD_BYTE.finditer(text):
        index = bisect_right(starts, m.start()) - 1
        if index + 1 not in bad:
            byte = ord(m.group()) - 0xDC00
            bad[index + 1] = f"line {index + 1}: invalid UTF-8 byte 0x{byte:02x} at column {m.start() - starts[index] + 1}"
    return bad


def parse_csv(text: str, bad_lines: dict[int, str], header_row: int | None) -> tuple[Raw, str]:
    delimiter = _sniff_delimiter(text, header_row)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, skipped, header_line = _find_header(reader, header_row)
    headers, notes = unique_headers(header)
    if skipped:
        notes.append(f"skipped {skipped} rows above the header (row {skipped + 1})")
    notes += [f"{msg} (in the header)" for n, msg in bad_lines.items() if n == header_line]
    columns: dict[str, list[str | None]] = {h: [] for h in headers}
    errors: list[str | None] = []
    width = len(headers)
    last_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row, error = [], f"line {reader.line_num}: {exc}"
        else:
            error = None
        first_line, last_line = last_line + 1, reader.line_num
        if bad_lines:  # a record spans lines first_line..last_line (a quoted field may hold line breaks)
            error = next((bad_lines[n] for n in range(first_line, last_line + 1) if n in bad_lines), error)
        if not row and error is None:
            continue
        if error is None and len(row) != width:
            error = f"line {reader.line_num}: {len(row)} fields, the header has {width}"
        if error:
            row = (row + [None] * width)[:width]
        for h, value in zip(headers, row):
            columns[h].append(value)
        errors.append(error)
    return Raw(headers, columns, errors, notes), delimiter


def _sniff_delimiter(text: str, header_row: int | None) -> str:
    """The delimiter, sniffed from the header row on (title rows above it would mislead the sniffer)."""
    start = 0
    for _ in range((header_row or 1) - 1):
        start = text.find("\n", start) + 1
        if not start:
            break
    try:
        return csv.Sniffer().sniff(text[start:start + _SNIFF_BYTES], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _find_header(reader, header_row: int | None) -> tuple[list[str], int, int]:
    """(header, rows skipped above it, its last line): row ``header_row``, else the first non-blank row."""
    skipped = 0
    try:
        for row in reader:
            if skipped + 1 == header_row or (header_row is None and any(v.strip() for v in row)):
                if not any(v.strip() for v in row):
                    raise InputFileError(f"row {header_row} (--header-row) is empty")
                return row, skipped, reader.line_num
            skipped += 1
    except csv.Error as exc:
        raise InputFileError(f"line {reader.line_num}: {exc}") from None
    if header_row:
        raise InputFileError(f"the file has {skipped} rows, fewer than --header-row {header_row}")
    raise InputFileError("the file is empty (no header row)")
