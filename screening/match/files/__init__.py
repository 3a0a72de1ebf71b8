"""Reading customer files (CSV, XLSX, Parquet, JSON lines) and guessing which column holds what.

Nothing is lost silently: a row that cannot be read (a byte that is not UTF-8, the wrong number
of fields, bad JSON) becomes an error row naming its line; a file that is not text at all fails
with a one-line error; the columns used for each field, and the columns ignored, are said in
``CustomerTable.notes``.
"""
from __future__ import annotations

from .columns import guess_mapping, header_hints, norm_header
from .readers import as_arrow, read_customer_file
from .table import CustomerTable, InputFileError
from .text import DecodedText, check_text, decode_text, read_csv_text

__all__ = ["CustomerTable", "DecodedText", "InputFileError", "as_arrow", "check_text", "decode_text",
           "guess_mapping", "header_hints", "norm_header", "read_csv_text", "read_customer_file"]
