"""`screening compare`: two records, or one record and a listed party, scored under the model."""
from __future__ import annotations

import sys

import click

from screening.pairwise import Record, compare, compare_entity
from screening.outcome import INPUT_ERROR

from .groups import db_option, main
from .output import print_json
from .store_access import store_errors, wait_option

NO_HIT, HIT = 0, 1
_TYPES = click.Choice(["person", "organization", "vessel", "aircraft"])


def _say(message: str) -> None:
    click.echo(message, err=True)


@main.command("compare")
@click.argument("names", nargs=-1, required=True)
@click.option("--entity", "entity_id", metavar="ENTITY_ID",
              help="Compare NAME with this listed party (every name of it) instead of a second name.")
@click.option("--type", "entity_type", type=_TYPES, help="Entity type of both records.")
@click.option("--country-a", help="Country of the first record (ISO 3166 code or name).")
@click.option("--country-b", help="Country of the second record.")
@click.option("--dob-a", help="Date of birth of the first record, YYYY or YYYY-MM-DD.")
@click.option("--dob-b", help="Date of birth of the second record.")
@click.option("--id-a", multiple=True, metavar="KIND:VALUE",
              help="An identifier of the first record (repeatable): KIND:VALUE or KIND/COUNTRY:VALUE, "
                   "e.g. imo:9066540, passport/IR:E96048299.")
@click.option("--id-b", multiple=True, metavar="KIND:VALUE", help="An identifier of the second record.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@db_option
@wait_option
@store_errors
def compare_command(names, entity_id, entity_type, country_a, country_b, dob_a, dob_b, id_a, id_b, as_json,
                    db) -> None:
    """Score NAME_A (the customer) against NAME_B (a listed party) under the screening model, or
    NAME against a listed party with --entity: the score, the comparison waterfall, the OFAC
    reference score and the identifiers compared. Nothing is screened against the lists (their
    word frequencies weigh the words, so the store is opened).

    The OFAC reference score is what OFAC's Sanctions List Search would show (name only,
    0-100); it never decides a hit. Identifiers are compared and reported; the score does not
    count them yet.

    \b
    Exit codes:
      0  compared: the score is below the hit threshold
      1  compared: the score would make a hit
      2  usage or input error (wrong number of names, a name without letters, a bad
         date, country or identifier, an unknown --entity)

    \b
    Examples:
      screening compare "Yin Chao" "Yin Zhao" --type person
      screening compare "Rosneft Holding" "Rosneft" --country-a RU --country-b RU --json
      screening compare "CHON MYONG" --entity E13eda2cb1797 --type vessel --id-a imo:8712362
    """
    a = Record(name=names[0], country=country_a, dob=dob_a, ids=list(id_a))
    try:
        if entity_id:
            if len(names) != 1 or country_b or dob_b or id_b:
                raise click.UsageError("--entity takes one NAME and no --country-b, --dob-b or --id-b")
            result = compare_entity(a, entity_id, entity_type=entity_type, db=db, on_message=_say)
        else:
            if len(names) != 2:
                raise click.UsageError(f"expected two names (or one with --entity), got {len(names)}")
            b = Record(name=names[1], country=country_b, dob=dob_b, ids=list(id_b))
            result = compare(a, b, entity_type=entity_type, db=db, on_message=_say)
    except (ValueError, LookupError) as exc:
        _say(f"error: {exc}")
        sys.exit(INPUT_ERROR)
    for entry in result["identifiers"]:
        for problem in entry["problems"]:
            _say(f"warning: {problem}")
    if as_json:
        print_json(result)
    else:
        _print(result)
    sys.exit(HIT if result["hit"] else NO_HIT)


def _print(result: dict) -> None:
    verdict = f"hit ({result['match_kind']})" if result["hit"] else "no hit"
    click.echo(f"score {result['score']:.3f} (threshold {result['threshold']:.3f}): {verdict}")
    click.echo(f"  {result['explanation']['text']}")
    ofac = result["ofac_score"]
    if ofac:
        click.echo(f"  OFAC reference score {ofac['ofac_score']} against {ofac['candidate']!r} (whole string "
                   f"{ofac['whole_string']:.2f}, per word {ofac['per_word']:.2f}; not used for the hit decision)")
    for entry in result["identifiers"]:
        a = ", ".join(i["value"] for i in entry["a"]) or "-"
        b = ", ".join(i["value"] for i in entry["b"]) or "-"
        country = " (same issuing country)" if entry["same_country"] else ""
        click.echo(f"  identifier {entry['kind']}: {entry['outcome'].replace('_', ' ')}{country}: {a} vs {b}")
