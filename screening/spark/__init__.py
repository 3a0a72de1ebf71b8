"""Screening on Spark (``screening screen --engine spark``): each task screens its partition of the
customer rows with the DuckDB engine's own matcher against a read-only copy of the store shipped
to the executors, so the hits are the DuckDB engine's by construction.

* :mod:`.session` starts the Spark session and ships the store copy;
* :mod:`.inputs` reads the customer file into a DataFrame (Parquet on the executors);
* :mod:`.partition` is what a task runs;
* :mod:`.job` is the library call, :func:`screen_file_spark`, and writes the output.

pyspark is the optional extra ``spark``; without it :class:`SparkUnavailable` is raised.
"""
from __future__ import annotations

from .session import SparkUnavailable


def screen_file_spark(*args, **kwargs):
    """See :func:`screening.spark.job.screen_file_spark` (imported on first call)."""
    from .job import screen_file_spark as run

    return run(*args, **kwargs)


__all__ = ["SparkUnavailable", "screen_file_spark"]
