"""`screening lists load|stats|issues|show`: the lists store."""
from __future__ import annotations

import sys

import click

from screening.lists import list_issues, list_stats, show_entry
from screening.pipeline import load_store

from .groups import db_option, lists, source_choice
from .output import print_json, print_table
from .store_access import store_errors, wait_option


@lists.command("load")
@db_option
@click.option("--source", "sources", multiple=True, type=source_choice, help="Only this source (repeatable).")
@click.option("--from", "from_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of list files instead of the bundled snapshots.")
@click.option("--force", is_flag=True, help="Reload even when the files are unchanged.")
@click.option("--allow-older", is_flag=True,
              help="Load a snapshot published before the active version (skipped otherwise).")
@click.option("--allow-partial", is_flag=True,
              help="Load a snapshot lacking files the active version has (e.g. OFAC's alt.csv, add.csv).")
@click.option("--no-consolidate", is_flag=True, help="Do not rebuild the consolidated entities afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@wait_option
@store_errors
def lists_load(db, sources, from_dir, force, allow_older, allow_partial, no_consolidate, as_json) -> None:
    """Parse list files into the store (bundled snapshots by default).

    Progress goes to stderr, one line per step; the outcome to stdout. A snapshot older
    than the active version is skipped unless --allow-older; a truncated file fails its
    source (the bundled us_csl copy's one known cut row excepted).

    \b
    Examples:
      screening lists load
      screening lists load --source us_ofac_sdn --from ./downloads/sdn/
    """
    run = load_store(db, sources or None, from_dir, force=force, consolidate=not no_consolidate,
                     allow_older=allow_older, allow_partial=allow_partial,
                     on_progress=lambda line: click.echo(line, err=True))
    if as_json:
        print_json([o.as_dict() for o in run.sources])
    else:
        for o in run.sources:
            _echo_load(o)
    if run.consolidation:
        c = run.consolidation
        click.echo(f"consolidated: {c.entries} entries -> {c.entities} entities (largest {c.largest_entity} "
                   f"entries) in {c.seconds} s; match index: {c.index_names} names of {c.index_entities} "
                   f"entities, built in {c.index_seconds} s", err=as_json)
    sys.exit(1 if any(o.status == "failed" for o in run.sources) else 0)


def _echo_load(o) -> None:
    if o.status == "failed":
        click.echo(f"FAILED {o.error}", err=True)
    elif o.status == "loaded":
        click.echo(f"{o.source}: loaded version {o.version}: {o.entries} entries, "
                   f"{o.rejected} rejected records, {o.issues} parse issues")
        for note in o.notes:
            if note.startswith(("replaces", "partial")):
                click.echo(f"  note: {note}")
    else:
        click.echo(f"{o.source}: {o.status}" + (f" ({o.error})" if o.error else ""))


@lists.command("stats")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@wait_option
@store_errors
def lists_stats(db, as_json) -> None:
    """Per source: version, entries by type, names, addresses, identifiers, parse issues.

    \b
    Example:
      screening lists stats --json | jq '.[] | {source, entries}'
    """
    stats = list_stats(db)
    if as_json:
        print_json(stats)
        return
    for row in stats:
        row["by_type"] = ", ".join(f"{k}:{v}" for k, v in row["entries_by_type"].items())
    print_table(stats, ["source", "version", "records_read", "entries", "rejected", "by_type", "names",
                        "addresses", "identifiers", "parse_issues"])


@lists.command("issues")
@db_option
@click.option("--source", "sources", multiple=True, type=source_choice, help="Only this source (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@wait_option
@store_errors
def lists_issues(db, sources, as_json) -> None:
    """Malformed rows and fields met while parsing the active versions.

    \b
    Example:
      screening lists issues --source us_csl
    """
    issues = list_issues(db, list(sources))
    if as_json:
        print_json(issues)
        return
    for i in issues:
        action = "REJECTED" if i["rejected"] else "kept"
        where = f"{i['file']}:{i['line']}" if i["line"] else i["file"]
        field = f" [{i['field']}]" if i["field"] else ""
        value = f" value={i['value']!r}" if i["value"] else ""
        click.echo(f"{i['source']} {where}{field}: {i['problem']}{value} ({action})")


@lists.command("show")
@click.argument("source", type=source_choice)
@click.argument("source_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@wait_option
@store_errors
def lists_show(source, source_id, db, as_json) -> None:
    """Show one list entry with its names, addresses, identifiers and provenance.

    \b
    Example:
      screening lists show un_sc QDi.001 --json
    """
    entry = show_entry(source, source_id, db)
    if entry is None:
        click.echo(f"no entry {source}:{source_id} in the active version", err=True)
        sys.exit(2)
    if as_json:
        print_json(entry)
        return
    click.echo(f"{entry['source']}:{entry['source_id']}  {entry['primary_name']}  ({entry['entity_type']})")
    click.echo(f"  version {entry['version']}, {entry['file']} at {entry['location']}")
    if entry["programs"]:
        click.echo(f"  programs: {', '.join(entry['programs'])}")
    for n in entry["names"] or []:
        click.echo(f"  name [{n['kind']}] {n['name']}")
    for a in entry["addresses"] or []:
        text = a["full"] or ", ".join(x for x in (a["street"], a["city"], a["region"], a["postcode"]) if x)
        click.echo(f"  address {text} [{a['country_code'] or a['country'] or '?'}]")
    for i in entry["identifiers"] or []:
        click.echo(f"  id [{i['type']}] {i['value']}" + (f" ({i['country_code']})" if i["country_code"] else ""))
    for b in entry["birth_dates"] or []:
        click.echo(f"  born {b['text']} ({b['precision']})")
    if entry["remarks"]:
        click.echo(f"  remarks: {entry['remarks']}")

