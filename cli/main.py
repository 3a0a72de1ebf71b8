"""The `screening` command line: thin click commands over the library.

Each command module registers its commands on the groups of :mod:`cli.groups`.
"""
from __future__ import annotations

from . import (compare_commands, consolidate_commands, lists_commands, refresh_commands, review_commands,  # noqa: F401
               screen_commands, serve_commands)
from .groups import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
