"""The public idea lists read their first page from an index, never a sort of
the whole campaign (BENCHMARKS.md, "Ranking at scale")."""

from __future__ import annotations

import pytest
from django.db import connection

from campaigns import selectors
from tests.factories import IdeaFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"),
]


@pytest.mark.parametrize(
    ("sort", "index"),
    [("trending", "idea_trending_visible"), ("top", "idea_top_visible"), ("new", "idea_new_visible")],
)
def test_each_ranked_list_is_served_by_its_partial_index_without_a_sort(campaign, user, sort, index):
    IdeaFactory.create_batch(30, campaign=campaign)
    qs = selectors.idea_list_ranked(campaign=campaign, sort=sort, viewer=user)[:20]

    with connection.cursor() as cursor:
        # On a small table a sequential scan is cheaper; forbid it to ask
        # whether the index can serve this exact WHERE and ORDER BY at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()

    assert index in plan, plan
    assert "Sort" not in plan, plan
