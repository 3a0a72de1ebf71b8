"""`screening screen` (a customer file) and `screening check` (one name)."""
from __future__ import annotations

import sys

import click

from screening.match.files import InputFileError
from screening.match import check, screening_context
from screening.audit.chain import utc_now
from screening.outcome import INPUT_ERROR, check_exit_code
from screening.review.model import STATUS_CLEARED
from screening.review.recording import review_check
from screening.report import FORMATS
from screening.match.batch import screen_file
from screening.match.selection import parse_source_threshold, parse_sources
from screening.sources import SOURCE_NAMES

from .groups import customer_column_options, db_option, main
from .output import is_tty, print_json
from .store_access import wait_option


ENGINES = ("duckdb", "spark")  # the first is the default


def _say(message: str) -> None:
    click.echo(message, err=True)


def _parsed(parse):
    """A click callback from a library parser: its ValueError becomes a usage error (exit 2)."""
    def callback(ctx, param, value):
        try:
            return parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return callback


def _source_thresholds(values: tuple[str, ...]) -> tuple[str, ...]:
    """The ``SOURCE=T`` values as given, each checked (the library refuses one source given twice)."""
    for value in values:
        parse_source_threshold(value)
    return values


def selection_options(func):
    """``--lists``, ``--exclude-lists`` and ``--source-threshold`` (the lists and thresholds of
    one run, :mod:`screening.match.selection`), passed on as ``lists``, ``exclude_lists`` and
    ``source_thresholds``."""
    known = ", ".join(SOURCE_NAMES)
    wrapper = click.option(
        "--source-threshold", "source_thresholds", multiple=True, metavar="SOURCE=T",
        callback=_parsed(_source_thresholds),
        help="Match probability for a hit on one source's entries, over --threshold and the "
             "configured ones (repeatable): --source-threshold us_csl=0.8.")(func)
    wrapper = click.option(
        "--exclude-lists", metavar="SOURCE,...", callback=_parsed(parse_sources),
        help="Leave these sources out: a party listed only on them is not reported, and list_refs "
             "do not cite their entries (applies after --lists).")(wrapper)
    wrapper = click.option(
        "--lists", metavar="SOURCE,...", callback=_parsed(parse_sources),
        help=f"Screen against these sources only: a party is reported when one of its entries is on "
             f"them, and list_refs cite only those entries. Sources: {known}.")(wrapper)
    return wrapper


@main.command("screen")
@click.argument("input_file", metavar="INPUT", type=click.Path())
@click.option("-o", "--output", type=click.Path(),
              help="Output file (default: stdout, csv/json only; --engine spark: a file, or a folder "
                   "for Parquet parts).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: from -o's extension, else csv).")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Match probability for a hit (default: the model's).")
@click.option("--excel", is_flag=True,
              help="Write CSV as UTF-8 with a byte-order mark, so that Excel shows non-Latin names "
                   "(or write XLSX: -o hits.xlsx).")
@click.option("--identifier-column", "identifier_columns", multiple=True, metavar="COL[=KIND]",
              help="A column of customer identifiers (repeatable), its kind named or guessed from the "
                   "header: --identifier-column IMO --identifier-column 'Doc no=passport'. Without it, "
                   "columns whose header names a kind (passport, IMO, LEI, VAT, ...) are used.")
@click.option("--engine", type=click.Choice(ENGINES), default=ENGINES[0], show_default=True,
              help="duckdb: this machine; spark: Spark tasks (pip install 'screening[spark]'), same output.")
@click.option("--spark-master", metavar="URL",
              help="With --engine spark: the Spark master (default: spark-submit's, else local[*]).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the run's summary as JSON on stdout (needs -o): rows, hits, rows in error, "
                   "the run id, the output and its context file, the exit code.")
@selection_options
@customer_column_options
@db_option
@wait_option
def screen(input_file, output, fmt, threshold, excel, identifier_columns, engine, spark_master, as_json, lists,
           exclude_lists, source_thresholds, columns, header_row, sheet, db) -> None:
    """Screen a customer file (CSV, XLSX, Parquet, JSON lines; or a folder of Parquet parts) against the lists.

    Writes one row per (input row, hit) with input_id, input_row (1-based row in the input),
    status (hit | no_hit | error), entity_id, score, list_refs, matched_name, match_kind
    (name | address | name+address | identifier), explanation, decision_id, decision_note,
    ofac_score (OFAC's reference score of the name, 0-100, never deciding a hit), and the
    input's own columns. A customer identifier (--identifier-column, or a column whose header
    names a kind) equal to a listed one of the same kind is a hit even when the names differ. For Excel, write
    XLSX (-o hits.xlsx) or CSV with --excel. With -o, the thresholds, lists and list versions
    used are written beside the output in OUTPUT.context.json.

    --lists and --exclude-lists choose the sources: a consolidated party is reported when one of
    its entries is on a chosen source (all its names and addresses are compared), and list_refs
    cite only the entries on chosen sources. Thresholds, first found: --source-threshold for the
    source, --threshold, the configured per-source one, the configured default; a party on
    several chosen sources takes the lowest of theirs.

    \b
    Exit codes:
      0    clean: every row screened, no hit
      1    hits: every row screened, some hit
      2    usage or input error: nothing screened, no output
      3    incomplete: some rows not screened (status=error); the output still
           holds every hit of the other rows (3 outranks 1)
      4    failed: stopped on an unexpected error; nothing to conclude
      130  interrupted (Ctrl-C): nothing to conclude

    \b
    Examples:
      screening screen customers.csv -o hits.csv
      screening screen clients.xlsx -o hits.xlsx --name-column "Legal name" --threshold 0.8
      screening screen kunden.csv -o hits.csv --excel --header-row 3 --name-column Vorname,Name
      screening screen customers.csv -o hits.csv --lists us_ofac_sdn,un_sc
      screening screen customers.csv -o hits.csv --exclude-lists ca_sema --source-threshold us_csl=0.8
      screening screen customers.csv -o hits.csv --json | jq .run_id
      screening screen customers/ -o hits.csv --engine spark --spark-master spark://host:7077

    A folder of Parquet parts is read as one file, the parts in path order. --engine spark screens
    on Spark with the same matcher and writes the same output; its -o may be a folder (written as
    Parquet parts).
    """
    if spark_master and engine != "spark":
        raise click.UsageError("--spark-master applies to --engine spark")
    if as_json and not output:
        raise click.UsageError("--json prints the run's summary on stdout: give the results a file (-o)")
    if fmt is None:
        suffix = (output or "").rsplit(".", 1)[-1].lower() if output and "." in output else "csv"
        fmt = {"jsonl": "json", "pq": "parquet"}.get(suffix, suffix if suffix in FORMATS else "csv")
    if engine == "spark":
        _screen_on_spark(input_file, output, fmt, threshold, excel, identifier_columns, spark_master, lists,
                         exclude_lists, source_thresholds, columns, header_row, sheet, db, as_json)
    bar = _ProgressBar() if is_tty() else None
    try:
        summary = screen_file(input_file, output, fmt, threshold, columns, db=db, on_message=_say,
                              on_progress=bar.update if bar else None, on_total=bar.start if bar else None,
                              header_row=header_row, sheet=sheet, excel=excel, lists=lists,
                              exclude_lists=exclude_lists, source_thresholds=source_thresholds,
                              identifier_columns=identifier_columns)
    except (InputFileError, ValueError, OSError) as exc:
        _say(f"error: {exc}")
        sys.exit(INPUT_ERROR)
    finally:
        if bar:
            bar.close()
    _summarise(summary, as_json)


def _summarise(summary, as_json: bool) -> None:
    """A batch's summary (a line on stderr, or JSON on stdout), then its exit code."""
    if as_json:
        print_json(summary.as_dict())
    else:
        _say(summary.line())
    sys.exit(summary.exit_code)


def _screen_on_spark(input_file, output, fmt, threshold, excel, identifier_columns, master, lists, exclude_lists,
                     source_thresholds, columns, header_row, sheet, db, as_json: bool) -> None:
    """``screen --engine spark``: the library call, its errors and exit code as the DuckDB engine's."""
    from screening.spark import SparkUnavailable, screen_file_spark

    try:
        summary = screen_file_spark(input_file, output, fmt, threshold, columns, db=db, on_message=_say,
                                    header_row=header_row, sheet=sheet, excel=excel, lists=lists,
                                    exclude_lists=exclude_lists, source_thresholds=source_thresholds,
                                    identifier_columns=identifier_columns, master=master)
    except (SparkUnavailable, InputFileError, ValueError, OSError) as exc:
        _say(f"error: {exc}")
        sys.exit(INPUT_ERROR)
    _summarise(summary, as_json)


class _ProgressBar:
    """A tqdm bar on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar = None

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="rows", file=sys.stderr)

    def update(self, n: int) -> None:
        if self.bar:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar:
            self.bar.close()


@main.command("check")
@click.argument("name")
@click.option("--country", help="Country (ISO 3166 code or name, e.g. DE or Germany).")
@click.option("--address", help="Address as one line.")
@click.option("--dob", help="Date of birth, YYYY or YYYY-MM-DD.")
@click.option("--type", "entity_type", type=click.Choice(["person", "organization", "vessel", "aircraft"]),
              help="Entity type.")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Match probability for a hit (default: the model's).")
@click.option("--id", "ids", multiple=True, metavar="KIND:VALUE",
              help="A customer identifier (repeatable): imo:9031947, passport/RU:4509123456, lei:..., "
                   "vat:DE123456789. One equal to a listed identifier of the same kind is a hit "
                   "(match_kind identifier) even when the names differ.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--no-record", is_flag=True,
              help="Do not record this check as a run in the audit trail (a trial lookup). By default "
                   "every check is recorded, with what was looked up and its hits.")
@selection_options
@db_option
@wait_option
def check_command(name, country, address, dob, entity_type, ids, threshold, as_json, no_record, lists,
                  exclude_lists, source_thresholds, db) -> None:
    """Screen one name, with optional country, address, date of birth and type.

    --json prints the result with each hit's explanation as {"text", "waterfall"}
    (as `screen --format json` writes it), its ofac_score (OFAC's reference score of
    the name against the matched name, 0-100; never decides a hit) and the context: the thresholds applied,
    the lists asked for and screened, and their active versions. --lists,
    --exclude-lists and --source-threshold work as for `screen`.

    A hit an analyst cleared earlier (the same name, country, address, date of birth and type)
    is shown as cleared with its decision (status, decision_id, decision_note in --json), and a
    check whose every hit is cleared exits 0. The check is recorded as a run (`screening review
    runs`, `screening audit log`) unless --no-record.

    \b
    Exit codes:
      0  no hit
      1  hits
      2  usage or input error, including a name that cannot be screened
         (no letters or digits, a bad date of birth): nothing screened

    \b
    Examples:
      screening check "Channel Rich Electronics Co Ltd" --country HK
      screening check "Harbour Bright Trading Limited" --country HK --address "Unit D7, 3/F, Block D, Mai Shun Industrial Building, 18-24 Kwai Cheong Road, Kwai Chung, Hong Kong"
      screening check "Vladimir Putin" --dob 1952-10-07 --type person --json
      screening check "Channel Rich Electronics Co Ltd" --lists us_csl --source-threshold us_csl=0.9
      screening check "Ocean Star" --type vessel --id imo:9031947
    """
    chosen = {"lists": lists, "exclude_lists": exclude_lists, "source_thresholds": source_thresholds}
    query = {"name": name, "country": country, "address": address, "dob": dob, "type": entity_type,
             "ids": list(ids)}
    started_at = utc_now()
    try:
        result = check(name, country=country, address=address, dob=dob, entity_type=entity_type,
                       threshold=threshold, db=db, on_message=_say, ids=ids, **chosen)
        context = screening_context(db, threshold, **chosen)
        if result.status == "error":  # nothing screened: not a run
            if as_json:
                print_json({**result.as_dict(), "context": context})
            else:
                _say(f"error: {result.error}")
            sys.exit(check_exit_code(result))
        reviewed, run_id = review_check(db, query, result, context, started_at, not no_record, _say)
    except (ValueError, OSError) as exc:
        _say(f"error: {exc}")
        sys.exit(INPUT_ERROR)
    standing = {entity_id: item.standing for entity_id, item in reviewed.items()}
    cleared = sum(s.status == STATUS_CLEARED for s in standing.values())
    if as_json:
        answer = result.as_dict()
        for hit in answer["hits"]:
            found = standing.get(hit["entity_id"])
            hit.update(status=found.status, decision_id=found.decision_id, decision_note=found.note)
        print_json({**answer, "context": context, "run_id": run_id})
    elif not result.hits:
        click.echo(f"no hit for {name!r}")
    else:
        for hit in result.hits:
            found = standing.get(hit.entity_id)
            click.echo(f"{hit.score:.3f}  {hit.match_kind:12}  {hit.entity_id}  {hit.matched_name}  [{hit.list_refs}]")
            if found is not None and found.note:
                click.echo(f"       {found.status.upper()}, decision {found.decision_id}: {found.note}")
            click.echo(f"       {hit.explanation}")
    sys.exit(check_exit_code(result, cleared))
