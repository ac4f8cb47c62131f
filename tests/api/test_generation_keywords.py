"""Keywords reach the API as a list or as the admin form's comma text."""

from __future__ import annotations

from unittest import mock

import pytest

from generation.models import GenerationRequest
from tests.api.helpers import token_client

V1 = "/api/v1"


@pytest.fixture
def staff(moderator):
    return token_client(moderator)


@pytest.fixture(autouse=True)
def _no_broker():
    with mock.patch("generation.tasks.generate_drafts_task.delay"):
        yield


@pytest.mark.parametrize(
    "keywords",
    [["light", "dry"], "light, dry", "light，dry", "light、 dry", "light\ndry", " light ,, dry , "],
)
def test_keywords_as_a_list_or_as_comma_text_mean_the_same(staff, campaign, keywords):
    response = staff.post(
        f"{V1}/generation-requests/",
        {"campaign": campaign.slug, "kind": "user_story", "keywords": keywords},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert GenerationRequest.objects.get(pk=response.json()["id"]).params["keywords"] == ["light", "dry"]


def test_too_many_keywords_in_comma_text_are_refused_with_the_field_named(staff, campaign):
    response = staff.post(
        f"{V1}/generation-requests/",
        {"campaign": campaign.slug, "kind": "user_story", "keywords": ", ".join(f"k{n}" for n in range(40))},
        format="json",
    )

    assert response.status_code == 400
    assert "keywords" in str(response.json())


def test_the_schema_documents_both_forms(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    field = schema["components"]["schemas"]["GenerationRequestCreateRequest"]["properties"]["keywords"]

    assert {option["type"] for option in field["oneOf"]} == {"array", "string"}
