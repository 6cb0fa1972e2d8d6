"""Statistics for the black-box timing check: a distribution-free confidence interval of a median.

The timing check measures *paired* differences: each pair is one request with a nearly right
signature and one with a wrong first byte, sent back to back in a random order, so slow drifts of
the machine cancel within a pair. The median of the differences has an exact confidence interval
from the sign test (order statistics of a Binomial(n, 1/2)), which assumes nothing about the shape of
the noise: heavy tails from a loaded machine widen the interval instead of faking a difference.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class MedianInterval:
    n: int
    median: float
    low: float
    high: float
    confidence: float

    @property
    def half_width(self) -> float:
        """Half the interval's width: differences much smaller than this cannot be told from noise."""
        return (self.high - self.low) / 2

    def excludes_zero_above(self, floor: float = 0.0) -> bool:
        """Whether the whole interval lies above ``floor`` (the first kind of request is slower)."""
        return self.low > floor

    def describe(self, unit: str = "µs") -> str:
        return (f"median difference {self.median:+.1f} {unit}, {self.confidence:.0%} CI "
                f"[{self.low:+.1f}, {self.high:+.1f}] {unit} over {self.n} pairs")


def binomial_half_cdf(n: int, k: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2), exactly."""
    if k < 0:
        return 0.0
    return float(sum(math.comb(n, i) for i in range(min(k, n) + 1)) / 2**n)


def order_statistic_rank(n: int, confidence: float) -> int:
    """The largest 1-based rank r with P(X <= r - 1) <= (1 - confidence) / 2, or 0 if n is too small."""
    alpha_half = (1 - confidence) / 2
    rank = 0
    while rank < n // 2 and binomial_half_cdf(n, rank) <= alpha_half:
        rank += 1
    return rank


def median_interval(differences: list[float], confidence: float = 0.99) -> MedianInterval:
    """The sign-test confidence interval ``[d_(r), d_(n-r+1)]`` of the median of ``differences``."""
    ordered = sorted(differences)
    n = len(ordered)
    if n == 0:
        raise ValueError("no differences to summarise")
    rank = order_statistic_rank(n, confidence)
    if rank == 0:
        return MedianInterval(n, statistics.median(ordered), -math.inf, math.inf, confidence)
    return MedianInterval(n, statistics.median(ordered), ordered[rank - 1], ordered[n - rank], confidence)


def mann_whitney_z(a: list[float], b: list[float]) -> float:
    """Mann-Whitney U as a z score (normal approximation, average ranks for ties); positive: ``a`` slower."""
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(pooled)
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    rank_a = sum(r for r, (_, group) in zip(ranks, pooled, strict=True) if group == 0)
    n1, n2 = len(a), len(b)
    u = rank_a - n1 * (n1 + 1) / 2
    sigma = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return (u - n1 * n2 / 2) / sigma if sigma else 0.0
