"""Click groups and options shared by every command module."""
from __future__ import annotations

import functools
import sys
import traceback

import click

from screening.outcome import FAILED, INTERRUPTED
from screening.sources import SOURCE_NAMES

db_option = click.option("--db", type=click.Path(dir_okay=False), envvar="SCREENING_DB",
                         help="DuckDB store (default: per-user data dir; env SCREENING_DB).")
source_choice = click.Choice(SOURCE_NAMES)


class _CommandLine(click.Group):
    """The top group: an unexpected error ends the command with :data:`FAILED`, its traceback
    on stderr, and Ctrl-C with :data:`INTERRUPTED`, so that a shell never reads a crash or an
    interrupted run as Python's (click's) exit code 1, "hits"."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit):
            raise
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.echo(f"interrupted: the command did not finish, nothing to conclude (exit {INTERRUPTED})", err=True)
            sys.exit(INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - the last resort: said, then a distinct exit code
            traceback.print_exc()
            click.echo(f"error: stopped on an unexpected error, nothing to conclude and no output "
                       f"replaced (exit {FAILED}): {type(exc).__name__}: {exc}", err=True)
            sys.exit(FAILED)


@click.group(cls=_CommandLine, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="screening")
def main() -> None:
    """Screen customers against consolidated sanctions and restricted-party lists.

    \b
    Quick start:
      screening lists load                 # bundled lists into the store
      screening check "Channel Rich Electronics Co Ltd" --country HK
      screening check "Harbour Bright Trading Limited" --address "Unit D7, 3/F, Block D, Mai Shun Industrial Building, 18-24 Kwai Cheong Road, Kwai Chung, Hong Kong"
      screening screen customers.csv -o hits.csv

    \b
    Exit codes of screen, check and rescreen:
      0    clean: every row screened, no hit
      1    hits (rescreen: new or changed hits), every row screened
      2    usage or input error: nothing screened
      3    incomplete: some rows not screened (status=error); 3 outranks 1
      4    failed: stopped on an unexpected error (any command); nothing to conclude
      130  interrupted (Ctrl-C; any command): nothing to conclude
    lists refresh: 0 updated or unchanged, 1 a source failed, 2 usage error.
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


# The column options of every command that reads a customer file (screen, customers add).
CUSTOMER_COLUMNS = (
    ("id", "Column holding the customer id (default: guessed; else the row number)."),
    ("name", "Column holding the name (default: guessed, joining first, middle and last name columns). "
             "Repeat it or separate with commas to join several columns, in that order: "
             "--name-column first_name,last_name."),
    ("address", "Column holding the address (several: repeat it or separate with commas, joined in that order)."),
    ("country", "Column holding the country (code or name)."),
    ("dob", "Column holding the date of birth (YYYY or YYYY-MM-DD)."),
    ("type", "Column holding the entity type (person/organization/vessel)."),
)


def customer_column_options(func):
    """Add ``--id-column`` .. ``--type-column`` (passed to the command as one ``columns`` dict of
    column lists), ``--header-row`` and ``--sheet``."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        kwargs["columns"] = {key: kwargs.pop(f"{key}_column") for key, _ in CUSTOMER_COLUMNS}
        return func(*args, **kwargs)

    wrapper = click.option("--sheet", metavar="NAME_OR_INDEX",
                           help="XLSX: the sheet to read, by name or 1-based number (default: the first).")(wrapper)
    wrapper = click.option("--header-row", type=click.IntRange(1), metavar="N",
                           help="Row holding the column headers, 1-based; rows above it are skipped "
                                "(default: the first non-empty row).")(wrapper)
    for key, text in reversed(CUSTOMER_COLUMNS):
        # every column option is repeatable: a second --country-column is refused, not silently kept
        wrapper = click.option(f"--{key}-column", f"{key}_column", multiple=True, metavar="COLUMN",
                               help=text)(wrapper)
    return wrapper
