"""The listed names' features computed in another process (beside the consolidation) are exactly
those the index computes itself, and anything amiss falls back to computing them in place."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from screening.match import list_names
from screening.match.index import listed_names


@pytest.fixture(scope="module")
def names(bundled_db: Path) -> list[list_names.ListedName]:
    con = duckdb.connect(str(bundled_db), read_only=True)
    try:
        every = listed_names(con)
    finally:
        con.close()
    # every list and every kind of name (derived and weak aliases included), a few thousand in all
    return every[::20]


def test_features_from_the_other_process_equal_those_computed_here(names):
    pending = list_names.start(names)
    table = pending.take(names)
    assert table is not None
    assert table.equals(list_names.feature_table(names))
    assert table.num_rows > 3000 and len(set(table["kind"].to_pylist())) >= 3
    assert not pending.folder.exists()


def test_features_of_other_names_are_not_taken(names):
    pending = list_names.start(names[:100])
    assert pending.take(names[:99]) is None
    assert not pending.folder.exists()
    assert pending.process.poll() is not None


def test_a_process_that_died_gives_nothing(names):
    pending = list_names.start(names)
    pending.process.kill()
    assert pending.take(names) is None
    assert not pending.folder.exists()


def test_a_weak_one_word_alias_and_a_name_without_words_are_left_out():
    names = [("s", "1", "Ali", "weak", "person"), ("s", "1", "Hajji Ali", "weak", "person"),
             ("s", "2", "***", "alias", None), ("s", "3", "Enterprise Chips Hunter (ECH)", "primary", "organization")]
    table = list_names.feature_table(list_names.with_derived(names))
    assert table["name"].to_pylist() == ["Hajji Ali", "Enterprise Chips Hunter (ECH)", "Enterprise Chips Hunter", "ECH"]
    assert table["kind"].to_pylist() == ["weak", "primary", "derived", "derived"]
    # a name's number is its place among the names (the organisation's reading as a name of no type
    # is the same here: left out, numbered)
    assert table["name_uid"].to_pylist() == [0, 2, 4, 5]
    assert table["tokens"].to_pylist()[0] == ["hajji", "ali"]
    assert all(keys for keys in table["keys"].to_pylist())


def test_a_typed_name_is_also_kept_as_a_customer_of_no_type_reads_it():
    # a customer seldom gives a type: of no type, a short legal form stays a word when one other word
    # remains ("Ao Wei" is a person), and a person's last syllable may read as a legal form (Pak Han Se)
    names = [("s", "1", "Kohas AG", "primary", "organization"), ("s", "2", "PAK Han Se", "primary", "person"),
             ("s", "3", "Gazprom Neft PAO", "primary", "organization"), ("s", "4", "Kohas AG", "alias", None)]
    table = list_names.feature_table(list_names.with_derived(names))
    rows = list(zip(table["name"].to_pylist(), table["kind"].to_pylist(), table["core"].to_pylist(),
                    table["legal_form"].to_pylist()))
    assert rows == [("Kohas AG", "primary", "kohas", "jsc"), ("Kohas AG", "untyped", "kohas ag", None),
                    ("PAK Han Se", "primary", "pak han se", None), ("PAK Han Se", "untyped", "pak han", "jsc"),
                    ("Gazprom Neft PAO", "primary", "gazprom neft", "jsc"),  # read alike: once
                    ("Kohas AG", "alias", "kohas ag", None)]  # a name of no type is read so already


def test_without_a_process_nothing_is_taken(names, monkeypatch):
    def no_process(*args, **kwargs):
        raise OSError("no more processes")
    monkeypatch.setattr(list_names.subprocess, "Popen", no_process)
    with list_names.start(names) as pending:
        assert pending.process is None
        assert pending.take(names) is None
    assert not pending.folder.exists()


def test_leaving_the_block_stops_the_process_and_removes_its_files(names):
    with list_names.start(names) as pending:
        assert pending.process.poll() is None
    assert pending.process.poll() is not None and not pending.folder.exists()
