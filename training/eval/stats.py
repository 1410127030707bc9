"""Intervals for evaluation numbers: a bootstrap for means and paired differences, and
Wilson's interval for a success rate (which stays inside [0, 1] and is not zero-width
at 0 or 1 successes out of n)."""

from __future__ import annotations

import math
import random
from typing import Sequence

__all__ = ["bootstrap_ci", "error_bars", "paired_gain", "wilson_ci"]


def bootstrap_ci(values: Sequence[float], n: int = 2000, seed: int = 0
                 ) -> tuple[float, float]:
    """95% percentile interval of the mean of ``values`` over ``n`` resamples."""
    if not values:
        return math.nan, math.nan
    rng = random.Random(seed)
    means = sorted(sum(rng.choice(values) for _ in values) / len(values) for _ in range(n))
    return means[int(0.025 * n)], means[int(0.975 * n) - 1]


def paired_gain(after: Sequence[float], before: Sequence[float]
                ) -> tuple[float, tuple[float, float]]:
    """Mean of the paired differences ``after - before`` and its bootstrap 95% interval."""
    diffs = [a - b for a, b in zip(after, before, strict=True)]
    return sum(diffs) / len(diffs), bootstrap_ci(diffs)


def wilson_ci(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a success rate."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def error_bars(values: Sequence[float], intervals: Sequence[tuple[float, float]]
               ) -> list[list[float]]:
    """Matplotlib's asymmetric error bars ``[below, above]`` from (low, high) intervals."""
    pairs = list(zip(values, intervals, strict=True))
    # An empty group's interval is (nan, nan): no bar for it (nan != nan).
    below = [max(0.0, v - lo) if lo == lo else 0.0 for v, (lo, _) in pairs]
    above = [max(0.0, hi - v) if hi == hi else 0.0 for v, (_, hi) in pairs]
    return [below, above]
