"""The public idea lists read their first page from an index, never a sort of
the whole campaign (BENCHMARKS.md, "Ranking at scale"): the campaign page's
list and its capped count, and the API's list, first and next cursor page,
for anonymous and signed-in viewers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from campaigns import selectors
from campaigns.models import Idea
from campaigns.pagination import CappedPaginator
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


def _plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        # A few rows are cheaper to scan and sort; forbid both to ask whether
        # an index can serve this exact WHERE and ORDER BY at all (a Sort is
        # still planned when none can).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _idea_list_sql(captured: CaptureQueriesContext) -> str:
    """The query that reads the ideas of the list: ordered, from the ideas table."""
    return next(q["sql"] for q in captured if 'FROM "campaigns_idea"' in q["sql"] and "ORDER BY" in q["sql"])


def test_the_campaign_pages_count_reads_a_limited_range_of_the_index(campaign):
    IdeaFactory.create_batch(30, campaign=campaign)
    paginator = CappedPaginator(selectors.idea_list_ranked(campaign=campaign, sort="top"), 2)

    with CaptureQueriesContext(connection) as captured:
        paginator.get_page("1")
    count_sql = next(q["sql"] for q in captured if "COUNT(" in q["sql"].upper())
    plan = _plan_of(count_sql)

    assert "idea_top_visible" in plan, plan
    assert "Limit" in plan, plan
    assert "Sort" not in plan, plan


@pytest.fixture
def api_list(settings):
    """GET the ideas API list; the anonymous page cache off, so each call queries."""
    settings.ANON_PAGE_CACHE_SECONDS = 0

    def get(client: APIClient, url: str) -> tuple[dict, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content
        return response.json(), _idea_list_sql(captured)

    return get


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize(
    ("sort", "index"),
    [("trending", "idea_trending_visible"), ("top", "idea_top_visible"), ("new", "idea_new_visible")],
)
def test_the_api_ideas_list_and_its_next_page_walk_the_partial_index(
    api_list, campaign, user, signed_in, sort, index
):
    IdeaFactory.create_batch(30, campaign=campaign)
    IdeaFactory(campaign=campaign, author=user, status=Idea.Status.PENDING)
    client = APIClient()
    if signed_in:
        client.force_authenticate(user)

    first, first_sql = api_list(client, f"/api/v1/ideas/?campaign={campaign.slug}&sort={sort}")
    _, next_sql = api_list(client, first["next"])

    for sql in (first_sql, next_sql):
        plan = _plan_of(sql)
        assert index in plan, plan
        assert "Sort" not in plan, plan
