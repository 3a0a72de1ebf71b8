"""Where `screen --engine spark` writes, checked before any work (no Spark needed), and how the
tasks' counts add up."""
from __future__ import annotations

from collections import Counter

import pytest

from screening.spark.inputs import is_parquet, is_url
from screening.spark.job import PARTS_DONE, output_target
from screening.spark.partition import PartitionStats


def test_a_file_a_folder_and_a_url(tmp_path):
    assert output_target(tmp_path / "hits.csv", "csv", (), False).parts is False
    folder = output_target(f"{tmp_path}/hits/", "csv", (), False)
    assert folder.parts and folder.fmt == "parquet" and folder.url is None
    url = output_target("hdfs://cluster/screening/hits", "csv", (), False)
    assert url.parts and url.url == "hdfs://cluster/screening/hits"
    assert is_url("s3a://bucket/customers") and is_parquet("s3a://bucket/customers") and not is_url(tmp_path)


def test_refused_targets(tmp_path):
    with pytest.raises(ValueError, match="give -o"):
        output_target(None, "csv", (), False)
    with pytest.raises(ValueError, match="Parquet parts, not xlsx"):
        output_target(f"{tmp_path}/hits/", "xlsx", (), False)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="not Parquet parts of a screening"):
        output_target(tmp_path, "parquet", (), False)
    (tmp_path / PARTS_DONE).touch()  # a folder of earlier parts is replaced
    assert output_target(tmp_path, "parquet", (), False).parts


def test_partition_counts_add_up():
    a = PartitionStats(rows=3, hit_rows=1, unknown=Counter({"XX": 2}), invalid=1, invalid_named=[(7, "b")])
    b = PartitionStats(rows=2, errors=1, unknown=Counter({"XX": 1, "YY": 1}), invalid=4,
                       invalid_named=[(2, "a"), (9, "c"), (11, "d")])
    total = PartitionStats()
    total.add(a)
    total.add(b)
    assert (total.rows, total.errors, total.hit_rows, total.invalid) == (5, 1, 1, 5)
    assert total.unknown == Counter({"XX": 3, "YY": 1})
    assert total.invalid_named == [(2, "a"), (7, "b"), (9, "c")]   # the first rows, in row order
