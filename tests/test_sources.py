"""Sources are discovered from their folders in lists/, parsers from their modules' NAME."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.parse import parsers
from screening.sources import SOURCE_NAMES, SourceMetadataError, all_sources, load_source

LISTS = Path(__file__).resolve().parent.parent / "lists"


def test_every_source_folder_is_a_source_in_priority_order():
    folders = {p.parent.name for p in LISTS.glob("*/source.toml")}
    assert set(SOURCE_NAMES) == folders
    priorities = [s.priority for s in all_sources()]
    assert priorities == sorted(priorities)


def test_every_parser_a_source_names_is_found():
    for source in all_sources():
        assert set(source.parsers) <= set(parsers()), source.name


def _copy(name: str, base: Path) -> Path:
    """The bundled source.toml of ``name`` copied into ``base/name/``."""
    (base / name).mkdir(parents=True)
    return Path(shutil.copy(LISTS / name / "source.toml", base / name / "source.toml"))


def test_a_new_folder_is_a_new_source_without_any_list_to_edit(tmp_path):
    for name in ("us_bis_dpl", "un_sc"):
        _copy(name, tmp_path)
    meta = (LISTS / "us_bis_dpl" / "source.toml").read_text(encoding="utf-8")
    (tmp_path / "xx_new").mkdir()
    (tmp_path / "xx_new" / "source.toml").write_text(
        meta.replace('name = "us_bis_dpl"', 'name = "xx_new"').replace("priority = 40", "priority = 1"), encoding="utf-8")
    assert [s.name for s in all_sources(tmp_path)] == ["xx_new", "us_bis_dpl", "un_sc"]


def test_metadata_errors_name_the_file_and_field(tmp_path):
    path = _copy("un_sc", tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('name = "un_sc"', 'name = "un"'), encoding="utf-8")
    with pytest.raises(SourceMetadataError, match=r"un_sc/source.toml: field 'name' is 'un'"):
        load_source("un_sc", tmp_path)
    path.write_text("\n".join(line for line in (LISTS / "un_sc" / "source.toml").read_text(encoding="utf-8").splitlines()
                              if not line.startswith("parsers")), encoding="utf-8")
    with pytest.raises(SourceMetadataError, match=r"un_sc/source.toml: missing field 'parsers'"):
        load_source("un_sc", tmp_path)
