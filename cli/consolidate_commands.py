"""`screening lists consolidate|export` and `screening entity show`."""
from __future__ import annotations

import sys

import click

from screening.consolidate import show_entity
from screening.export import FORMATS, export_entities
from screening.pipeline import consolidate_store

from .groups import db_option, entity, lists
from .output import print_json
from .store_access import store_errors, wait_option


@lists.command("consolidate")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@wait_option
@store_errors
def lists_consolidate(db, as_json) -> None:
    """Rebuild the entities: one record per real-world party across all lists; then the match index.

    \b
    Also run by `screening lists load` (unless --no-consolidate).
    Example:
      screening lists consolidate --json
    """
    result = consolidate_store(db, on_progress=lambda line: click.echo(line, err=True))
    report = result.report
    if as_json:
        print_json({**report, "match_index": {"names": result.index_names, "entities": result.index_entities,
                                              "seconds": result.index_seconds}})
        return
    links = ", ".join(f"{k} {v}" for k, v in report["merges_used"].items())
    click.echo(f"{result.entries} entries -> {result.entities} entities (largest {result.largest_entity}) "
               f"in {result.seconds} s; merges: {links or 'none'}")
    if report["merges_refused"]:
        click.echo("refused merges: " + ", ".join(f"{k} {v}" for k, v in report["merges_refused"].items()))
    click.echo(f"match index: {result.index_names} names of {result.index_entities} entities, "
               f"built in {result.index_seconds} s")


@lists.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write.")
@click.option("--members-only", is_flag=True, help="Only entity_id,source,source_id rows.")
@wait_option
@store_errors
def lists_export(db, fmt, path, members_only) -> None:
    """Write the consolidated list: entities with names, addresses, identifiers and member refs.

    \b
    Examples:
      screening lists export --format csv -o entities.csv
      screening lists export --members-only -o members.csv
    """
    try:
        rows = export_entities(path, fmt, db, members_only=members_only)
    except (LookupError, FileNotFoundError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"wrote {rows} rows to {path}", err=True)


@entity.command("show")
@click.argument("entity_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@wait_option
@store_errors
def entity_show(entity_id, db, as_json) -> None:
    """Show one entity: its members and why each was merged.

    \b
    Example:
      screening entity show E1a2b3c4d5e6f --json
    """
    found = show_entity(entity_id, db)
    if found is None:
        click.echo(f"no entity {entity_id}", err=True)
        sys.exit(2)
    if as_json:
        print_json(found)
        return
    click.echo(f"{found['entity_id']}  {found['canonical_name']}  ({found['entity_type']}, "
               f"{found['member_count']} members, countries {', '.join(found['countries']) or '-'})")
    for m in found["members"]:
        click.echo(f"  {m['ref']}  {m['primary_name']}  [{_why(m)}]")


def _why(member: dict) -> str:
    if member["canonical"]:
        return "canonical member"
    if member["rule"] != "splink":
        return f"{member['rule']} {member['evidence'] or ''} with {member['linked_to']}".replace("  ", " ")
    levels = "; ".join(f"{k}: {v['level']}" for k, v in (member["evidence"] or {}).items()
                       if v["weight"] != 0)
    return f"splink p={member['match_probability']:.3f} with {member['linked_to']}: {levels}"
