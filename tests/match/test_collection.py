"""A large batch makes Python's cycle collector run seldom, and gives the settings back after."""
import gc

import pytest

from screening.match.api import RARE_COLLECTION, collecting_rarely
from screening.match.chunk import SMALL_CHUNK


def test_a_large_batch_collects_rarely_and_restores_the_settings():
    before = gc.get_threshold()
    with collecting_rarely(SMALL_CHUNK * 10):
        assert gc.get_threshold()[0] == RARE_COLLECTION
        assert gc.get_freeze_count() > 0  # the batch's rows, made before, are not scanned again
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_settings_come_back_when_screening_fails():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with collecting_rarely(SMALL_CHUNK * 10):
            raise RuntimeError("a chunk failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_few_rows_leave_the_collector_alone():
    before = gc.get_threshold()
    with collecting_rarely(3):
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() == 0
