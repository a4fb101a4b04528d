"""The export's fetch-ahead thread: order kept, errors raised here, an early stop stops it."""
from __future__ import annotations

import threading

import pytest

from survey.results.sql import _fetched_ahead


def test_rows_arrive_in_order_across_batches():
    assert list(_fetched_ahead(iter(range(10_007)), batch=100)) == list(range(10_007))
    assert list(_fetched_ahead(iter([]), batch=100)) == []


def test_a_database_error_is_raised_in_the_callers_thread():
    def rows():
        yield from range(250)
        raise ConnectionError("server closed the connection")
    got = []
    with pytest.raises(ConnectionError, match="server closed"):
        for row in _fetched_ahead(rows(), batch=100):
            got.append(row)
    assert got == list(range(200))  # whole batches before the failure, nothing invented


def test_stopping_early_stops_the_fetching_thread():
    produced = []

    def rows():
        for i in range(1_000_000):
            produced.append(i)
            yield i
    before = threading.active_count()
    it = _fetched_ahead(rows(), batch=10, depth=2)
    assert [next(it) for _ in range(5)] == [0, 1, 2, 3, 4]
    it.close()  # the export was cancelled (client gone)
    assert threading.active_count() == before
    assert len(produced) < 100  # a few batches ahead at most, never the whole result
