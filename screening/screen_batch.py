"""Batch screening of a customer file: read, screen every row, write one row per (input row, hit)."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .customer_files import read_customer_file
from .match import Customer, screen_records
from .report import check_output, write_results


@dataclass
class BatchSummary:
    """What a batch screen did."""

    rows: int
    hit_rows: int       # input rows with at least one hit
    hits: int           # (row, entity) hits
    address_hits: int
    errors: int
    output_rows: int
    seconds: float
    notes: list[str]

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (f"{self.rows} rows screened: {self.hit_rows} with hits ({self.hits} hits, {self.address_hits} "
                f"address hits), {self.errors} errors, {self.seconds:.1f} s ({rate:,.0f} rows/s)")


def screen_file(path: str | Path, output: str | Path | None = None, fmt: str = "csv",
                threshold: float | None = None, columns: dict[str, str | None] | None = None,
                db: str | Path | None = None, on_message: Callable[[str], None] | None = None,
                on_progress: Callable[[int], None] | None = None, on_total: Callable[[int], None] | None = None,
                stdout=None, header_row: int | None = None, sheet: str | None = None,
                excel: bool = False) -> BatchSummary:
    """Screen a customer file and write the results (``output`` None: CSV/JSON to stdout).

    ``columns`` names each field's column (name and address may take several); ``header_row``
    and ``sheet`` say where the header is (see ``read_customer_file``); ``excel`` writes CSV
    with a byte-order mark for Excel. The output path is checked before anything is screened.
    """
    start = time.perf_counter()
    check_output(output, fmt, (path,), excel)
    table = read_customer_file(path, columns, header_row=header_row, sheet=sheet)
    for note in table.notes:
        if on_message:
            on_message(note)
    if on_total:
        on_total(len(table))
    cols = table.field_values()
    customers = [Customer(**{key: (values[i] if values else None) for key, values in cols.items()})
                 for i in range(len(table))]
    results = screen_records(customers, db=db, threshold=threshold, read_errors=table.errors,
                             on_progress=on_progress, on_message=on_message)
    written = write_results(results, table.columns, output, fmt, stdout=stdout or sys.stdout, excel=excel)
    hits = [h for r in results for h in r.hits]
    return BatchSummary(rows=len(results), hit_rows=sum(r.status == "hit" for r in results), hits=len(hits),
                        address_hits=sum(h.match_kind == "address" for h in hits),
                        errors=sum(r.status == "error" for r in results), output_rows=written,
                        seconds=time.perf_counter() - start, notes=table.notes)
