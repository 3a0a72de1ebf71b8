"""Reading customer files (CSV, XLSX, Parquet, JSON lines) and guessing which column holds what.

Nothing is lost silently: a row that cannot be read (a byte that is not UTF-8, the wrong number
of fields, bad JSON) becomes an error row naming its line; a file that is not text at all fails
with a one-line error; the columns used for each field, and the columns ignored, are said in
``CustomerTable.notes``.
"""
from __future__ import annotations

from .readers import read_customer_file
from .table import CustomerTable, InputFileError

__all__ = ["CustomerTable", "InputFileError", "read_customer_file"]
