"""The file spark-submit runs: the `screening` command line (spark-submit takes a Python file, and
the CLI's own module uses relative imports).

    spark-submit [spark options] .../site-packages/screening/spark/submit.py screen INPUT -o OUT --engine spark
"""
from __future__ import annotations

from screening.cli.main import main

if __name__ == "__main__":
    main()
