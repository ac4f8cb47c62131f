"""The public idea lists read their first page from an index, never a sort of
the whole campaign (BENCHMARKS.md, "Ranking at scale"): the campaign page's
list and its capped count, and the API's list, first and next cursor page,
for anonymous and signed-in viewers, and its pages deep in a large campaign
whose ideas mostly tie on the sort's first field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns import selectors
from campaigns.api.pagination import IdeaCursorPagination, SeekCursor
from campaigns.models import Campaign, Idea
from core.pagination import CappedPaginator
from tests.api.helpers import published_ideas_create
from tests.factories import IdeaFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"),
]


SORT_INDEXES = [
    ("trending", "idea_trending_visible"),
    ("top", "idea_top_visible"),
    ("new", "idea_new_visible"),
]
# Large enough that the planner, left to itself, weighs an index walk against
# a scan and sort of the campaign, small enough to build in a few seconds.
CROWDED_CAMPAIGN_IDEAS = 20_000
# Deep in the crowded campaign's longest ties: over 19,600 of its ideas have
# 0 votes (`top`), over 18,100 score 0 (`trending`).
DEEP_IN_THE_TIES = CROWDED_CAMPAIGN_IDEAS - 1_000
# A seek bounded inside the index filters nothing; one bounded on the first
# field only reads and filters the tie above the boundary (17,154 rows in
# `trending`, 18,658 in `top` at DEEP_IN_THE_TIES).
FEW_ROWS_FILTERED = 1_000


@pytest.mark.parametrize(("sort", "index"), SORT_INDEXES)
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
@pytest.mark.parametrize(("sort", "index"), SORT_INDEXES)
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


@pytest.fixture
def crowded_campaign(campaign) -> Campaign:
    """A campaign whose ideas mostly tie on each sort's first field: 98% have 0
    votes, 90% score 0, and they were submitted a hundred to the minute."""
    now = timezone.now()
    published_ideas_create(
        campaign,
        CROWDED_CAMPAIGN_IDEAS,
        lambda i: {
            "vote_count": i % 7 if i % 50 == 0 else 0,
            "score": i % 13 / 3 if i % 10 == 0 else 0.0,
            "created_at": now - dt.timedelta(minutes=i // 100),
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Idea._meta.db_table}")
    return campaign


def _next_link_after(campaign: Campaign, sort: str, rank: int) -> str:
    """The API's `next` link of a page whose last idea is the one ranked `rank`."""
    boundary = selectors.idea_list_ranked(campaign=campaign, sort=sort)[rank - 1]
    paginator = IdeaCursorPagination()
    paginator.base_url = f"http://testserver/api/v1/ideas/?campaign={campaign.slug}&sort={sort}"
    values = tuple(getattr(boundary, field.lstrip("-")) for field in selectors.SORTS[sort])
    return paginator.encode_seek_cursor(SeekCursor(sort=sort, values=values, reverse=False))


@pytest.mark.parametrize(("sort", "index"), SORT_INDEXES)
def test_a_page_deep_in_a_crowded_campaign_and_the_one_before_walk_the_partial_index(
    api_list, crowded_campaign, sort, index
):
    client = APIClient()
    page, next_sql = api_list(client, _next_link_after(crowded_campaign, sort, CROWDED_CAMPAIGN_IDEAS // 2))
    _, previous_sql = api_list(client, page["previous"])

    for sql in (next_sql, previous_sql):
        # Nothing forbidden: the planner's own choice, on fresh statistics.
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan
        assert "Sort" not in plan, plan


def _index_scans(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "Index Name" in node:
        yield node
    for child in node.get("Plans", []):
        yield from _index_scans(child)


@pytest.mark.parametrize(("sort", "index"), SORT_INDEXES)
def test_a_page_deep_in_a_long_tie_starts_its_index_walk_at_the_boundary(
    api_list, crowded_campaign, sort, index
):
    client = APIClient()
    page, next_sql = api_list(client, _next_link_after(crowded_campaign, sort, DEEP_IN_THE_TIES))
    _, previous_sql = api_list(client, page["previous"])

    for sql in (next_sql, previous_sql):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]["Plan"]
        scan = next(node for node in _index_scans(plan) if node["Index Name"] == index)
        # Every field of the ordering bounds the walk, not the first alone.
        for field in selectors.SORTS[sort]:
            assert re.search(rf"\b{field.lstrip('-')}\b", scan["Index Cond"]), scan
        assert scan.get("Rows Removed by Filter", 0) < FEW_ROWS_FILTERED, scan
