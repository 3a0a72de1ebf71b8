"""Hostile and broken XML files: each XML list parser refuses them with a one-line SourceFormatError."""
import time
from pathlib import Path

import pytest

from screening.parse import eu_fsf, uk_fcdo, un_xml
from screening.parse.model import SourceFormatError

from ..hostile_xml import billion_laughs
from ..conftest import FIXTURES, LISTS

EU_NS = "http://eu.europa.ec/fpi/fsd/export"
# parser module, file name it reads, a real file of that format, an opening of its root element
PARSERS = {
    "un": (un_xml, "consolidated.xml", LISTS / "un_sc" / "2026-02-27" / "consolidated.xml",
           '<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00Z">', "</CONSOLIDATED_LIST>"),
    "uk": (uk_fcdo, "uksl_sample.xml", FIXTURES / "lists" / "uk_fcdo" / "excerpt-2026-06-10" / "uksl_sample.xml",
           "<Designations>", "</Designations>"),
    "eu": (eu_fsf, "sample_eu.xml", FIXTURES / "lists" / "eu_fsf" / "excerpt-2020-04-15" / "sample_eu.xml",
           f'<export xmlns="{EU_NS}" generationDate="2020-04-15T15:29:22.497+02:00">', "</export>"),
}
IDS = list(PARSERS)

XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
{open}<X>&xxe;</X>{close}
"""
LAUGHS = billion_laughs("{open}<X>&lol9;</X>{close}")


def _write(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("key", IDS)
def test_external_entity_is_refused(tmp_path: Path, key: str):
    module, name, _, open_tag, close_tag = PARSERS[key]
    _write(tmp_path, name, XXE.format(open=open_tag, close=close_tag))
    with pytest.raises(SourceFormatError, match=f"^{name}: refused unsafe XML"):
        module.parse(tmp_path, key, "x")


@pytest.mark.parametrize("key", IDS)
def test_billion_laughs_is_refused_without_expanding(tmp_path: Path, key: str):
    module, name, _, open_tag, close_tag = PARSERS[key]
    _write(tmp_path, name, LAUGHS.format(open=open_tag, close=close_tag))
    started = time.perf_counter()
    with pytest.raises(SourceFormatError, match=f"^{name}: refused unsafe XML"):
        module.parse(tmp_path, key, "x")
    assert time.perf_counter() - started < 1.0  # 10^9 "lol"s were never built


@pytest.mark.parametrize("key", IDS)
def test_truncated_file_is_refused(tmp_path: Path, key: str):
    module, name, real, _, _ = PARSERS[key]
    data = real.read_bytes()
    (tmp_path / name).write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError, match=f"^{name}: not well-formed XML"):
        module.parse(tmp_path, key, "x")


@pytest.mark.parametrize("key", IDS)
def test_wrong_root_element_is_refused_naming_the_expected_one(tmp_path: Path, key: str):
    module, name, _, open_tag, _ = PARSERS[key]
    expected = open_tag[1:].split()[0].rstrip(">")
    _write(tmp_path, name, '<?xml version="1.0"?><sdnList><publshInformation/></sdnList>')
    with pytest.raises(SourceFormatError, match=f"^{name}: root element is <sdnList>, expected <{expected}>"):
        module.parse(tmp_path, key, "x")


def test_eu_export_outside_the_fsf_namespace_is_refused(tmp_path: Path):
    _write(tmp_path, "sample_eu.xml", '<?xml version="1.0"?><export generationDate="2020-04-15"></export>')
    with pytest.raises(SourceFormatError, match="not in namespace http://eu.europa.ec/fpi/fsd/export"):
        eu_fsf.parse(tmp_path, "eu", "x")


@pytest.mark.parametrize("key", IDS)
def test_html_error_page_is_refused(tmp_path: Path, key: str):
    module, name, _, _, _ = PARSERS[key]
    _write(tmp_path, name, "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>")
    with pytest.raises(SourceFormatError, match="HTML page"):
        module.parse(tmp_path, key, "x")
