"""The wheel holds every package of the library: pyproject.toml lists them by hand (cli/, lists/ and
sql/ are mapped into the package), so a new sub-package missing from the list installs nowhere but
in an editable checkout."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_library_package_is_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "screening").rglob("__init__.py")}
    assert found - listed == set()
