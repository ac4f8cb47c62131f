"""The campaign page's paginator counts a few pages ahead, never the whole
campaign, and answers any ?page= with a page (BENCHMARKS.md, "Ranking at scale")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from campaigns import selectors
from campaigns.models import Idea
from core.pagination import CappedPaginator
from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _paginator(campaign, **options) -> CappedPaginator:
    return CappedPaginator(selectors.idea_list_ranked(campaign=campaign, sort="new"), 2, **options)


def test_a_short_list_shows_its_exact_number_of_pages(campaign):
    IdeaFactory.create_batch(5, campaign=campaign)

    page = _paginator(campaign, pages_ahead=2).get_page("1")

    assert page.paginator.count == 5
    assert page.paginator.num_pages == 3
    assert not page.paginator.count_is_capped


def test_a_long_list_is_counted_only_a_few_pages_past_the_page_asked_for(campaign):
    IdeaFactory.create_batch(11, campaign=campaign)

    page = _paginator(campaign, pages_ahead=2).get_page("2")

    # Pages 2 + 2 ahead = 8 rows, and one more to know that more exist.
    assert page.paginator.count == 9
    assert page.paginator.count_is_capped
    assert page.paginator.counted_pages == 4
    assert page.has_next()


def test_the_count_reads_no_more_rows_than_it_needs(campaign):
    IdeaFactory.create_batch(11, campaign=campaign)
    paginator = _paginator(campaign, pages_ahead=1)

    with CaptureQueriesContext(connection) as captured:
        paginator.get_page("1")

    count_sql = next(q["sql"] for q in captured if "COUNT(" in q["sql"].upper())
    assert "LIMIT 5" in count_sql, count_sql


def test_every_page_of_a_capped_list_is_reachable_by_next_links(campaign):
    ideas = IdeaFactory.create_batch(11, campaign=campaign)
    seen, number = [], "1"

    while True:
        page = _paginator(campaign, pages_ahead=1).get_page(number)
        seen += [idea.pk for idea in page]
        if not page.has_next():
            break
        number = str(page.next_page_number())

    assert sorted(seen) == sorted(idea.pk for idea in ideas)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("number", ["abc", "", None, "-1", "0", "1.5", "9" * 5000])
def test_a_page_number_that_is_not_a_page_is_page_one(campaign, number):
    IdeaFactory.create_batch(5, campaign=campaign)

    page = _paginator(campaign).get_page(number)

    assert page.number == 1


def test_a_page_past_the_end_is_the_last_page(campaign):
    IdeaFactory.create_batch(5, campaign=campaign)

    page = _paginator(campaign).get_page("99999")

    assert page.number == 3
    assert len(page) == 1


def test_no_page_past_the_deepest_served_one_and_no_link_beyond_it(campaign):
    IdeaFactory.create_batch(9, campaign=campaign)

    page = _paginator(campaign, max_pages=3).get_page("99999")

    assert page.number == 3
    assert not page.has_next()


def test_an_empty_campaign_has_one_empty_page(campaign):
    IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    page = _paginator(campaign).get_page("1")

    assert list(page) == []
    assert page.paginator.num_pages == 1


# --- the campaign page -------------------------------------------------------------------


@pytest.fixture
def one_idea_per_page(settings):
    settings.IDEAS_PER_PAGE = 1
    settings.ANON_PAGE_CACHE_SECONDS = 0


@pytest.mark.parametrize("number", ["abc", "-1", "99999", "0", "%00"])
def test_the_campaign_page_answers_any_page_number(client, campaign, one_idea_per_page, number):
    IdeaFactory.create_batch(3, campaign=campaign)

    response = client.get(f"{campaign.get_absolute_url()}?page={number}")

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 1


def test_the_campaign_page_says_more_than_n_pages_when_it_did_not_count_them_all(
    client, campaign, one_idea_per_page
):
    IdeaFactory.create_batch(13, campaign=campaign)

    response = client.get(campaign.get_absolute_url())

    assertContains(response, "Page 1 of more than 11")
    assertContains(response, 'rel="next" href="?page=2"')


def test_the_campaign_page_shows_the_exact_total_when_it_counted_every_idea(
    client, campaign, one_idea_per_page
):
    IdeaFactory.create_batch(3, campaign=campaign)

    response = client.get(campaign.get_absolute_url(), {"page": 2, "sort": "new"})

    assertContains(response, "Page 2 of 3")
    assertNotContains(response, "more than")
