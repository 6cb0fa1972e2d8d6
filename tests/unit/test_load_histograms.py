"""HDR books: µs recording, exact merging across processes, percentiles."""

from __future__ import annotations

import random

from harness.load.stats.histograms import (
    CORRECTED,
    HIGHEST_US,
    PERCENTILES,
    DeltaBook,
    LatencyBook,
    decode_book,
    percentiles,
)


def _book(seed: int, n: int) -> LatencyBook:
    rng, book = random.Random(seed), LatencyBook()
    for _ in range(n):
        book.record(CORRECTED, rng.lognormvariate(7.5, 0.6))
        book.count("sent")
    return book


def test_merging_encoded_books_equals_the_sum() -> None:
    first, second = _book(1, 5000), _book(2, 7000)
    merged = LatencyBook()
    merged.add_encoded(first.encode())
    merged.add_encoded(second.encode())
    expected = LatencyBook()
    expected.add(first)
    expected.add(second)
    assert merged.total(CORRECTED) == 12_000 and merged.counters["sent"] == 12_000
    for p in (50, 90, 99, 99.9, 100):
        assert (merged.histogram(CORRECTED).get_value_at_percentile(p)
                == expected.histogram(CORRECTED).get_value_at_percentile(p))


def test_sub_millisecond_values_keep_three_significant_figures() -> None:
    book = LatencyBook()
    for value in (431, 432, 433, 4321):
        book.record(CORRECTED, value)
    figures = percentiles(book.histograms[CORRECTED])
    assert abs(figures["p50"] - 432) <= 1  # type: ignore[operator]
    assert abs(figures["max"] - 4321) <= 4  # type: ignore[operator]


def test_out_of_range_values_are_clamped_and_still_counted() -> None:
    book = LatencyBook()
    book.record(CORRECTED, -5)
    book.record(CORRECTED, HIGHEST_US * 10)
    assert book.total(CORRECTED) == 2


def test_nothing_recorded_gives_no_figures() -> None:
    figures = percentiles(None)
    assert figures["count"] == 0 and figures["p99"] is None and figures["max"] is None


def test_delta_book_ships_each_record_once() -> None:
    delta = DeltaBook()
    shipped = LatencyBook()
    for i in range(100):
        delta.record(CORRECTED, 1000 + i)
        if i % 30 == 0:
            shipped.add_encoded(delta.take_delta())
    shipped.add_encoded(delta.take_delta())
    assert shipped.total(CORRECTED) == delta.cumulative.total(CORRECTED) == 100
    assert decode_book(delta.take_delta()).total(CORRECTED) == 0


def test_percentiles_match_hdrh_own_walk() -> None:
    """The one-pass figures equal hdrh's get_value_at_percentile / get_mean_value, on several shapes."""
    rng = random.Random(5)
    for n, mu, sigma in ((1, 3.0, 0.1), (7, 6.0, 1.0), (3000, 7.5, 0.6), (20000, 11.0, 2.0)):
        book = LatencyBook()
        for _ in range(n):
            book.record(CORRECTED, rng.lognormvariate(mu, sigma))
        h = book.histogram(CORRECTED)
        expected = {"count": n, **{name: int(h.get_value_at_percentile(p)) for name, p in PERCENTILES.items()},
                    "max": int(h.get_max_value()), "min": int(h.get_min_value()),
                    "mean": round(float(h.get_mean_value()), 1)}
        assert percentiles(h) == expected
