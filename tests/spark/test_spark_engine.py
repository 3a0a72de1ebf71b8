"""`screen --engine spark` in local mode writes the DuckDB engine's output, byte for byte: on the
dev evaluation's queries (inputs only) and on a 20,000-row realistic book (list-derived variants,
a multi-locale legitimate book, identifiers)."""
from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from screening import identifiers as ids
from screening.cli.main import main
from screening.match.batch import screen_file
from screening.review import runs

pytest.importorskip("pyspark")
pytest.importorskip("faker")
if not shutil.which("java"):
    pytest.skip("no Java runtime (apt: openjdk-17-jre-headless)", allow_module_level=True)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from synthetic_customers import customer_mix  # noqa: E402

from screening.spark import screen_file_spark  # noqa: E402
from screening.spark import job  # noqa: E402
from screening.spark.session import spark_session  # noqa: E402

QUERIES = Path(__file__).resolve().parents[1] / "data" / "eval_queries.csv"
MASTER = "local[2]"
BOOK_ROWS = 20_000
SAMPLE = 300
HEADER = ["customer_id", "name", "entity_type", "address", "country", "date_of_birth", "IMO number"]


@pytest.fixture(scope="module")
def spark():
    session = spark_session(MASTER)
    yield session
    session.stop()


def listed_imos(db: str, n: int) -> list[str]:
    """IMO numbers of listed vessels, as the lists write them."""
    con = duckdb.connect(db, read_only=True)
    try:
        ids.build_list_identifiers(con)
        return [r[0] for r in con.execute("SELECT DISTINCT value FROM list_identifiers WHERE kind = 'imo' "
                                          "ORDER BY value LIMIT ?", [n]).fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="module")
def book(screen_db, tmp_path_factory) -> Path:
    """20,000 realistic customers, a few with an IMO number (listed ones, and two invalid)."""
    con = duckdb.connect(screen_db, read_only=True)
    try:
        rows = customer_mix(con, BOOK_ROWS, seed=16)
    finally:
        con.close()
    imos = listed_imos(screen_db, 10) + ["IMO 1234567", "9999999"]
    path = tmp_path_factory.mktemp("book") / "book.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i, r in enumerate(rows):
            imo = imos[i // 997] if i % 997 == 0 and i // 997 < len(imos) else ""
            writer.writerow([r["id"] if i % 50 else "", r["name"], r["type"] or "", r["address"] or "",
                             r["country"] or "", r["dob"] or "", imo])
    return path


def both_engines(path: Path, tmp_path: Path, db: str, partition_rows: int = 50_000,
                 **options) -> tuple[bytes, bytes, object]:
    """The output file of each engine, and the Spark run's summary."""
    screen_file(path, tmp_path / "duckdb.csv", db=db, **options)
    summary = screen_file_spark(path, tmp_path / "spark.csv", db=db, master=MASTER, partition_rows=partition_rows,
                                **options)
    return (tmp_path / "duckdb.csv").read_bytes(), (tmp_path / "spark.csv").read_bytes(), summary


def test_the_eval_queries_screen_to_the_same_bytes(spark, screen_db, tmp_path):
    duck, spark_out, summary = both_engines(QUERIES, tmp_path, screen_db)
    assert spark_out == duck
    assert summary.rows == 1610 and summary.hits > 500   # not vacuous: most queries hit


def kept_hits(db: str, run_id: int) -> list[tuple]:
    """A recorded run's hits in the order they were kept (hit id), without their ids."""
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute("SELECT * EXCLUDE (hit_id, run_id) FROM review_hits WHERE run_id = ? ORDER BY hit_id",
                           [run_id]).fetchall()
    finally:
        con.close()


def test_a_realistic_book_screens_to_the_same_bytes(spark, screen_db, book, tmp_path, monkeypatch):
    monkeypatch.setattr(runs, "HIT_BATCH", 250)  # the run's hits stored in many batches
    monkeypatch.setattr(job, "RUN_ROWS", 300)  # output rows and hits merged from many runs on the driver's disk
    duck_run = screen_file(book, tmp_path / "duckdb.csv", db=screen_db)
    summary = screen_file_spark(book, tmp_path / "spark.csv", db=screen_db, master=MASTER, partition_rows=4_000)
    assert (tmp_path / "spark.csv").read_bytes() == (tmp_path / "duckdb.csv").read_bytes()
    assert summary.rows == BOOK_ROWS and summary.hit_rows > 0 and summary.identifier_hits > 0
    assert summary.invalid_identifiers == 2
    # the run records keep the same hits in the same order (streamed from five partitions' rows)
    spark_hits = kept_hits(screen_db, summary.run_id)
    assert spark_hits == kept_hits(screen_db, duck_run.run_id) and len(spark_hits) == summary.hits > 1000
    assert [h[0] for h in spark_hits] == sorted(h[0] for h in spark_hits)  # by input row
    assert not list(tmp_path.glob(".*"))  # the rows handed to the driver beside the output are gone


def first_queries(tmp_path: Path) -> Path:
    """The first SAMPLE queries, for the tests of options (kept short: Spark's fixed costs dominate)."""
    path = tmp_path / "sample.csv"
    with QUERIES.open(newline="", encoding="utf-8") as src, path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(row for _, row in zip(range(SAMPLE + 1), csv.reader(src)))
    return path


def test_a_list_selection_and_threshold_screen_alike(spark, screen_db, tmp_path):
    options = {"lists": "us_ofac_sdn,un_sc", "source_thresholds": {"un_sc": 0.8}, "threshold": 0.6}
    duck, spark_out, summary = both_engines(first_queries(tmp_path), tmp_path, screen_db, **options)
    assert spark_out == duck and summary.hits


def test_parquet_parts_in_and_out(spark, screen_db, tmp_path):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    sample = first_queries(tmp_path)
    header = sample.read_text(encoding="utf-8").splitlines()[0].split(",")  # plain names, no quotes
    table = pacsv.read_csv(sample, convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, "string")))
    pq.write_table(table, tmp_path / "queries.parquet")
    parts = tmp_path / "parts"
    parts.mkdir()
    for i, start in enumerate(range(0, table.num_rows, 110)):  # part-0, part-1, part-2 in row order
        pq.write_table(table.slice(start, 110), parts / f"part-{i}.parquet")
    duck_run = screen_file(tmp_path / "queries.parquet", tmp_path / "duckdb.parquet", fmt="parquet", db=screen_db)
    out = tmp_path / "hits"
    summary = screen_file_spark(parts, str(out) + "/", fmt="parquet", db=screen_db, master=MASTER)
    assert summary.rows == table.num_rows and (out / "_SUCCESS").exists()
    got = pq.read_table(out)
    assert got.to_pylist() == pq.read_table(tmp_path / "duckdb.parquet").to_pylist()
    # the DuckDB engine reads the folder as one file too, its rows numbered as Spark numbers them
    (parts / "_SUCCESS").touch()  # not a part
    screen_file(parts, tmp_path / "duckdb_parts.parquet", fmt="parquet", db=screen_db)
    assert pq.read_table(tmp_path / "duckdb_parts.parquet").to_pylist() == got.to_pylist()
    # the parts' partitions need not come in row order: the run record still keeps input order
    assert kept_hits(screen_db, summary.run_id) == kept_hits(screen_db, duck_run.run_id) != []
    # an output URL (written by Spark itself): the hits reach the run record through Spark instead
    by_url = screen_file_spark(parts, (tmp_path / "url_hits").as_uri(), fmt="parquet", db=screen_db, master=MASTER)
    assert pq.read_table(tmp_path / "url_hits").to_pylist() == got.to_pylist()
    assert kept_hits(screen_db, by_url.run_id) == kept_hits(screen_db, duck_run.run_id)


def test_the_cli_without_pyspark_says_how_to_install_it(screen_db, tmp_path, monkeypatch):
    for name in [n for n in sys.modules if n == "pyspark" or n.startswith("pyspark.")] or ["pyspark"]:
        monkeypatch.setitem(sys.modules, name, None)  # an import of pyspark (or a part of it) now fails
    result = CliRunner().invoke(main, ["screen", str(QUERIES), "-o", str(tmp_path / "out.csv"),
                                       "--engine", "spark", "--db", screen_db])
    assert result.exit_code == 2 and "pip install 'screening[spark]'" in result.output


def test_the_cli_refuses_what_the_spark_engine_cannot_do(screen_db, tmp_path):
    runner = CliRunner()
    no_output = runner.invoke(main, ["screen", str(QUERIES), "--engine", "spark", "--db", screen_db])
    assert no_output.exit_code == 2 and "give -o" in no_output.output
    master = runner.invoke(main, ["screen", str(QUERIES), "-o", str(tmp_path / "o.csv"), "--spark-master", "local[2]"])
    assert master.exit_code == 2 and "--spark-master applies to --engine spark" in master.output
    (tmp_path / "partitioned" / "year=2026").mkdir(parents=True)
    folder = runner.invoke(main, ["screen", str(tmp_path / "partitioned"), "-o", str(tmp_path / "o.csv"),
                                  "--db", screen_db])
    assert folder.exit_code == 2 and "--engine spark only" in folder.output
