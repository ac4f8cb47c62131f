"""The anonymous page cache (campaigns/page_cache.py): the campaign page and a
campaign's ideas API list, served from the cache to anonymous visitors until a
write to the campaign commits."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import account_delete
from campaigns import services
from campaigns.merging import idea_merge
from campaigns.models import Campaign, Idea, ModerationAction
from generation import services as generation_services
from generation.models import Draft
from tests.api.helpers import token_client
from tests.factories import IdeaFactory, UserFactory, VoteFactory
from tests.generation.factories import DraftFactory

CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]*)">')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.ANON_PAGE_CACHE_SECONDS = 60


def _page(campaign: Campaign) -> str:
    return reverse("campaign_detail", kwargs={"slug": campaign.slug})


def _api_list(campaign: Campaign) -> str:
    return f"/api/v1/ideas/?campaign={campaign.slug}"


def _without_tokens(content: bytes) -> bytes:
    return CSRF_INPUT.sub(b"", content)


def _titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def _queries(client: Client, path: str, **extra) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response, len(queries.captured_queries)


@pytest.mark.parametrize("path_of", [_page, _api_list], ids=["campaign page", "ideas API list"])
def test_an_anonymous_second_visit_is_served_from_the_cache_without_a_query(
    client, idea, path_of, django_assert_num_queries
):
    path = path_of(idea.campaign)
    first = client.get(path)

    with django_assert_num_queries(0):
        second = client.get(path)

    assert first.status_code == second.status_code == 200
    assert _without_tokens(second.content) == _without_tokens(first.content)
    assert idea.title.encode() in second.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Cookie" in second["Vary"]


def test_a_visitor_served_from_the_cache_gets_their_own_csrf_token_and_cookie(idea):
    path = _page(idea.campaign)
    first_visitor, second_visitor = Client(), Client()
    first = first_visitor.get(path)
    first_secret = first.cookies["csrftoken"].value

    second, queries = _queries(second_visitor, path)

    assert queries == 0
    second_secret = second.cookies["csrftoken"].value
    assert second_secret != first_secret
    tokens = CSRF_INPUT.findall(second.content)
    assert tokens  # the vote and language forms
    assert {_unmask_cipher_token(token.decode()) for token in tokens} == {second_secret}
    assert set(second.cookies) == {"csrftoken"}


def test_the_language_is_part_of_the_key(client, idea):
    path = _page(idea.campaign)
    english = client.get(path)

    chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    english_again, queries = _queries(client, path)

    assert b'<html lang="en">' in english.content
    assert b'<html lang="zh-hans">' in chinese.content
    assert b'<html lang="en">' in english_again.content
    assert queries == 0


def test_the_query_string_is_part_of_the_key(client, campaign):
    older = IdeaFactory(campaign=campaign, title="The older idea")
    IdeaFactory(campaign=campaign, title="The newer idea")
    VoteFactory.create_batch(3, idea=older)
    Idea.objects.filter(pk=older.pk).update(vote_count=3)
    client.get(_api_list(campaign) + "&sort=top")

    newest_first = client.get(_api_list(campaign) + "&sort=new")

    assert _titles(newest_first) == ["The newer idea", "The older idea"]


def test_a_signed_in_visitor_never_gets_the_cached_page(client, idea, user):
    VoteFactory(idea=idea, user=user)  # a raw row: nothing announces it
    path = _page(idea.campaign)
    anonymous = client.get(path)
    client.force_login(user)

    signed_in, queries = _queries(client, path)

    assert b"vote--voted" not in anonymous.content
    assert queries > 0
    assert b"vote--voted" in signed_in.content


def test_a_signed_in_visit_is_never_stored_for_anonymous_visitors(client, idea, user):
    path = _page(idea.campaign)
    client.force_login(user)
    assert b"Log out" in client.get(path).content

    anonymous = Client().get(path)

    assert b"Log out" not in anonymous.content


def test_an_api_client_with_a_token_never_gets_the_cached_list(idea, user):
    VoteFactory(idea=idea, user=user)
    Client().get(_api_list(idea.campaign))

    with_token = token_client(user).get(_api_list(idea.campaign))

    assert with_token.json()["results"][0]["has_voted"] is True


def test_a_visitor_with_a_message_waiting_is_not_served_from_the_cache(client, idea):
    path = _page(idea.campaign)
    client.get(path)
    client.cookies["messages"] = "anything"

    _, queries = _queries(client, path)

    assert queries > 0


def _vote(idea: Idea, moderator) -> None:
    services.vote_cast(idea=idea, user=UserFactory())


def _comment(idea: Idea, moderator) -> None:
    services.comment_add(idea=idea, author=UserFactory(), body="Make the strap wider, please.")


def _hide(idea: Idea, moderator) -> None:
    services.idea_moderate(idea=idea, actor=moderator, action=ModerationAction.Action.HIDE)


def _submit(idea: Idea, moderator) -> None:
    services.idea_submit(campaign=idea.campaign, author=UserFactory(), title="A brand new idea", body="Text.")


def _merge(idea: Idea, moderator) -> None:
    survivor = IdeaFactory(campaign=idea.campaign)
    idea_merge(duplicate=idea, survivor=survivor, actor=moderator)


def _delete_author(idea: Idea, moderator) -> None:
    account_delete(user=idea.author)


def _api_state(client: Client, campaign: Campaign) -> list[tuple[str, str, int, int]]:
    rows = client.get(_api_list(campaign)).json()["results"]
    return sorted((row["title"], row["author"], row["vote_count"], row["comment_count"]) for row in rows)


@pytest.mark.parametrize("write", [_vote, _comment, _hide, _submit, _merge, _delete_author])
def test_a_write_makes_the_next_anonymous_list_fresh(
    client, idea, moderator, write, django_capture_on_commit_callbacks
):
    before = _api_state(client, idea.campaign)
    # Only what committed may be served: the write's transaction commits here.
    with django_capture_on_commit_callbacks(execute=True):
        write(idea, moderator)

    after = _api_state(client, idea.campaign)

    uncached = Client(HTTP_AUTHORIZATION="none")  # any Authorization header bypasses the cache
    assert after == _api_state(uncached, idea.campaign)
    assert after != before


def test_a_vote_makes_the_next_anonymous_campaign_page_fresh(
    client, idea, django_capture_on_commit_callbacks
):
    path = _page(idea.campaign)
    assert b"<strong>0</strong>" in client.get(path).content
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(idea=idea, user=UserFactory())

    page = client.get(path)

    assert b"<strong>1</strong>" in page.content


def test_a_phase_change_makes_the_next_anonymous_campaign_page_fresh(
    client, campaign, moderator, django_capture_on_commit_callbacks
):
    path = _page(campaign)
    submit = reverse("idea_submit", kwargs={"slug": campaign.slug}).encode()
    assert submit in client.get(path).content
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_set_phase(campaign=campaign, phase=Campaign.Phase.VOTING, actor=moderator)

    page = client.get(path)

    assert submit not in page.content


def test_a_published_draft_makes_the_next_anonymous_campaign_page_fresh(
    client, idea, moderator, django_capture_on_commit_callbacks
):
    draft = DraftFactory(
        request__campaign=idea.campaign, status=Draft.Status.APPROVED, text="Our lightest pack yet."
    )
    path = _page(idea.campaign)
    assert b"Our lightest pack yet." not in client.get(path).content
    with django_capture_on_commit_callbacks(execute=True):
        generation_services.draft_publish(draft=draft, actor=moderator)

    page = client.get(path)

    assert b"Our lightest pack yet." in page.content


@pytest.mark.parametrize(
    ("admin_path", "form", "shown"),
    [
        (
            lambda campaign: reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
            lambda campaign: {"title": "Winter edition", "brand": campaign.brand_id},
            b"Winter edition",
        ),
        (
            lambda campaign: reverse("admin:campaigns_brand_change", args=[campaign.brand_id]),
            lambda campaign: {"name": "Northpeak Renamed", "slug": campaign.brand.slug},
            b"Northpeak Renamed",
        ),
    ],
    ids=["campaign edited", "brand renamed"],
)
def test_an_edit_in_the_admin_makes_the_next_anonymous_campaign_page_fresh(
    client, idea, superuser, admin_path, form, shown, django_capture_on_commit_callbacks
):
    campaign = idea.campaign
    path = _page(campaign)
    assert shown not in client.get(path).content
    editor = Client()
    editor.force_login(superuser)
    change = editor.get(admin_path(campaign))
    fields = {**_admin_form_values(change), **form(campaign)}
    with django_capture_on_commit_callbacks(execute=True):
        saved = editor.post(admin_path(campaign), fields)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved

    page = client.get(path)

    assert shown in page.content


def _admin_form_values(response) -> dict[str, object]:
    """The values an admin change form would post back unchanged."""
    form = response.context["adminform"].form
    values: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(field.widget, forms.SplitDateTimeWidget):
            date, time = field.widget.decompress(value)
            values[f"{name}_0"], values[f"{name}_1"] = date.isoformat(), time.isoformat()
        else:
            values[name] = value
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        values.update({management.add_prefix(k): v for k, v in management.initial.items()})
    return values


def test_a_write_not_yet_committed_leaves_the_cached_page_alone(client, idea):
    client.get(_api_list(idea.campaign))
    # Inside the test's transaction: the commit that renews the page never comes.
    services.vote_cast(idea=idea, user=UserFactory())

    response, queries = _queries(client, _api_list(idea.campaign))

    assert queries == 0
    assert response.json()["results"][0]["vote_count"] == 0


def test_nothing_is_cached_when_the_setting_is_zero(client, idea, settings):
    settings.ANON_PAGE_CACHE_SECONDS = 0
    client.get(_api_list(idea.campaign))
    services.vote_cast(idea=idea, user=UserFactory())

    response, queries = _queries(client, _api_list(idea.campaign))

    assert queries > 0
    assert response.json()["results"][0]["vote_count"] == 1


class _CacheDown:
    def get(self, *args, **kwargs):
        raise ConnectionError("the cache is down")

    add = set = get


def test_the_page_is_still_served_when_the_cache_fails(client, idea, monkeypatch):
    monkeypatch.setattr("campaigns.page_cache.cache", _CacheDown())

    response = client.get(_page(idea.campaign))

    assert response.status_code == 200
    assert idea.title.encode() in response.content
