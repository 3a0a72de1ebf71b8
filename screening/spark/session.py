"""The Spark session of a screening, and the read-only copy of the store shipped to its executors."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable

from .. import store

LOCAL_MASTER = "local[*]"  # without --spark-master and outside spark-submit: every core of this machine
APP_NAME = "screening"
SUBMITTED = "PYSPARK_GATEWAY_PORT"  # set when spark-submit started this Python: its master stands
LOG_LEVEL = "ERROR"  # Spark's own warnings would bury the screening's notes on stderr
STORE_PREFIX = "screening-store-"  # the shipped copy's name: one per run, so runs never share a copy
# settings of every session: input and output columns keep their case ("Name" and "name" are two
# columns, as in the DuckDB engine); no progress bars on stderr, where the summary goes; the
# partitions of rows the driver reads (one task's, a few tens of MB) come back in the task's
# reply, not through the block manager, where a 10M-row run lost one ("TaskResultLost")
SESSION_CONF = {"spark.sql.caseSensitive": "true", "spark.ui.showConsoleProgress": "false",
                "spark.task.maxDirectResultSize": "64m"}


class SparkUnavailable(RuntimeError):
    """pyspark (the ``spark`` extra) is not installed, or no Spark session could be started."""


def spark_session(master: str | None = None) -> Any:
    """The Spark session to screen with: ``master`` when given; else the one spark-submit set up;
    else local mode on every core. In local mode the Python workers run this interpreter."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable("--engine spark needs pyspark: pip install 'screening[spark]' "
                               "(and a Java 17 runtime)") from None
    builder = SparkSession.builder.appName(APP_NAME)
    chosen = master or (None if SUBMITTED in os.environ else LOCAL_MASTER)
    if chosen:
        builder = builder.master(chosen)
    if (chosen or "").startswith("local"):  # the workers are children of this machine's Spark: this Python
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in SESSION_CONF.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - a missing Java or a bad master URL, said in one line
        raise SparkUnavailable(f"no Spark session ({chosen or 'spark-submit'}): {str(exc).splitlines()[0]}") from None
    spark.sparkContext.setLogLevel(LOG_LEVEL)
    return spark


class ShippedStore:
    """A read-only copy of the store, added to the Spark job's files (``SparkContext.addFile``);
    executors find it by ``name`` (``SparkFiles.get``). ``close`` removes the driver's copy."""

    def __init__(self, spark: Any, db: str | Path | None,
                 on_message: Callable[[str], None] | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=STORE_PREFIX))
        self.name = f"{STORE_PREFIX}{uuid.uuid4().hex[:12]}.duckdb"
        copy_store(db, self.folder / self.name, on_message)
        spark.sparkContext.addFile(str(self.folder / self.name))

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def copy_store(db: str | Path | None, target: Path, on_message: Callable[[str], None] | None = None) -> None:
    """Copy the store file whole: checkpointed first when a write-ahead log holds part of it (then
    opened read-write for a moment); the copy is made while the store is open, so no writer
    changes it in between."""
    path = store.resolve_db_path(db)
    if Path(f"{path}.wal").exists():
        store.release_readers(db)
        con = store.connect(db, read_only=False, on_message=on_message)
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
    con = store.connect(db, read_only=True, on_message=on_message)
    try:
        shutil.copyfile(path, target)
        os.chmod(target, 0o444)
    finally:
        con.close()
