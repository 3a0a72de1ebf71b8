"""`screening lists consolidate|export` and `screening entity show`."""
from __future__ import annotations

import sys

import click

from screening.consolidate import consolidate_entities, show_entity
from screening.export import FORMATS, export_entities

from .groups import db_option, entity, lists
from .output import print_json


@lists.command("consolidate")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
def lists_consolidate(db, as_json) -> None:
    """Rebuild the entities: one record per real-world party across all lists.

    \b
    Also run by `screening lists load` (unless --no-consolidate).
    Example:
      screening lists consolidate --json
    """
    report = consolidate_entities(db)
    if as_json:
        print_json(report.as_dict())
        return
    links = ", ".join(f"{k} {v}" for k, v in report.merges_used.items())
    click.echo(f"{report.entries} entries -> {report.entities} entities (largest {report.largest_entity}) "
               f"in {report.seconds.get('total', 0)} s; merges: {links or 'none'}")
    if report.merges_refused:
        click.echo("refused merges: " + ", ".join(f"{k} {v}" for k, v in report.merges_refused.items()))


@lists.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write.")
@click.option("--members-only", is_flag=True, help="Only entity_id,source,source_id rows.")
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
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"wrote {rows} rows to {path}", err=True)


@entity.command("show")
@click.argument("entity_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
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
