"""A batch screened as a stream (chunks in name order, output rows spilled and merged back in input
order) writes exactly what screening every row at once writes, and holds a chunk's rows at a time."""
from __future__ import annotations

import csv
import errno
import io
import sys
from pathlib import Path

import pytest

pytest.importorskip("faker")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import screen as screen_benchmark  # noqa: E402

from screening.match import api, batch  # noqa: E402
from screening.match.cache import get_matcher  # noqa: E402
from screening.match.customers import Customer  # noqa: E402
from screening.match.files import read_customer_file  # noqa: E402
from screening.match.rows import FileRows  # noqa: E402
from screening.report import write_results  # noqa: E402
from screening.review.recording import judge_results  # noqa: E402
from screening.review.runs import HITS_KEY, RunCounts, run_record  # noqa: E402
from screening.spill import RowSpill  # noqa: E402

ROWS = 400
CHUNK = 97  # several chunks, none aligned with anything
HEADER = ["customer_id", "name", "entity_type", "address", "country", "date_of_birth", "imo"]


@pytest.fixture(scope="module")
def customer_file(screen_db, tmp_path_factory) -> Path:
    """A realistic file with repeated names, an invisible character, an unrecognised country,
    identifiers valid and not, a row of the wrong width and a byte that is not UTF-8."""
    rows = screen_benchmark.realistic_rows(get_matcher(screen_db).con, ROWS, seed=7)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    for i, r in enumerate(rows):
        imo = "9031947" if i % 50 == 0 else ("1234568" if i % 70 == 1 else "")
        writer.writerow([r["id"], r["name"], r.get("type") or "", r.get("address") or "", r.get("country") or "",
                         r.get("dob") or "", imo])
    for r in rows[10:30]:  # names seen again, later in the file
        writer.writerow([r["id"] + "b", r["name"], "", "", "Atlantis", "", ""])
    writer.writerow(["X1", "Saddam Hussein\u200b al-Tikriti", "person", "", "IQ", "", ""])
    writer.writerow(["X2", "Maria Schneider", "", "", "DE", "", "", "one too many"])
    path = tmp_path_factory.mktemp("stream") / "customers.csv"
    path.write_bytes(text.getvalue().encode("utf-8") + b"X3,Bad \xff Byte Trading,,,,,\nX4,,,,FR,,\n")
    return path


def _at_once(path: Path, out: Path, fmt: str, db: str) -> tuple[list, dict, list, list]:
    """The batch as it was screened before streaming: every row read, screened, judged and written at once."""
    table = read_customer_file(path)
    values = table.field_values()
    customers = [Customer(**{key: (vals[i] if vals else None) for key, vals in values.items()})
                 for i in range(len(table))]
    invalid = batch.add_identifiers(customers, table)
    results = api.screen_records(customers, db=db, read_errors=table.errors)
    reviewed = judge_results(db, customers, results)
    write_results(results, table.columns, out, fmt, reviews=reviewed)
    record = run_record("screen", batch.utc_now(), RunCounts.of(results), reviewed, {}, path, out)
    return results, record, customers, invalid


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_streamed_batch_writes_what_screening_at_once_writes(customer_file, screen_db, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(api, "CHUNK_ROWS", CHUNK)
    results, record, customers, invalid = _at_once(customer_file, tmp_path / f"once.{fmt}", fmt, screen_db)
    kept: list[dict] = []
    messages: list[str] = []
    summary = batch.screen_file(customer_file, tmp_path / f"streamed.{fmt}", fmt, db=screen_db,
                                on_message=messages.append,
                                keep=lambda rec: kept.append({**rec, HITS_KEY: list(rec[HITS_KEY])}))
    assert (tmp_path / f"streamed.{fmt}").read_bytes() == (tmp_path / f"once.{fmt}").read_bytes()
    # the file exercises every outcome, and more than one chunk out of input order
    assert {"hit", "no_hit", "error"} <= {r.status for r in results} and len(results) > 3 * CHUNK
    assert summary.rows == len(results) and summary.errors == sum(r.status == "error" for r in results)
    assert summary.hit_rows == sum(r.status == "hit" for r in results)
    assert summary.hits == len(record[HITS_KEY]) == len(kept[0][HITS_KEY]) > 0
    assert kept[0][HITS_KEY] == record[HITS_KEY]  # the run keeps the same hits, in input order
    assert (kept[0]["rows_error"], kept[0]["hit_rows"]) == (record["rows_error"], record["hit_rows"])
    unknown = batch.unrecognised_countries(customers, results)
    assert summary.unknown_country_rows == sum(unknown.values()) and unknown["Atlantis"] == 20
    assert summary.invalid_identifiers == len(invalid) > 0
    assert batch.invalid_notes(invalid)[0] in messages
    # reading errors still name their line
    errors = {r.input_id: r.error for r in results if r.status == "error"}
    assert "fields, the header has 7" in errors["X2"] and "invalid UTF-8 byte 0xff" in errors["X3"]


def test_a_batch_holds_one_chunk_of_rows_at_a_time(customer_file, screen_db, monkeypatch):
    """The rows made into customers, and the results handed over, come a chunk at a time; every
    row is screened once."""
    monkeypatch.setattr(api, "CHUNK_ROWS", CHUNK)
    rows = FileRows(read_customer_file(customer_file))
    asked: list[int] = []
    made = rows.customers
    monkeypatch.setattr(rows, "customers", lambda wanted: asked.append(len(wanted)) or made(wanted))
    seen: list[int] = []
    for customers, results in api.screen_stream(rows, db=screen_db, workers=0):
        assert len(customers) == len(results) <= CHUNK
        seen += [r.row for r in results]
    assert max(asked) <= CHUNK and sum(asked) == len(rows)
    assert sorted(seen) == list(range(len(rows)))
    assert seen != sorted(seen)  # chunks by name, not by input row


def test_spill_gives_rows_back_in_key_order_as_they_were():
    with RowSpill() as spill:
        spill.add([(5, ["e", 0.1 + 0.2, None]), (1, ["a", {"text": "x", "waterfall": [{"w": 1.5}]}]), (5, ["f", 2])])
        spill.add([(3, ["c"]), (0, ["z"])])
        spill.add([])
        spill.add([(4, [f"d{i}"]) for i in range(1200)] + [(2, ["b"])])  # several blocks
        expected = [["z"], ["a", {"text": "x", "waterfall": [{"w": 1.5}]}], ["b"], ["c"]] + \
                   [[f"d{i}"] for i in range(1200)] + [["e", 0.30000000000000004, None], ["f", 2]]
        assert list(spill.rows()) == expected
        assert list(spill.rows()) == expected  # read again
        assert len(spill) == len(expected)


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_temporary_folder_is_named_with_what_to_do(tmp_path, monkeypatch):
    """A write error names no file: the spill says it is the temporary folder, and how to move it."""
    from screening import spill as spill_module

    with RowSpill(tmp_path) as spill:
        monkeypatch.setattr(spill_module.pickle, "dump", _full_disk)
        with pytest.raises(OSError) as raised:
            spill.add([(0, ["a"])])
    assert raised.value.errno == errno.ENOSPC
    assert f"temporary folder {tmp_path}" in str(raised.value) and "TMPDIR" in str(raised.value)


def test_a_full_disk_under_the_output_names_it_and_keeps_the_previous_output(tmp_path):
    from screening.writers import atomic_output

    out = tmp_path / "hits.csv"
    out.write_text("previous\n", encoding="utf-8")
    with pytest.raises(OSError) as raised, atomic_output(out) as tmp:
        tmp.write_text("half", encoding="utf-8")
        _full_disk()
    assert raised.value.errno == errno.ENOSPC and f"no room to write {out}" in str(raised.value)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["hits.csv"]  # the temporary file is gone
