"""The analysts' spreadsheet loop: open hits out to XLSX, decisions back in, all or nothing.

`review export RUN -o review.xlsx` writes one row per open hit of the run: its keys, the customer
and the listed party side by side, the explanation, and empty decision columns with drop-downs
of the allowed verdicts and reason codes. `review import review.xlsx --analyst NAME` validates
every row first (unknown verdicts or reason codes, edited key columns, rows for hits that no
longer exist or were decided or relisted since the export) and records the decisions only when
no row has a problem: a bad file is rejected whole, each problem named by its row number.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import duckdb

from .. import store
from ..audit import chain
from ..report import check_output
from ..writers import atomic_output, neutralise
from .decisions import NOT_LISTED, DecisionError, HitKey, record_decision
from .model import VERDICTS, check_decision, reasons
from .queue import entity_entries, hits_now
from .runs import get_run

SHEET = "review"
ABOUT_SHEET = "about"
KEY_COLUMNS = ("hit_id", "input_id", "entity_id", "listing_fp", "check")
INFO_COLUMNS = ("customer_name", "customer_address", "customer_country", "customer_dob", "customer_type",
                "matched_name", "listed_names", "list_refs", "score", "match_kind", "explanation", "standing")
DECISION_COLUMNS = ("verdict", "reason_code", "comment", "good_guy_until")
COLUMNS = KEY_COLUMNS + INFO_COLUMNS + DECISION_COLUMNS
FP_CHARS = 16            # characters of the listing fingerprint shown in the file
EXPORTED_AT = "exported_at"
MAX_ROWS = 100_000       # rows that carry the drop-downs


class SpreadsheetRejected(ValueError):
    """A filled-in review file with problems: nothing of it was recorded."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{path.name}: rejected, nothing recorded ({len(problems)} problem"
                         f"{'s' if len(problems) != 1 else ''}):\n{listed}")


def row_check(hit_id: int, customer_key: str, entity_id: str, listing_fp: str) -> str:
    """A digest of a row's keys: an edited key cell no longer matches it."""
    return hashlib.sha256(f"{hit_id}|{customer_key}|{entity_id}|{listing_fp}".encode()).hexdigest()[:12]


# ----------------------------------------------------------------------------- export

def export_review(con: duckdb.DuckDBPyConnection, run_id: int, output: str | Path, now: datetime | None = None) -> int:
    """Write the open hits of a run to an XLSX file for analysts; return the rows written."""
    run = get_run(con, run_id)
    check_output(output, "xlsx")
    rows = hits_now(con, run_id, open_only=True, now=now)
    exported = now or chain.utc_now()
    with atomic_output(output) as tmp:
        _write_book(tmp, run, rows, exported, con)
    return len(rows)


def _write_book(path: Path, run: dict, rows: list[dict], exported: datetime, con: duckdb.DuckDBPyConnection) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    decide = book.add_format({"bold": True, "bg_color": "#FFF2CC"})
    sheet = book.add_worksheet(SHEET)
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, decide if name in DECISION_COLUMNS else head)
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(_export_values(row, con)):
            if isinstance(value, str):
                sheet.write_string(n, col, neutralise(value))
            elif value is not None:
                sheet.write(n, col, value)
    first = COLUMNS.index("verdict")
    last_row = max(len(rows), 1) if len(rows) < MAX_ROWS else MAX_ROWS
    sheet.data_validation(1, first, last_row, first, {
        "validate": "list", "source": list(VERDICTS), "error_title": "verdict",
        "error_message": f"One of: {', '.join(VERDICTS)}"})
    reason_col = COLUMNS.index("reason_code")
    sheet.data_validation(1, reason_col, last_row, reason_col, {
        "validate": "list", "source": list(reasons()), "error_title": "reason code",
        "error_message": "One of the codes listed in the about sheet"})
    until = COLUMNS.index("good_guy_until")
    sheet.data_validation(1, until, last_row, until, {
        "validate": "date", "criteria": ">", "value": date(2000, 1, 1), "error_title": "good-guy expiry",
        "error_message": "A date (a good-guy exemption with a false_positive verdict), or empty"})
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
    _about(book, run, exported, len(rows))
    book.close()


def _export_values(row: dict, con: duckdb.DuckDBPyConnection) -> list[Any]:
    listing_fp = row["content_fp_now"][:FP_CHARS]
    names = sorted({e["primary_name"] for e in entity_entries(con, row["entity_id"], row["list_refs"])
                    if e.get("primary_name")})
    return [row["hit_id"], row["input_id"], row["entity_id"], listing_fp,
            row_check(row["hit_id"], row["customer_key"], row["entity_id"], listing_fp),
            row["name"], row["address"], row["country"], row["dob"], row["type"],
            row["matched_name"], "; ".join(names), row["list_refs"], round(float(row["score"]), 6),
            row["match_kind"], row["explanation"], row["note_now"] or "open",
            None, None, None, None]


def _about(book, run: dict, exported: datetime, rows: int) -> None:
    sheet = book.add_worksheet(ABOUT_SHEET)
    facts = [(EXPORTED_AT, exported.isoformat()), ("run_id", str(run["run_id"])),
             ("run_started_at", str(run["started_at"])), ("input_file", run["input_file"] or ""),
             ("open_hits", str(rows)),
             ("how", "Fill verdict, reason_code and comment for the hits you decided (leave verdict empty for "
                     "the others); good_guy_until (a date) makes a false_positive a good-guy exemption until "
                     "then. Do not edit the key columns. Then: screening review import FILE --analyst NAME")]
    for n, (name, value) in enumerate(facts):
        sheet.write_string(n, 0, name)
        sheet.write_string(n, 1, value)
    start = len(facts) + 1
    sheet.write_row(start, 0, ["reason_code", "verdicts", "description"])
    for n, reason in enumerate(reasons().values(), start=start + 1):
        sheet.write_row(n, 0, [reason.code, " ".join(reason.verdicts), reason.description])


# ----------------------------------------------------------------------------- import

@dataclass
class ImportSummary:
    """What an import recorded."""

    file: str
    rows: int                       # data rows read
    decided: int                    # decisions recorded
    skipped: int                    # rows left without a verdict
    decision_ids: list[int] = field(default_factory=list)


@dataclass
class _Pending:
    line: int
    hit: dict
    verdict: str
    reason: str
    comment: str
    until: datetime | None


def import_review(con: duckdb.DuckDBPyConnection, path: str | Path, analyst: str,
                  now: datetime | None = None) -> ImportSummary:
    """Validate every row of a filled-in review file and record its decisions, all or none
    (:class:`SpreadsheetRejected` lists every problem by row number)."""
    path = Path(path)
    if not (analyst or "").strip():
        raise SpreadsheetRejected(path, ["no analyst named (--analyst)"])
    now = now or chain.utc_now()
    header, rows, exported = _read_book(path)
    problems = [f"column {c!r} is missing" for c in COLUMNS if c not in header]
    if problems:
        raise SpreadsheetRejected(path, problems + ["(is this a file written by `screening review export`?)"])
    cells = [dict(zip(header, values)) for values in rows]
    hit_ids = [_int(c.get("hit_id")) for c in cells]
    stored = {h["hit_id"]: h for h in hits_now(con, hit_ids=[i for i in hit_ids if i is not None], now=now)}
    pending, seen, skipped = [], {}, 0
    for line, (row, hit_id) in enumerate(zip(cells, hit_ids), start=2):
        if all(_text(v) == "" for v in row.values()):
            continue
        found, row_problems = _check_row(row, hit_id, stored, exported, seen, line, now)
        problems += [f"row {line}: {p}" for p in row_problems]
        if found is None and not row_problems:
            skipped += 1
        elif found is not None and not row_problems:
            pending.append(found)
    if problems:
        raise SpreadsheetRejected(path, problems)
    return _record(con, path, pending, analyst, now, len(cells), skipped)


def _read_book(path: Path) -> tuple[list[str], list[list], datetime | None]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        if SHEET not in book.sheet_names:
            raise SpreadsheetRejected(path, [f"no sheet named {SHEET!r} (sheets: {', '.join(book.sheet_names)})"])
        data = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
        about = book.get_sheet_by_name(ABOUT_SHEET).to_python() if ABOUT_SHEET in book.sheet_names else []
    except SpreadsheetRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types for bad files
        raise SpreadsheetRejected(path, [f"not a readable XLSX file ({exc})"]) from None
    if not data:
        raise SpreadsheetRejected(path, [f"the sheet {SHEET!r} is empty"])
    header = [_text(v) for v in data[0]]
    exported = None
    for fact in about:
        if fact and _text(fact[0]) == EXPORTED_AT and len(fact) > 1:
            try:
                exported = datetime.fromisoformat(_text(fact[1]))
            except ValueError:
                exported = None
    return header, data[1:], exported


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def _int(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text.isdigit() else None


def _check_row(row: dict, hit_id: int | None, stored: dict[int, dict], exported: datetime | None,
               seen: dict[int, int], line: int, now: datetime) -> tuple[_Pending | None, list[str]]:
    """The decision a row asks for (None: no verdict given) and the row's problems."""
    verdict, reason, comment = (_text(row.get(c)) for c in ("verdict", "reason_code", "comment"))
    until, problems = _date(row.get("good_guy_until"))
    if not verdict:
        if reason or comment or until:
            problems.append("a reason code, comment or expiry but no verdict")
        return None, problems
    if hit_id is None:
        return None, problems + [f"hit_id {_text(row.get('hit_id'))!r} is not a hit number (key column edited)"]
    hit = stored.get(hit_id)
    if hit is None:
        return None, problems + [f"hit {hit_id} does not exist in this store (a row for a hit that no longer exists)"]
    problems += _key_problems(row, hit)
    if not problems:
        problems += _stale_problems(row, hit, exported)
    if hit_id in seen:
        problems.append(f"hit {hit_id} is decided twice (also in row {seen[hit_id]})")
    seen.setdefault(hit_id, line)
    problems += check_decision(verdict, reason, comment, until, now)
    return _Pending(line, hit, verdict, reason, comment, until), problems


def _key_problems(row: dict, hit: dict) -> list[str]:
    """Key cells that differ from what was exported for the hit."""
    problems = []
    for column in ("input_id", "entity_id"):
        given = _text(row.get(column))
        if given != str(hit[column]):
            problems.append(f"{column} edited: {given!r} in the file, {hit[column]!r} for hit {hit['hit_id']} "
                            f"(key columns must stay as exported)")
    listing_fp = _text(row.get("listing_fp"))
    expected = row_check(hit["hit_id"], hit["customer_key"], hit["entity_id"], listing_fp)
    if not problems and _text(row.get("check")) != expected:
        problems.append(f"key columns edited: check {_text(row.get('check'))!r} does not match the row's keys")
    return problems


def _stale_problems(row: dict, hit: dict, exported: datetime | None) -> list[str]:
    """A row whose hit changed since the export: decided by someone else, or its listing changed."""
    problems = []
    if hit["content_fp_now"] == NOT_LISTED:
        problems.append(f"stale: entity {hit['entity_id']} of hit {hit['hit_id']} is no longer listed")
    elif not hit["content_fp_now"].startswith(_text(row.get("listing_fp"))):
        problems.append(f"stale: the listing of entity {hit['entity_id']} changed since this file was exported "
                        f"(export again and review it as it is now)")
    decided = hit.get("decision_id_now")
    if decided and exported is not None and hit.get("verdict"):
        problems += _decided_since(hit, exported)
    return problems


def _decided_since(hit: dict, exported: datetime) -> list[str]:
    when = hit.get("decided_at")
    if when is not None and when > exported:
        return [f"stale: hit {hit['hit_id']} was decided after this file was exported "
                f"(decision {hit['decision_id_now']} by {hit['analyst']})"]
    return []


def _date(value: Any) -> tuple[datetime | None, list[str]]:
    if value in (None, ""):
        return None, []
    if isinstance(value, datetime):
        return value, []
    if isinstance(value, date):
        return datetime.combine(value, time()), []
    text = _text(value)
    try:
        return datetime.combine(date.fromisoformat(text), time()), []
    except ValueError:
        return None, [f"good_guy_until {text!r} is not a date (YYYY-MM-DD)"]


def _record(con: duckdb.DuckDBPyConnection, path: Path, pending: list[_Pending], analyst: str, now: datetime,
            rows: int, skipped: int) -> ImportSummary:
    ids = []
    with store.transaction(con):
        for item in pending:
            hit = item.hit
            key = HitKey(hit["customer_key"], hit["customer_fp"], hit["entity_id"], hit["content_fp_now"])
            try:
                decision = record_decision(con, key, item.verdict, item.reason, item.comment, analyst,
                                           hit_id=hit["hit_id"], good_guy_until=item.until, channel="spreadsheet",
                                           now=now, in_transaction=True)
            except DecisionError as exc:
                raise SpreadsheetRejected(path, [f"row {item.line}: {exc}"]) from None
            ids.append(decision.decision_id)
    return ImportSummary(path.name, rows, len(ids), skipped, ids)
