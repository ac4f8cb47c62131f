"""Bad requests get a 4xx in the one error shape, saying what was wrong."""

from __future__ import annotations

import base64

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseServerError

from campaigns import services
from campaigns.models import Campaign
from core.api.errors import ApiJsonErrorsMiddleware
from tests.api.helpers import assert_error_shape, token_client
from tests.factories import CampaignFactory, IdeaFactory

IDEAS = "/api/v1/ideas/"


@pytest.fixture
def client(user):
    return token_client(user)


def test_fields_of_the_wrong_type_are_each_named(client, campaign):
    response = client.post(
        IDEAS,
        {"campaign": campaign.slug, "title": ["not", "text"], "body": {"a": 1}, "consent_ai": "perhaps"},
        format="json",
    )

    error = assert_error_shape(response, 400, "invalid")
    assert set(error["fields"]) == {"title", "body", "consent_ai"}


def test_a_missing_required_field_is_named(client, campaign):
    response = client.post(IDEAS, {"campaign": campaign.slug, "title": "Reflective straps"}, format="json")

    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["body"]


def test_a_body_that_is_not_an_object_is_refused(client):
    response = client.post(IDEAS, [1, 2, 3], format="json")

    error = assert_error_shape(response, 400, "invalid")
    assert "non_field_errors" in error["fields"]


def test_an_unknown_idea_is_404(client):
    assert_error_shape(client.get(f"{IDEAS}987654/"), 404, "not_found")


def test_voting_for_an_unknown_idea_is_404(client):
    assert_error_shape(client.post(f"{IDEAS}987654/vote/"), 404, "not_found")


def test_a_non_numeric_idea_id_is_404(client):
    assert_error_shape(client.get(f"{IDEAS}abc/"), 404, "not_found")


def test_an_unknown_url_under_the_api_is_a_json_404(client):
    assert_error_shape(client.get("/api/v1/nothing-here/"), 404, "not_found")


def test_reporting_an_unknown_idea_names_the_field(client):
    response = client.post("/api/v1/reports/", {"idea": 987654, "reason": "spam"}, format="json")

    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["idea"]


def test_an_unknown_filter_value_is_refused_not_ignored(client):
    error = assert_error_shape(client.get(f"{IDEAS}?status=popular"), 400, "invalid")

    assert list(error["fields"]) == ["status"]


def test_an_unknown_sort_is_refused(client):
    error = assert_error_shape(client.get(f"{IDEAS}?sort=random"), 400, "invalid")

    assert list(error["fields"]) == ["sort"]


def test_a_forged_cursor_is_404(client):
    assert_error_shape(client.get(f"{IDEAS}?cursor=bz14"), 404, "not_found")


def test_a_cursor_with_a_junk_position_is_404(client):
    junk = base64.b64encode(b"p=not-a-score").decode()

    assert_error_shape(client.get(f"{IDEAS}?cursor={junk}"), 404, "not_found")


def test_a_nul_character_in_a_slug_is_a_field_error(client):
    response = client.post(IDEAS, {"campaign": "c\x00", "title": "Nul in slug", "body": "x"}, format="json")

    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["campaign"]


def test_a_nul_character_in_a_filter_is_a_field_error(client):
    error = assert_error_shape(client.get(f"{IDEAS}?author=a%00b"), 400, "invalid")

    assert list(error["fields"]) == ["author"]


def test_an_empty_filter_is_refused_rather_than_ignored(client):
    error = assert_error_shape(client.get(f"{IDEAS}?status="), 400, "invalid")

    assert list(error["fields"]) == ["status"]


def test_a_malformed_page_number_is_a_field_error(client):
    error = assert_error_shape(client.get("/api/v1/campaigns/?page=two"), 400, "invalid")

    assert list(error["fields"]) == ["page"]


def test_invalid_json_is_a_400_parse_error(client):
    response = client.post(IDEAS, b'{"title": ', content_type="application/json")

    assert_error_shape(response, 400, "parse_error")


def test_a_body_that_is_not_utf8_is_a_400_parse_error(client):
    response = client.post(IDEAS, b'{"title": "\xff\xfe caf\xe9"}', content_type="application/json")

    assert_error_shape(response, 400, "parse_error")


def test_a_body_that_is_not_json_is_415(client):
    response = client.post(IDEAS, b"title=hello", content_type="application/x-www-form-urlencoded")

    assert_error_shape(response, 415, "unsupported_media_type")


def test_an_oversized_body_is_413_before_it_is_parsed(client, settings, campaign):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = b'{"campaign": "%s", "title": "Too long", "body": "%s"}' % (campaign.slug.encode(), b"x" * 2048)

    response = client.post(IDEAS, body, content_type="application/json")

    assert_error_shape(response, 413, "request_too_large")
    assert not campaign.ideas.exists()


def test_a_second_vote_is_409_already_voted(client, user, idea):
    services.vote_cast(idea=idea, user=user)

    assert_error_shape(client.post(f"{IDEAS}{idea.pk}/vote/"), 409, "already_voted")


def test_withdrawing_a_vote_never_cast_is_409(client, idea):
    assert_error_shape(client.delete(f"{IDEAS}{idea.pk}/vote/"), 409, "not_voted")


def test_voting_after_the_voting_phase_is_409_phase_closed(client, brand):
    idea = IdeaFactory(campaign=CampaignFactory(brand=brand, phase=Campaign.Phase.REVIEW))

    assert_error_shape(client.post(f"{IDEAS}{idea.pk}/vote/"), 409, "phase_closed")


def test_submitting_to_a_campaign_past_the_idea_phase_is_409(client, brand):
    campaign = CampaignFactory(brand=brand, phase=Campaign.Phase.VOTING)

    response = client.post(
        IDEAS, {"campaign": campaign.slug, "title": "Late idea", "body": "x"}, format="json"
    )

    assert_error_shape(response, 409, "phase_closed")


def test_reopening_a_closed_campaign_for_ideas_is_409_invalid_transition(moderator, brand):
    campaign = CampaignFactory(brand=brand, phase=Campaign.Phase.CLOSED)

    response = token_client(moderator).post(
        f"/api/v1/campaigns/{campaign.slug}/phase/", {"phase": "ideas"}, format="json"
    )

    assert_error_shape(response, 409, "invalid_transition")
    campaign.refresh_from_db()
    assert campaign.phase == Campaign.Phase.CLOSED


def test_a_rule_of_the_model_comes_back_as_field_errors(moderator, brand):
    response = token_client(moderator).post(
        "/api/v1/campaigns/",
        {
            "brand": brand.slug,
            "title": "Closes before it opens",
            "slug": "backwards",
            "brief": "A brief.",
            "product_name": "Thing",
            "opens_at": "2030-01-02T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
        },
        format="json",
    )

    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["non_field_errors"]
    assert not Campaign.objects.filter(slug="backwards").exists()


def test_a_second_report_of_the_same_idea_is_409(client, user, idea):
    services.report_file(reporter=user, reason="spam", idea=idea)

    response = client.post("/api/v1/reports/", {"idea": idea.pk, "reason": "spam"}, format="json")

    assert_error_shape(response, 409, "already_reported")


def test_a_blocked_author_is_403_blocked(client, user, idea, moderator):
    own = IdeaFactory(campaign=idea.campaign, author=user)
    services.idea_moderate(idea=own, actor=moderator, action="decline_block")

    response = client.post(f"{IDEAS}{idea.pk}/vote/")

    assert_error_shape(response, 403, "blocked")


def test_no_credentials_is_401_with_a_challenge(api):
    response = api.post(f"{IDEAS}1/vote/")

    assert_error_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_method_the_route_does_not_serve_is_405(client, idea):
    assert_error_shape(client.put(f"{IDEAS}{idea.pk}/", {}, format="json"), 405, "method_not_allowed")


def test_a_crash_under_the_api_is_answered_in_json():
    def crash(request: HttpRequest) -> HttpResponse:
        return HttpResponseServerError("<h1>Server Error (500)</h1>")

    request = HttpRequest()
    request.path_info = "/api/v1/ideas/"

    response = ApiJsonErrorsMiddleware(crash)(request)

    assert_error_shape(response, 500, "server_error")


def test_pages_outside_the_api_keep_their_html_errors():
    def not_found(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<h1>Not found</h1>", status=404)

    request = HttpRequest()
    request.path_info = "/c/nothing/"

    response = ApiJsonErrorsMiddleware(not_found)(request)

    assert response.content == b"<h1>Not found</h1>"


def test_an_unknown_host_under_the_api_is_a_json_400(client):
    assert_error_shape(client.get("/api/v1/campaigns/", HTTP_HOST="evil.example"), 400, "bad_request")
