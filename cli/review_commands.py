"""`screening review ...` (decisions on hits), `screening audit ...` and `screening report RUN`."""
from __future__ import annotations

import sys
from datetime import datetime

import click

from screening.audit import chain
from screening.review.decisions import DecisionError
from screening.review.html_report import write_report
from screening.review.model import VERDICTS, reasons
from screening.review.queue import decide, hit_detail, hits_now, open_review
from screening.review.runs import RunNotFound, list_runs
from screening.review.spreadsheet import SpreadsheetRejected, export_review, import_review

from .groups import db_option, main
from .output import print_json, print_table
from .store_access import store_errors, wait_option

LIST_COLUMNS = ["hit_id", "run_id", "input_id", "name", "entity_id", "matched_name", "score", "status_now", "note_now"]


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@main.group()
def review() -> None:
    """Analysts' decisions on hits: list, decide, and the spreadsheet loop.

    \b
    A false_positive decision clears the hit in later screenings (status
    'cleared' with the decision's id) until the entity's listing or the
    customer's screened fields change, or a good-guy exemption expires: then
    the hit is raised again with the reason.
    """


@review.command("runs")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@wait_option
@store_errors
def runs_command(as_json, db) -> None:
    """The recorded screening runs."""
    con = open_review(db, read_only=True)
    try:
        found = list_runs(con)
    finally:
        con.close()
    if as_json:
        print_json(found)
    else:
        print_table(found, ["run_id", "kind", "started_at", "run_by", "input_file", "rows", "hits", "cleared"])


@review.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only hits that need an analyst (undecided, unsure, "
                                                        "escalated, or raised again).")
@click.option("--run", "run_id", type=int, help="Only the hits of this run (default: the latest report of "
                                                "each customer and entity).")
@click.option("--limit", type=click.IntRange(1), help="At most this many hits (a page of the queue).")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True,
              help="Skip this many hits first (the pages before).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@wait_option
@store_errors
def list_command(open_only, run_id, limit, offset, as_json, db) -> None:
    """Reported hits as they stand now, with their decision.

    \b
    Examples:
      screening review list --open --limit 50            # the first 50 hits to decide
      screening review list --open --limit 50 --offset 50 --json
    """
    con = open_review(db, read_only=True)
    try:
        found = hits_now(con, run_id, open_only=open_only, limit=limit, offset=offset)
    finally:
        con.close()
    if as_json:
        print_json(found)
    else:
        print_table(found, LIST_COLUMNS)


@review.command("show")
@click.argument("hit_id", metavar="HIT", type=int)
@db_option
@wait_option
@store_errors
def show_command(hit_id, db) -> None:
    """One hit with its listed entity (every entry and its provenance) and its decisions, as JSON."""
    con = open_review(db, read_only=True)
    try:
        print_json(hit_detail(con, hit_id))
    except DecisionError as exc:
        _fail(str(exc))
    finally:
        con.close()


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@review.command("decide")
@click.argument("hit_id", metavar="HIT", type=int)
@click.option("--verdict", required=True, type=click.Choice(VERDICTS), help="The decision.")
@click.option("--comment", required=True, help="Why (kept with the decision).")
@click.option("--reason", "reason_code", default="other", show_default=True,
              help=f"Reason code: {', '.join(reasons())}.")
@click.option("--analyst", help="Who decides (default: env SCREENING_ACTOR, else the user).")
@click.option("--good-guy-until", "good_guy_until", callback=_date, metavar="DATE",
              help="A good-guy exemption (false_positive only): the customer is exempt from this entity until DATE.")
@db_option
@wait_option
@store_errors
def decide_command(hit_id, verdict, comment, reason_code, analyst, good_guy_until, db) -> None:
    """Record a decision on hit HIT (see `screening review list`); it supersedes any earlier one."""
    con = open_review(db)
    try:
        decision = decide(con, hit_id, verdict, comment, chain.audit_actor(analyst), reason_code, good_guy_until)
    except DecisionError as exc:
        _fail(f"hit {hit_id}: {exc}")
    finally:
        con.close()
    replaced = f", superseding decision {decision.supersedes}" if decision.supersedes else ""
    click.echo(f"decision {decision.decision_id}: hit {hit_id} {decision.verdict} by {decision.analyst}{replaced}")


@review.command("export")
@click.argument("run_id", metavar="RUN", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The XLSX file to write.")
@db_option
@wait_option
@store_errors
def export_command(run_id, output, db) -> None:
    """Write the open hits of run RUN to an XLSX file with empty decision columns (drop-downs of the
    allowed verdicts and reason codes)."""
    con = open_review(db, read_only=True)
    try:
        rows = export_review(con, run_id, output)
    except (RunNotFound, ValueError, OSError) as exc:
        _fail(str(exc).strip("'\""))
    finally:
        con.close()
    click.echo(f"{rows} open hits of run {run_id} written to {output}", err=True)


@review.command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, exists=True))
@click.option("--analyst", required=True, help="Who made the decisions in the file.")
@db_option
@wait_option
@store_errors
def import_command(path, analyst, db) -> None:
    """Record the decisions of a filled-in review file: every row is checked first, and a file with
    any problem (unknown verdict, edited key column, a hit that no longer exists or changed since the
    export) is rejected whole, each problem named by its row (exit 2)."""
    con = open_review(db)
    try:
        summary = import_review(con, path, analyst)
    except SpreadsheetRejected as exc:
        _fail(str(exc))
    finally:
        con.close()
    click.echo(f"{summary.file}: {summary.decided} decisions recorded by {analyst}, {summary.skipped} rows "
               f"left undecided", err=True)


@main.group()
def audit() -> None:
    """The audit trail: screening runs, decisions and list changes, hash-chained."""


def _since(ctx, param, value):
    return _date(ctx, param, value)


@audit.command("log")
@click.option("--since", callback=_since, metavar="DATE", help="Events from this date or time on (UTC).")
@click.option("--kind", type=click.Choice(chain.EVENT_KINDS), help="Only events of this kind.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event, one per line.")
@db_option
@wait_option
@store_errors
def log_command(since, kind, as_json, db) -> None:
    """The audit events in order."""
    con = open_review(db, read_only=True)
    try:
        found = chain.events(con, since, kind)
    finally:
        con.close()
    for event in found:
        if as_json:
            click.echo(chain.canonical(event.as_dict()))
        else:
            click.echo(f"{event.seq:>6}  {event.at:%Y-%m-%d %H:%M:%S}  {event.actor:12}  {event.kind:11}  "
                       f"{event.subject}  {_summary(event)}")


def _summary(event: chain.AuditEvent) -> str:
    data = event.data
    if event.kind == "run":
        return f"{data.get('kind')} {data.get('input_file') or ''}: {data.get('rows')} rows, {data.get('hits')} hits"
    if event.kind == "decision":
        return f"hit {data.get('hit_id')} {data.get('entity_id')}: {data.get('verdict')} ({data.get('reason_code')})"
    if event.kind == "list_change":
        return f"{data.get('action')} {data.get('version') or ''} ({data.get('entries')} entries)"
    return chain.canonical(data)[:120]


@audit.command("verify")
@db_option
@wait_option
@store_errors
def verify_command(db) -> None:
    """Check the hash chain: exit 0 when whole, 1 naming each edited or deleted event."""
    con = open_review(db, read_only=True)
    try:
        problems = chain.verify(con)
        count = len(chain.events(con))
    finally:
        con.close()
    if problems:
        for problem in problems:
            click.echo(f"BROKEN {problem}")
        sys.exit(1)
    click.echo(f"audit trail intact: {count} events")


@audit.command("prune")
@click.option("--retention-years", type=click.FloatRange(min=chain.MIN_RETENTION_YEARS),
              default=chain.DEFAULT_RETENTION_YEARS, envvar=chain.RETENTION_ENV, show_default=True,
              help=f"Keep events younger than this, in calendar years (at least {chain.MIN_RETENTION_YEARS:g}, "
                   f"EAR; also ${chain.RETENTION_ENV}).")
@db_option
@wait_option
@store_errors
def prune_command(retention_years, db) -> None:
    """Remove audit events older than the retention period (never a younger one)."""
    con = open_review(db)
    try:
        removed = chain.prune(con, retention_years)
    finally:
        con.close()
    click.echo(f"{removed} events older than {retention_years:g} years removed")


@main.command("report")
@click.argument("run_id", metavar="RUN", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@db_option
@wait_option
@store_errors
def report_command(run_id, output, db) -> None:
    """Write run RUN as one self-contained HTML page: summary and list versions, hits grouped by
    customer with their explanation as a waterfall, decisions, filters by status, score, list and
    match kind. It loads nothing from the network."""
    con = open_review(db, read_only=True)
    try:
        hits = write_report(con, run_id, output)
    except (RunNotFound, ValueError, OSError) as exc:
        _fail(str(exc).strip("'\""))
    finally:
        con.close()
    click.echo(f"run {run_id}: {hits} hits written to {output}", err=True)
