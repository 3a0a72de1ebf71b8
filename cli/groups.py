"""Click groups and options shared by every command module."""
from __future__ import annotations

import click

from screening.sources import SOURCE_NAMES

db_option = click.option("--db", type=click.Path(dir_okay=False), envvar="SCREENING_DB",
                         help="DuckDB store (default: per-user data dir; env SCREENING_DB).")
source_choice = click.Choice(SOURCE_NAMES)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="screening")
def main() -> None:
    """Screen customers against consolidated sanctions and restricted-party lists.

    \b
    Quick start:
      screening lists load                 # bundled lists into the store
      screening check "Fastech Electronic Company Limited" --country HK
      screening screen customers.csv -o hits.csv

    Exit codes: 0 success / no hit, 1 hits found (or a source failed), 2 usage or input error.
    """


@main.group()
def lists() -> None:
    """Load, inspect, consolidate and refresh the restricted-party lists."""


@main.group()
def entity() -> None:
    """Consolidated entities: one record per real-world party."""


@main.group()
def customers() -> None:
    """Registered customer files, re-screened after each list refresh."""
