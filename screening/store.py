"""The DuckDB store: where it lives, how it is opened, and the named SQL files that build it."""
from __future__ import annotations

import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable

import duckdb
from platformdirs import user_data_dir

DB_ENV = "SCREENING_DB"


def sql_dir() -> Path:
    """The folder of named SQL files: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sql", here.parent / "sql"):
        if (candidate / "schema.sql").is_file():
            return candidate
    raise FileNotFoundError("the sql/ folder is missing from this installation")


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql``."""
    return (sql_dir() / f"{name}.sql").read_text(encoding="utf-8")


def default_db_path() -> Path:
    """``$SCREENING_DB`` if set, else ``screening.duckdb`` in the per-user data directory."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return Path(user_data_dir("screening", appauthor=False)) / "screening.duckdb"


def resolve_db_path(db: str | Path | None) -> Path:
    return Path(db) if db else default_db_path()


def connect(db: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store (creating its folder and schema when writable)."""
    path = resolve_db_path(db)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"no screening database at {path}: run `screening lists load` first")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    # Splink 5 still writes `x -> expr` lambdas, which DuckDB 2 refuses unless told otherwise.
    try:
        con.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")
    except duckdb.Error:
        pass
    con.execute(sql("schema"))
    return con


LOCK_WAIT_SECONDS = 30.0  # how long a reader waits for another process writing the store


class StoreBusy(OSError):
    """The store stayed locked by another process (a load or refresh) for too long."""


def connect_waiting(db: str | Path | None, read_only: bool, wait: float = LOCK_WAIT_SECONDS,
                    on_message: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store, retrying with a short backoff while another process holds it read-write."""
    deadline = time.monotonic() + wait
    pause, told = 0.05, False
    while True:
        try:
            return connect(db, read_only=read_only)
        except duckdb.ConnectionException:
            if not read_only:
                raise
            # this process already holds the store read-write: share that configuration
            return connect(db)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(f"the store {resolve_db_path(db)} is locked by another process (a list load "
                                f"or refresh?) and stayed locked for {wait:.0f} s; try again when it ends") from None
            if not told and on_message:
                on_message(f"the store is busy (another process is writing it): waiting up to {wait:.0f} s")
                told = True
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
