"""The statistics behind the constant-time check, on synthetic samples with a known answer."""

from __future__ import annotations

import random

import pytest

from harness.checks.security.cases import forged_cases
from harness.checks.security.timing import signature_pair
from harness.checks.security.timing_stats import (
    binomial_half_cdf,
    mann_whitney_z,
    median_interval,
    order_statistic_rank,
)


def test_sign_test_rank_matches_the_normal_approximation() -> None:
    assert order_statistic_rank(300, 0.99) == 128  # 150 - 2.576 * sqrt(300) / 2, rounded up
    assert order_statistic_rank(5, 0.99) == 0  # too few pairs for a 99% interval
    assert binomial_half_cdf(10, 10) == pytest.approx(1.0)


def test_interval_covers_the_true_median_at_about_its_confidence() -> None:
    rng = random.Random(7)
    hits = 0
    for _ in range(300):
        interval = median_interval([rng.gauss(25, 80) for _ in range(200)], 0.9)
        hits += interval.low <= 25 <= interval.high
    assert 0.85 <= hits / 300 <= 0.96


def test_heavy_tailed_noise_without_a_shift_is_not_a_leak() -> None:
    rng = random.Random(11)
    diffs = [rng.paretovariate(1.5) * rng.choice((-1, 1)) * 50 for _ in range(400)]
    assert not median_interval(diffs).excludes_zero_above()


def test_a_shift_is_seen_by_both_statistics() -> None:
    rng = random.Random(3)
    a = [rng.gauss(130, 20) for _ in range(150)]
    b = [rng.gauss(100, 20) for _ in range(150)]
    assert median_interval([x - y for x, y in zip(a, b, strict=True)]).excludes_zero_above()
    assert mann_whitney_z(a, b) > 5 > -5 > mann_whitney_z(b, a)


def test_signature_pair_differs_at_the_two_ends_only() -> None:
    valid = "ab" * 32
    nearly, wrong = signature_pair(valid)
    assert nearly[:-1] == valid[:-1] != nearly and wrong[1:] == valid[1:] != wrong
    nearly, wrong = signature_pair("sha256=" + valid)
    assert wrong.startswith("sha256=") and wrong[7] != valid[0] and wrong[8:] == valid[1:]


def test_forged_cases_follow_the_scheme() -> None:
    assert "signature-of-other-body" not in forged_cases("jwt")  # a Monday JWT does not cover the body
    assert {"jwt-scheme", "agent-scheme", "expired-jwt"} <= set(forged_cases("hmac-hex"))
    assert "stale-timestamp" in forged_cases("agent") and "agent-scheme" not in forged_cases("agent")
