"""Trending score: an exponentially decayed activity sum, stored in log space.

    trending(now) = sum over events e of  w_e * exp(-(now - t_e) / TAU)

Events are the idea's creation (weight W_CREATED), each vote (W_VOTE) and each
published comment (W_COMMENT). Factor out exp(-(now - EPOCH) / TAU), which is
the same for every idea at a given `now`, and what is left no longer depends on
`now`:

    score = ln( sum over e of  w_e * exp((t_e - EPOCH) / TAU) )

so ordering by the stored `score` is ordering by trending at any moment, and an
event updates it in O(1) with a log-add-exp (no periodic recompute, no per-row
work on read; the list is one indexed ORDER BY). Log space never overflows:
after ten years the exponent is about 1,600, far inside a float.

Unlike Fider's or Astuto's formulas, the creation event gives every new idea
the weight of W_CREATED fresh votes, so a new idea starts level with an older
idea whose votes have decayed, instead of at the bottom of the list.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

# Half-life of activity: after 3 days a vote counts half as much.
HALF_LIFE_SECONDS = 3 * 24 * 3600
TAU = HALF_LIFE_SECONDS / math.log(2)
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)

W_CREATED = 2.0  # a new idea is worth two fresh votes of exposure
W_VOTE = 1.0
W_COMMENT = 0.5  # discussion counts, less than a vote


def _exponent(weight: float, at: datetime) -> float:
    return math.log(weight) + (at - EPOCH).total_seconds() / TAU


def score_initial(created_at: datetime) -> float:
    return _exponent(W_CREATED, created_at)


def score_add(score: float, weight: float, at: datetime) -> float:
    """ln(exp(score) + weight * exp((at - EPOCH) / TAU)), computed stably."""
    x = _exponent(weight, at)
    hi, lo = max(score, x), min(score, x)
    return hi + math.log1p(math.exp(lo - hi))


def score_remove(score: float, weight: float, at: datetime, *, floor: float) -> float:
    """Undo score_add for an event (a withdrawn vote, a hidden comment).

    `floor` is the idea's creation score, which no removal can go below; float
    rounding on a near-total cancellation would otherwise give -inf.
    """
    x = _exponent(weight, at)
    if x >= score:
        return floor
    remaining = score + math.log1p(-math.exp(x - score))
    return max(remaining, floor)


def trending_now(score: float, now: datetime) -> float:
    """The decayed activity at `now`, for display and tests."""
    return math.exp(score - (now - EPOCH).total_seconds() / TAU)
