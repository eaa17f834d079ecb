"""A short `make soak`: a real server killed with SIGKILL mid-load, restarted, every request replayed.

Bounded: 4 clients for 4 s on the test world's four squares; on PostgreSQL when the suite runs there.
"""

from __future__ import annotations

import os

import pytest

from tests.bench.soak_submit import soak

pytestmark = pytest.mark.slow


def test_nothing_acknowledged_is_lost_and_replays_return_the_original_ids():
    kind = "postgresql" if os.environ.get("LAGESBILD_TEST_DATABASE_URL") else "sqlite"
    result = soak(kind, seconds=4.0, clients=4, kill_pause=0.5, small=True)
    assert result.acknowledged > 0
    assert result.no_answer > 0 or result.requests > 0  # the kill lands while clients post
    assert result.errors_5xx == 0
    assert result.lost == 0
    assert result.replay_mismatches == 0
    # 10 concurrent requests with one Idempotency-Key: one row, one id in all ten answers.
    assert (result.same_key_rows, result.same_key_distinct_ids) == (1, 1)
