"""Printing helpers for the CLI: JSON for scripts, aligned tables for people."""
from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any, Iterable

import click


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_default))


def print_table(rows: Iterable[dict], columns: list[str]) -> None:
    rows = list(rows)
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


def is_tty() -> bool:
    return sys.stderr.isatty()
