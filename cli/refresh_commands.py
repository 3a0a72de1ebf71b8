"""`screening lists refresh|versions|rollback|diff`, `screening customers add`, `screening rescreen`."""
from __future__ import annotations

import sys

import click
import duckdb

from screening import writers
from screening.match.files import InputFileError
from screening.diff import diff_lists
from screening.fetch import DEFAULT_MAX_BYTES, DEFAULT_RETRIES, FetchOptions
from screening.pipeline import refresh_lists, rollback
from screening.refresh import DEFAULT_KEEP, DEFAULT_MAX_SHRINK, GatePolicy, RefreshLocked
from screening.report import check_output
from screening.rescreen import register_customers, rescreen, write_rescreen
from screening.versions import VersionNotFound, list_versions

from .groups import customer_column_options, customers, db_option, lists, main, source_choice
from .output import is_tty, print_json, print_table
from .store_access import store_errors, wait_option


@lists.command("refresh")
@db_option
@click.option("--source", "sources", multiple=True, type=source_choice, help="Only this source (repeatable).")
@click.option("--all", "all_sources", is_flag=True,
              help="Every source in the store (the bundled set when the store is empty); the default.")
@click.option("--from", "origin", metavar="URL_OR_PATH",
              help="A mirror base URL, or a local file or folder, instead of the official URLs.")
@click.option("--allow-shrink", is_flag=True, help="Accept a version with far fewer entries than the active one.")
@click.option("--allow-older", is_flag=True, help="Accept a version published before the active one.")
@click.option("--allow-partial", is_flag=True,
              help="Accept a version lacking files the active one has (e.g. OFAC's sdn.csv without alt.csv).")
@click.option("--max-shrink", type=click.FloatRange(0, 1), default=DEFAULT_MAX_SHRINK, show_default=True,
              help="Largest accepted drop in entries, as a share of the active version's.")
@click.option("--keep", type=click.IntRange(1), default=DEFAULT_KEEP, show_default=True,
              help="Versions kept per source for diff and rollback.")
@click.option("--timeout", type=click.FloatRange(0.1), default=60.0, show_default=True,
              help="Seconds to wait for the server (connect, and between bytes).")
@click.option("--retries", type=click.IntRange(0), default=DEFAULT_RETRIES, show_default=True,
              help="Retries of a transient fault (timeout, HTTP 5xx, body cut short), with backoff.")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Largest accepted file.")
@click.option("--no-consolidate", is_flag=True, help="Do not rebuild the consolidated entities afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (for cron and scripts).")
@wait_option
@store_errors
def lists_refresh(db, sources, all_sources, origin, allow_shrink, allow_older, allow_partial, max_shrink, keep,
                  timeout, retries, max_bytes, no_consolidate, as_json) -> None:
    """Download new list versions, check them, and switch to them atomically.

    A version that fails to download or parse, has a file cut short, lacks a file the
    active one has, shrinks by more than --max-shrink, or is older than the active one is
    refused and the last good version stays active. The publication date is the file's
    own, else its file time (a download's Last-Modified); never a folder's name.

    \b
    Exit codes: 0 every source updated or unchanged, 1 a source failed (it kept its
    last good version) or another refresh is running, 2 usage error.
    \b
    Examples:
      screening lists refresh --all --json            # from cron
      screening lists refresh --source un_sc --from ./downloads/consolidated.xml
    """
    if all_sources and sources:
        raise click.UsageError("give --all or --source, not both")

    def progress(name: str) -> None:
        if is_tty() and not as_json:
            click.echo(f"refreshing {name} ...", err=True)

    options = FetchOptions(timeout=(min(timeout, 30.0), timeout), retries=retries, max_bytes=max_bytes)
    policy = GatePolicy(max_shrink=max_shrink, allow_shrink=allow_shrink, allow_older=allow_older,
                        allow_partial=allow_partial)
    try:
        outcome = refresh_lists(db, list(sources) or None, origin, policy, options, keep, on_source=progress,
                                consolidate=not no_consolidate)
    except RefreshLocked as exc:
        if as_json:
            print_json({"status": "locked", "error": str(exc)})
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        print_json([o.as_dict() for o in outcome])
    else:
        for o in outcome:
            _echo_outcome(o)
    sys.exit(1 if any(o.status == "failed" for o in outcome) else 0)


def _echo_outcome(o) -> None:
    if o.status == "failed":
        kept = f"; kept version {o.previous_version}" if o.previous_version else ""
        click.echo(f"FAILED {o.source}: {o.error}{kept}", err=True)
    elif o.status == "updated":
        was = f" (was {o.previous_version}, {o.previous_entries} entries)" if o.previous_version else ""
        click.echo(f"{o.source}: updated to {o.version}, {o.entries} entries{was}")
    else:
        click.echo(f"{o.source}: unchanged")
    for note in o.notes:
        click.echo(f"  note: {note}")


@lists.command("versions")
@click.argument("source", type=source_choice)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@wait_option
@store_errors
def lists_versions(source, db, as_json) -> None:
    """Kept versions of a source, newest first, with sha256, URL and dates.

    \b
    Example:
      screening lists versions us_ofac_sdn
    """
    try:
        rows = list_versions(db, source)
    except duckdb.Error as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(f"no versions of {source} in the store", err=True)
        return
    for r in rows:
        r["sha256"] = r["sha256"][:12]
        r["notes"] = "; ".join(r["notes"] or [])
    print_table(rows, ["version_id", "version", "status", "published", "entries", "fetched_at", "sha256",
                       "url", "notes"])


@lists.command("rollback")
@click.argument("source", type=source_choice)
@db_option
@click.option("--to", "to", metavar="V", help="Version id or label (default: the one before the active version).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@wait_option
@store_errors
def lists_rollback(source, db, to, as_json) -> None:
    """Make an earlier kept version of a source active again.

    \b
    Examples:
      screening lists rollback us_ofac_sdn
      screening lists rollback us_ofac_sdn --to 2024-05-02
    """
    try:
        result = rollback(db, source, to)
    except VersionNotFound as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except (RefreshLocked, duckdb.Error) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        print_json(result)
    elif result["status"] == "unchanged":
        click.echo(f"{source}: version {result['version']} is already active")
    else:
        click.echo(f"{source}: active version is now {result['version']} (id {result['version_id']}), "
                   f"was {result['previous_version']}")


@lists.command("diff")
@click.argument("source", type=source_choice)
@db_option
@click.option("--from", "from_ref", metavar="V", help="Older version id or label (default: the one before --to).")
@click.option("--to", "to_ref", metavar="V", help="Newer version id or label (default: the active one).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@wait_option
@store_errors
def lists_diff(source, db, from_ref, to_ref, as_json) -> None:
    """Entries added, removed and changed (with the fields that changed) between two versions.

    \b
    Examples:
      screening lists diff us_ofac_sdn
      screening lists diff us_ofac_sdn --from 2024-04-26 --to 2024-05-03 --json
    """
    try:
        result = diff_lists(db, source, from_ref, to_ref)
    except VersionNotFound as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except duckdb.Error as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        print_json(result)
        return
    c = result["counts"]
    click.echo(f"{source}: {result['from']['version']} (id {result['from']['version_id']}) -> "
               f"{result['to']['version']} (id {result['to']['version_id']}): "
               f"{c['added']} added, {c['removed']} removed, {c['changed']} changed")
    for change, mark in (("added", "+"), ("removed", "-"), ("changed", "~")):
        for row in result[change]:
            fields = f"  [{', '.join(row['fields'])}]" if row.get("fields") else ""
            click.echo(f"{mark} {row['source_id']}  {row['primary_name']}  ({row['entity_type']}){fields}")


@customers.command("add")
@click.argument("input_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--name", help="Name of the registration (default: the file name without extension).")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Match probability for a hit (default: the model's).")
@customer_column_options
@db_option
@wait_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def customers_add(input_file, name, threshold, columns, header_row, sheet, db, as_json) -> None:
    """Register a customer file: screen it in full now, and re-screen it after each refresh.

    Registering again under the same name replaces the registration.

    \b
    Example:
      screening customers add clients.xlsx --name clients --name-column "Legal name"
      screening lists refresh --all && screening rescreen -o changes.csv
    """
    try:
        summary = register_customers(input_file, name, columns, db=db, threshold=threshold,
                                     on_message=lambda m: click.echo(m, err=True), header_row=header_row, sheet=sheet)
    except (InputFileError, ValueError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        print_json(summary.as_dict())
        return
    click.echo(f"registered {summary.name}: {summary.rows} rows, {summary.hit_rows} with hits "
               f"({summary.hits} hits), {summary.errors} rows in error")


@main.command("rescreen")
@db_option
@wait_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
@click.option("--format", "fmt", type=click.Choice(writers.choices("changes")),
              help="csv, or json (one object a line); default from -o's extension, else csv.")
@click.option("--name", "names", multiple=True, help="Only this registered file (repeatable).")
def rescreen_command(db, output, fmt, names) -> None:
    """Re-screen registered customers against only what changed in the lists since their last screening.

    Writes one row per hit that is new, changed (another matched name, kind, list references or
    a score that moved) or delisted (the listed entry is gone or no longer matches): the columns
    of `screening screen` plus `change` and `customer_file`. Each file is screened at the
    threshold it was registered with.

    \b
    Exit codes:
      0  nothing new or changed
      1  new or changed hits
      2  usage or input error
      3  some registered rows not screened (in error when registered, or now);
         register the corrected file again (3 outranks 1)

    \b
    Example:
      screening lists refresh --all && screening rescreen -o changes.csv
    """
    if fmt is None:
        fmt = "json" if output and output.lower().endswith((".json", ".jsonl")) else "csv"
    try:
        check_output(output, fmt)  # before the baseline moves on: its changes are reported once
        result = rescreen(db, names, on_message=lambda m: click.echo(m, err=True))
        write_rescreen(result, output, fmt)
    except (ValueError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for f in result.files:
        click.echo(f"{f['name']}: {f['changed_entities']} new or changed entities, {f['gone_entities']} gone, "
                   f"{f['customers_screened']} customers "
                   f"re-screened: {f['new']} new, {f['changed']} changed, {f['delisted']} delisted hits"
                   + (f"; {f['not_screened']} rows NOT screened (status=error)" if f["not_screened"] else ""),
                   err=True)
    sys.exit(result.exit_code)
