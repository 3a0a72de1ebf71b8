"""The one-line summary a batch screen prints on standard error."""
from screening.match.batch import BatchSummary


def _summary(rows: int, seconds: float) -> BatchSummary:
    return BatchSummary(rows=rows, hit_rows=0, hits=0, address_hits=0, errors=0, output_rows=rows,
                        seconds=seconds, notes=[])


def test_a_slow_small_run_does_not_claim_zero_rows_a_second():
    # 8 rows in 40 s (a run that first rebuilt the match index) is 0.2 rows/s, not "0 rows/s"
    assert _summary(8, 40.0).line().endswith("40.0 s (0.2 rows/s)")


def test_a_large_run_gives_whole_rows_a_second_with_thousands_separated():
    assert _summary(100_000, 8.0).line().endswith("8.0 s (12,500 rows/s)")
