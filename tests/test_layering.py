"""No stage imports a later one: the pipeline module calls the stages in their order."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "screening"

# stage -> modules of later stages (and the pipeline that orders them) it must not import
LATER = {
    "load": {"refresh", "consolidate", "match", "pipeline"},
    "refresh": {"consolidate", "match", "pipeline"},
    "diff": {"refresh", "consolidate", "match", "pipeline"},
    "versions": {"load", "refresh", "consolidate", "match", "pipeline"},
    "consolidate": {"load", "refresh", "match", "pipeline"},
    "match/index": {"consolidate", "pipeline"},
    "export": {"match", "pipeline"},
    "match": {"spark"},  # the Spark engine runs the match stage's calls, never the other way round
}


def _files(stage: str) -> list[Path]:
    folder = PACKAGE / stage
    return sorted(folder.glob("*.py")) if folder.is_dir() else [PACKAGE / f"{stage}.py"]


def _imported(path: Path) -> set[str]:
    """The ``screening`` modules a file imports (at any depth: module level or inside a function)."""
    package = path.parent.relative_to(PACKAGE.parent).parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            module = base + (node.module.split(".") if node.module else [])
            names = [module + [a.name] for a in node.names] if not node.module else [module]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        else:
            continue
        found |= {n[1] for n in names if len(n) > 1 and n[0] == "screening"}
    return found


@pytest.mark.parametrize("stage", sorted(LATER))
def test_a_stage_imports_no_later_stage(stage):
    for path in _files(stage):
        assert not _imported(path) & LATER[stage], f"{path.name} imports {_imported(path) & LATER[stage]}"


def test_the_check_sees_imports_inside_functions():
    path = PACKAGE / "pipeline.py"
    assert {"load", "refresh", "consolidate", "match"} <= _imported(path)
