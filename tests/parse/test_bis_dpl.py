from pathlib import Path

import pytest

from screening.parse import bis_dpl
from screening.parse.model import SourceFormatError

from ..conftest import LISTS


def test_dpl_2023_every_row_is_an_entry_with_its_address():
    result = bis_dpl.parse(LISTS / "us_bis_dpl" / "2023-11", "us_bis_dpl", "2023-11")
    assert result.records_read == 665
    assert len(result.entries) + result.rejected_records == result.records_read
    assert len({e.source_id for e in result.entries}) == len(result.entries)
    villa = next(e for e in result.entries if e.primary_name == "AARON ABRAHAM VILLA")
    assert villa.addresses[0].city == "EL PASO"
    assert villa.addresses[0].postcode == "79905"
    assert villa.listed_on.isoformat() == "2022-08-24"


def test_dpl_year_3033_typo_is_reported_not_trusted():
    result = bis_dpl.parse(LISTS / "us_bis_dpl" / "2023-11", "us_bis_dpl", "2023-11")
    typos = [i for i in result.issues if i.field == "Last_Update" and "3033" in (i.value or "")]
    assert typos and not typos[0].rejected
    assert result.published.isoformat() == "2023-11-28"


def test_dpl_row_with_too_few_fields_is_rejected_and_named(tmp_path: Path):
    src = (LISTS / "us_bis_dpl" / "2023-11" / "dpl.txt").read_text(encoding="utf-8").splitlines()
    src[3] = "\t".join(src[3].split("\t")[:5])
    (tmp_path / "dpl.txt").write_text("\n".join(src) + "\n", encoding="utf-8")
    result = bis_dpl.parse(tmp_path, "us_bis_dpl", "x")
    bad = [i for i in result.issues if i.rejected]
    assert [(i.file, i.line) for i in bad] == [("dpl.txt", "4")]
    assert "expected 12 fields, found 5" in bad[0].problem
    assert len(result.entries) == result.records_read - 1


def test_dpl_html_page_is_refused(tmp_path: Path):
    (tmp_path / "dpl.txt").write_text("<!DOCTYPE html><html><body>503</body></html>", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="HTML page"):
        bis_dpl.parse(tmp_path, "us_bis_dpl", "x")
