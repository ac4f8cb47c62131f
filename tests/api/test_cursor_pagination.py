"""The ideas list's cursor: `next` and `previous` walk the whole ranked list,
each idea once, however many ideas tie on the sort's fields."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns import selectors
from campaigns.api.pagination import rows_after
from campaigns.models import Campaign, Idea
from tests.api.helpers import assert_error_shape, published_ideas_create

IDEAS = "/api/v1/ideas/"
SORTS = list(selectors.SORTS)
# DRF's CursorPagination kept an offset among rows tied on the first field and
# capped it at 1,000: past that, `next` returned the same page again.
DRF_OFFSET_CUTOFF = 1_000


def _ranked_ids(campaign: Campaign, sort: str) -> list[int]:
    return list(
        Idea.objects.filter(campaign=campaign).order_by(*selectors.SORTS[sort]).values_list("id", flat=True)
    )


def _walk(api: APIClient, url: str, link: str, *, most: int) -> list[dict[str, Any]]:
    """The pages from `url` on, following `link` until it is null (at most `most` pages)."""
    pages: list[dict[str, Any]] = []
    while url is not None:
        assert len(pages) < most, f"the {link} links went on past {most} pages"
        response = api.get(url)
        assert response.status_code == 200, response.content
        pages.append(response.json())
        url = pages[-1][link]
    return pages


def _ids(page: dict[str, Any]) -> list[int]:
    return [row["id"] for row in page["results"]]


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize("sort", SORTS)
def test_next_pages_through_more_tied_ideas_than_drfs_offset_cutoff(api, settings, campaign, sort):
    settings.IDEAS_PER_PAGE = 100
    # Every idea has 0 votes, score 0 and one created_at: all tie but on the id.
    submitted = timezone.now()
    count = DRF_OFFSET_CUTOFF + 2 * settings.IDEAS_PER_PAGE + 50
    published_ideas_create(campaign, count, lambda i: {"created_at": submitted})

    pages = _walk(
        api,
        f"{IDEAS}?campaign={campaign.slug}&sort={sort}",
        "next",
        most=count // settings.IDEAS_PER_PAGE + 1,
    )

    assert [i for page in pages for i in _ids(page)] == _ranked_ids(campaign, sort)


@pytest.mark.parametrize("sort", SORTS)
def test_next_then_previous_give_the_same_pages_in_the_sorts_order(api, settings, campaign, sort):
    settings.IDEAS_PER_PAGE = 4
    # Few distinct values, so each page boundary falls inside a run of ties on
    # the first fields and the later fields decide.
    early, late = timezone.now() - dt.timedelta(days=1), timezone.now()
    published_ideas_create(
        campaign,
        30,
        lambda i: {
            "vote_count": 2 * (i % 3 == 0),
            "score": 1.5 * (i % 4 == 0),
            "created_at": (early, late)[i % 2],
        },
    )

    forward = _walk(api, f"{IDEAS}?campaign={campaign.slug}&sort={sort}", "next", most=8)
    backward = _walk(api, forward[-1]["previous"], "previous", most=7)

    assert [i for page in forward for i in _ids(page)] == _ranked_ids(campaign, sort)
    assert forward[0]["previous"] is None
    assert [_ids(page) for page in backward] == [_ids(page) for page in reversed(forward[:-1])]


def test_an_empty_campaign_has_an_empty_first_page_and_no_links(api, campaign):
    response = api.get(f"{IDEAS}?campaign={campaign.slug}")

    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": []}


def test_votes_arriving_between_pages_move_an_idea_without_breaking_the_next_page(api, settings, campaign):
    settings.IDEAS_PER_PAGE = 2
    published_ideas_create(campaign, 5, lambda i: {"vote_count": 10 - i})
    first = api.get(f"{IDEAS}?campaign={campaign.slug}&sort=top").json()
    boundary = Idea.objects.get(pk=_ids(first)[-1])
    boundary.vote_count = 100
    boundary.save(update_fields=["vote_count"])

    second = api.get(first["next"])

    # The cursor holds the boundary's values when the link was made: the page
    # is what ranked after them, which the idea that moved up is no longer.
    assert second.status_code == 200
    assert _ids(second.json()) == _ranked_ids(campaign, "top")[2:4]


def test_a_deleted_boundary_idea_does_not_break_the_next_page(api, settings, campaign):
    settings.IDEAS_PER_PAGE = 2
    published_ideas_create(campaign, 5, lambda i: {"vote_count": 10 - i})
    first = api.get(f"{IDEAS}?campaign={campaign.slug}&sort=top").json()
    Idea.objects.filter(pk=_ids(first)[-1]).delete()

    second = api.get(first["next"])

    assert second.status_code == 200
    assert _ids(second.json()) == _ranked_ids(campaign, "top")[1:3]


NOW = "2025-03-01T12:00:00.123456+00:00"


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("a", id="bad-base64"),
        pytest.param(base64.b64encode(b"p=12&o=3").decode(), id="not-json"),
        pytest.param(_cursor([0, NOW, 1]), id="not-an-object"),
        pytest.param(base64.urlsafe_b64encode(b"[" * 2000).decode(), id="nested-too-deep"),
        pytest.param(base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode(), id="deep-and-well-formed"),
        pytest.param(_cursor({"s": "top", "v": [0, NOW]}), id="too-few-values"),
        pytest.param(_cursor({"s": "top", "v": [0, NOW, 1, 2]}), id="too-many-values"),
        pytest.param(_cursor({"s": "top", "v": 0}), id="values-not-a-list"),
        pytest.param(_cursor({"s": "top", "v": ["many", NOW, 1]}), id="text-for-a-count"),
        pytest.param(_cursor({"s": "top", "v": [0, "yesterday", 1]}), id="junk-datetime"),
        pytest.param(_cursor({"s": "top", "v": [0, 1740830400, 1]}), id="number-for-a-datetime"),
        pytest.param(_cursor({"s": "top", "v": [0, "2025-03-01T12:00:00", 1]}), id="naive-datetime"),
        pytest.param(_cursor({"s": "top", "v": [0, NOW, None]}), id="null-id"),
        pytest.param(_cursor({"s": "top", "v": [0, NOW, True]}), id="boolean-id"),
        pytest.param(_cursor({"s": "top", "v": [0, NOW, 1.5]}), id="fraction-for-an-id"),
        pytest.param(_cursor({"s": "top", "v": [0, NOW, 2**70]}), id="id-out-of-range"),
        pytest.param(_cursor({"s": "top", "v": [-1, NOW, 1]}), id="negative-count"),
        pytest.param(_cursor({"s": "top", "v": [0, NOW, 1], "r": "back"}), id="junk-direction"),
        pytest.param(_cursor({"s": "trending", "v": [0.5, 1]}), id="another-sorts-cursor"),
        pytest.param(_cursor({"v": [0, NOW, 1]}), id="no-sort"),
    ],
)
def test_a_junk_cursor_is_a_json_404(api, campaign, cursor):
    assert_error_shape(
        api.get(f"{IDEAS}?campaign={campaign.slug}&sort=top&cursor={cursor}"), 404, "not_found"
    )


def test_a_cursor_nested_past_the_apis_json_depth_is_a_json_404_though_its_values_are_good(
    api, settings, campaign
):
    # Plain json.loads reads this cursor; the API's bounded reader refuses it.
    nested = json.loads("[" * settings.API_JSON_MAX_DEPTH + "]" * settings.API_JSON_MAX_DEPTH)
    cursor = _cursor({"s": "top", "v": [0, NOW, 1], "x": nested})

    assert_error_shape(
        api.get(f"{IDEAS}?campaign={campaign.slug}&sort=top&cursor={cursor}"), 404, "not_found"
    )


@pytest.mark.parametrize("score", [math.inf, -math.inf, math.nan], ids=["inf", "-inf", "nan"])
def test_a_cursor_with_a_score_that_is_not_a_number_is_a_json_404(api, campaign, score):
    cursor = _cursor({"s": "trending", "v": [score, 1]})

    assert_error_shape(api.get(f"{IDEAS}?campaign={campaign.slug}&cursor={cursor}"), 404, "not_found")


def test_a_cursor_made_for_one_sort_is_a_404_under_another(api, settings, campaign):
    settings.IDEAS_PER_PAGE = 1
    published_ideas_create(campaign, 2)
    next_link = api.get(f"{IDEAS}?campaign={campaign.slug}&sort=new").json()["next"]

    response = api.get(next_link.replace("sort=new", "sort=trending"))

    assert_error_shape(response, 404, "not_found")


def _tied_ideas_create(campaign: Campaign) -> None:
    """Ideas with few distinct vote counts and times, so a boundary falls
    inside runs of ties and each later field decides some of the order."""
    early, late = timezone.now() - dt.timedelta(days=1), timezone.now()
    published_ideas_create(
        campaign, 24, lambda i: {"vote_count": i % 3, "created_at": (early, late)[i // 3 % 2]}
    )


@pytest.mark.parametrize(
    "ordering",
    [
        pytest.param(("-vote_count", "-created_at", "-id"), id="all-descending"),
        pytest.param(("vote_count", "created_at", "id"), id="all-ascending"),
        pytest.param(("-vote_count", "created_at", "-id"), id="mixed"),
        pytest.param(("vote_count", "-created_at", "id"), id="mixed-starting-ascending"),
    ],
)
def test_rows_after_a_boundary_are_the_rows_ranked_after_it(campaign, ordering):
    _tied_ideas_create(campaign)
    ranked = list(Idea.objects.filter(campaign=campaign).order_by(*ordering))

    for position, boundary in enumerate(ranked):
        values = tuple(getattr(boundary, field.lstrip("-")) for field in ordering)
        after = Idea.objects.filter(campaign=campaign).filter(rows_after(ordering, values))

        assert list(after.order_by(*ordering)) == ranked[position + 1 :]


@pytest.mark.parametrize("sort", SORTS)
def test_a_sorts_seek_is_one_row_comparison_of_its_fields(campaign, sort):
    ordering = selectors.SORTS[sort]
    published_ideas_create(campaign, 1)
    idea = Idea.objects.get(campaign=campaign)
    values = tuple(getattr(idea, field.lstrip("-")) for field in ordering)

    sql, _ = Idea.objects.filter(rows_after(ordering, values)).query.sql_with_params()

    # One comparison the database can apply inside the sort's index, not an
    # OR of comparisons it can bound on the first field only.
    columns = ", ".join(f'"campaigns_idea"."{field.lstrip("-")}"' for field in ordering)
    placeholders = ", ".join(["%s"] * len(ordering))
    assert f"WHERE ({columns}) < ({placeholders})" in sql, sql
    assert " OR " not in sql, sql
