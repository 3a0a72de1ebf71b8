"""The DuckDB store: the one door to it.

Where it lives, how it is opened (read-only or read-write, waiting while another process holds
it), the transaction every write runs in, and the named SQL files of ``sql/`` run with parameters.
No other module opens the store or writes ``BEGIN``/``COMMIT`` by hand.
"""
from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

import duckdb
from platformdirs import user_data_dir

if TYPE_CHECKING:
    import pyarrow as pa

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
    """The text of a named statement: ``sql/<name>.sql``, or for ``file.statement`` the section of
    ``sql/<file>.sql`` that starts with the line ``-- name: statement``."""
    file, _, section = name.partition(".")
    text = (sql_dir() / f"{file}.sql").read_text(encoding="utf-8")
    if not section:
        return text
    sections = _sections(text)
    if section not in sections:
        raise KeyError(f"sql/{file}.sql has no statement named {section!r} (a line '-- name: {section}')")
    return sections[section]


_SECTION = re.compile(r"^-- name: *(\w+) *$", re.MULTILINE)


def _sections(text: str) -> dict[str, str]:
    """The named statements of a SQL file, each from its ``-- name:`` line to the next."""
    marks = list(_SECTION.finditer(text))
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return {m[1]: text[m.end():end].strip() for m, end in zip(marks, ends)}


Params = Sequence[Any] | Mapping[str, Any] | None


def run(con: duckdb.DuckDBPyConnection, name: str, params: Params = None) -> duckdb.DuckDBPyConnection:
    """Run the named SQL file ``sql/<name>.sql`` with ``params`` (positional or named); the cursor."""
    return con.execute(sql(name), params) if params is not None else con.execute(sql(name))


def statements(name: str) -> list[str]:
    """The statements of a named SQL text, split at ``;`` (comment lines dropped)."""
    body = "\n".join(line for line in sql(name).splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def run_all(con: duckdb.DuckDBPyConnection, name: str, params: Params = None) -> None:
    """Run each statement of a named SQL text in order, each with the same ``params`` (named ones
    are passed only to the statements that use them)."""
    for statement in statements(name):
        if isinstance(params, Mapping):
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            con.execute(statement, used) if used else con.execute(statement)
        else:
            con.execute(statement, params) if params is not None else con.execute(statement)


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, rows: "pa.Table") -> None:
    """Append an Arrow table's rows to the store's table ``table``, matching columns by name."""
    view = f"_{table}_rows"
    con.register(view, rows)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
    finally:
        con.unregister(view)


def run_dicts(con: duckdb.DuckDBPyConnection, name: str, params: Params = None) -> list[dict]:
    """The rows of the named SQL file as dicts keyed by column name."""
    return rows_as_dicts(run(con, name, params))


def rows_as_dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    """The remaining rows of an executed statement as dicts keyed by column name."""
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All the writes of the block, or none: COMMIT when it ends, ROLLBACK when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def sections(file: str) -> dict[str, str]:
    """The named statements of ``sql/<file>.sql`` in file order (``-- name:`` lines)."""
    return _sections(sql(file))


def used_params(statement: str, params: dict) -> dict | None:
    """The named parameters a statement uses (``$name``), None when it uses none: DuckDB refuses
    parameters a statement does not name."""
    names = set(_PARAM.findall(statement))
    return {k: v for k, v in params.items() if k in names} or None


_PARAM = re.compile(r"\$(\w+)")


def default_db_path() -> Path:
    """``$SCREENING_DB`` if set, else ``screening.duckdb`` in the per-user data directory."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return Path(user_data_dir("screening", appauthor=False)) / "screening.duckdb"


def resolve_db_path(db: str | Path | None) -> Path:
    return Path(db) if db else default_db_path()


class StoreMissing(FileNotFoundError):
    """A command that only reads (or changes) an existing store found none at its path."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no screening store at {path}: run `screening lists load` first")
        self.path = path


class StoreInvalid(StoreMissing):
    """The store's path holds a file that is not a DuckDB database (an empty file, another format)."""

    def __init__(self, path: Path) -> None:
        FileNotFoundError.__init__(self, f"{path} is not a screening store (not a DuckDB database file): "
                                         f"give another --db path, or remove the file and run `screening lists load`")
        self.path = path


def require_store(db: str | Path | None) -> Path:
    """The store's path; :class:`StoreMissing` when there is no store there (nothing is created)."""
    path = resolve_db_path(db)
    if not path.is_file():
        raise StoreMissing(path)
    return path


def connect(db: str | Path | None = None, read_only: bool = False, wait: float | None = None,
            on_message: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store (creating its folder and schema when writable).

    While another process holds the store's lock, retry for up to ``wait`` seconds (default:
    :func:`lock_wait`), then raise :class:`StoreBusy` naming that process.  A read-only open
    of a missing store raises :class:`StoreMissing`; a read-only open from a process that
    already holds the store read-write shares that connection's configuration instead.
    """
    path = resolve_db_path(db)
    if read_only:
        require_store(path)
        try:
            return _open_waiting(path, True, lock_wait() if wait is None else wait, on_message)
        except duckdb.ConnectionException:  # this process has it open read-write
            pass
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open_waiting(path, False, lock_wait() if wait is None else wait, on_message)
    # Splink 5 still writes `x -> expr` lambdas, which DuckDB 2 refuses unless told otherwise.
    try:
        con.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")
    except duckdb.Error:
        pass
    con.execute(sql("schema"))
    return con


def quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The connection without DuckDB's own progress bar, which would print to any stderr (a log
    file's, a service's) for any statement over two seconds, such as a checkpoint at commit; the
    commands draw their own bars, on a terminal only."""
    con.execute("SET enable_progress_bar = false")
    return con


def scratch(threads: int = 2) -> duckdb.DuckDBPyConnection:
    """A private in-memory database (not the store) for work tables a library fills, such as Splink's."""
    mem = quiet(duckdb.connect())
    mem.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")  # Splink 5 still writes `x -> expr` lambdas
    mem.execute(f"SET threads = {int(threads)}")
    return mem


# ----------------------------------------------------------------------------- readers kept open

_RELEASERS: list[Callable[[Path], None]] = []


def on_release(release: Callable[[Path], None]) -> None:
    """Register a cache of open readers of stores (the matchers): ``release(path)`` closes those
    of one store, before this process writes to it."""
    if release not in _RELEASERS:
        _RELEASERS.append(release)


def release_readers(db: str | Path | None) -> None:
    """Close this process's cached readers of the store (a read-write open needs them gone)."""
    path = resolve_db_path(db)
    for release in _RELEASERS:
        release(path)


# ----------------------------------------------------------------------------- waiting for the lock

LOCK_WAIT_ENV = "SCREENING_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 30.0  # seconds a process waits for another one holding the store
_lock_wait: float | None = None  # set for this process by set_lock_wait (the CLI's --wait)
_HOLDER = re.compile(r"Conflicting lock is held in (?P<exe>.+?) \(PID (?P<pid>\d+)\)")


class StoreBusy(OSError):
    """The store stayed locked by another process for longer than the wait."""


# what a caller that reports "store unavailable" rather than failing catches
UNAVAILABLE = (duckdb.Error, StoreBusy)


class LockWaitError(ValueError):
    """``$SCREENING_LOCK_WAIT`` is not a number of seconds."""


def set_lock_wait(seconds: float | None) -> None:
    """Make every store opening of this process wait up to ``seconds`` (None: back to the default)."""
    global _lock_wait
    _lock_wait = seconds


def lock_wait() -> float:
    """Seconds to wait for a locked store: :func:`set_lock_wait`, else ``$SCREENING_LOCK_WAIT``, else 30."""
    if _lock_wait is not None:
        return _lock_wait
    text = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_LOCK_WAIT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses NaN
        raise LockWaitError(f"{LOCK_WAIT_ENV}={text!r}: not a number of seconds (0 or more)")
    return seconds


def lock_holder(message: str) -> str:
    """Who holds the store, from DuckDB's lock error: 'PID n (its command line)', and whether it
    writes; 'another process' when the message does not say."""
    found = _HOLDER.search(message)
    if not found:
        return "another process"
    pid = found["pid"]
    try:  # the command line says more than the interpreter's path ("screening check ...")
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        command = " ".join(a.decode(errors="replace") for a in argv)[:160]
    except OSError:
        command = found["exe"]
    # DuckDB suggests opening read-only only when the holder is itself a reader.
    mode = "reading" if "read-only mode" in message else "writing"
    return f"PID {pid} ({command or found['exe']}), {mode} it"


def _open_waiting(path: Path, read_only: bool, wait: float,
                  on_message: Callable[[str], None] | None) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` retried with a short backoff while another process holds the lock."""
    deadline = time.monotonic() + wait
    pause, told = 0.05, False
    while True:
        try:
            return quiet(duckdb.connect(str(path), read_only=read_only))
        except duckdb.IOException as exc:
            if "not a valid duckdb database" in str(exc).lower():
                raise StoreInvalid(path) from None
            if "lock" not in str(exc).lower():
                raise
            holder = lock_holder(str(exc))
            if time.monotonic() >= deadline:
                raise StoreBusy(f"the store {path} is locked by another process: {holder}; waited {wait:g} s "
                                f"(--wait or {LOCK_WAIT_ENV} to wait longer); try again when it ends") from None
            if not told and on_message:
                on_message(f"the store is busy, in use by {holder}: waiting up to {wait:g} s")
                told = True
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
