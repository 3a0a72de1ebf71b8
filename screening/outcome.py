"""Exit codes of `screening screen`, `check` and `rescreen`: what a script may conclude from a run.

A run that could not screen some rows must not look clean, nor like an ordinary run with hits:
its rows in error are customers nobody screened. So "incomplete" outranks "hits" (the output
still holds every hit found in the rows that were screened).
"""
from __future__ import annotations

from .match.results import RowResult

CLEAN = 0        # every row screened, no hit
HITS = 1         # every row screened, some hit (rescreen: new or changed hits)
INPUT_ERROR = 2  # usage or input error: nothing screened (check: a name that cannot be screened)
INCOMPLETE = 3   # some rows not screened (status=error); the output holds every hit of the others
# the command stopped on an unexpected error (a bug, a crashed Spark job): nothing can be concluded,
# and no output was replaced. Without it Python's own exit code, 1, would read as "hits"
FAILED = 4
# stopped by the user (Ctrl-C, SIGINT): 128 + the signal's number, as a shell reports a process the
# signal ended. Not Python's (click's) 1, which would read as "hits"; nothing can be concluded
INTERRUPTED = 130


def exit_code(hits: int, not_screened: int) -> int:
    """The exit code of a run that found ``hits`` (rows, or changes) and could not screen
    ``not_screened`` rows."""
    if not_screened:
        return INCOMPLETE
    return HITS if hits else CLEAN


def check_exit_code(result: RowResult, cleared: int = 0) -> int:
    """The exit code of a one-name check: a name given on the command line that cannot be screened
    (no letters, a bad date of birth) is an input error, as a bad option is: nothing was screened.
    ``cleared``: how many of its hits an analyst's standing decision clears (all cleared: clean)."""
    if result.status == "error":
        return INPUT_ERROR
    return exit_code(len(result.hits) - cleared, 0)
