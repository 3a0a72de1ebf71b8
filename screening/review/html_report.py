"""`screening report RUN -o report.html`: a run's summary and hits as one self-contained HTML page.

The page (``data/report_template.html``) holds its data as JSON and draws it with inline script
and style: the run (who, when, input and its sha256, row and hit counts, thresholds, model, the
list versions screened), the hits grouped by customer with each explanation drawn as a waterfall
of match weights, the decisions as they stand, and filters by status, score, list and match kind.
It loads nothing from the network (its Content-Security-Policy forbids it).
"""
from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

import duckdb

from ..audit import chain
from ..report import check_output
from ..writers import atomic_output
from .queue import hits_now
from .runs import get_run

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "report_template.html"
MATCH_KINDS = ("name", "address", "name+address")  # the filter offers each, found in the run or not
HIT_FIELDS = ("hit_id", "input_row", "input_id", "name", "address", "country", "dob", "type", "entity_id", "score",
              "list_refs", "matched_name", "match_kind", "explanation", "waterfall", "status", "status_now",
              "decision_id_now", "note_now", "open", "verdict", "analyst", "comment")


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element (no closing tag, no comment opener can appear)."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_report(con: duckdb.DuckDBPyConnection, run_id: int, now: datetime | None = None) -> tuple[str, int]:
    """The HTML page of a run, and the number of hits on it."""
    run = get_run(con, run_id)
    now = now or chain.utc_now()
    hits = [{f: row.get(f) for f in HIT_FIELDS} for row in hits_now(con, run_id, now=now)]
    data = {"run": run, "hits": hits, "generated_at": now.isoformat(timespec="seconds"), "kinds": list(MATCH_KINDS)}
    title = html.escape(f"Screening run {run_id}: {run.get('input_file') or run['kind']}")
    page = TEMPLATE.read_text(encoding="utf-8")
    return page.replace("__TITLE__", title, 1).replace("__DATA__", _script_json(data), 1), len(hits)


def write_report(con: duckdb.DuckDBPyConnection, run_id: int, output: str | Path, now: datetime | None = None) -> int:
    """Write the page of a run to ``output``; return the number of hits in it."""
    check_output(output, "csv")  # the folder exists and is writable (the format is not checked here)
    text, hits = render_report(con, run_id, now)
    with atomic_output(output) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return hits
