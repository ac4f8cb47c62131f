from __future__ import annotations

import pytest
from rest_framework.test import APIRequestFactory

from campaigns.models import Campaign
from intelligence.api import SimilarIdeasView
from tests.factories import CampaignFactory, IdeaFactory
from tests.intelligence.factories_intelligence import embedded_ideas

similar_view = SimilarIdeasView.as_view()


def _get(slug: str, q: str):
    request = APIRequestFactory().get(f"/api/v1/campaigns/{slug}/similar/", {"q": q})
    return similar_view(request, slug=slug)


def test_the_api_answers_with_the_similar_ideas_and_how_they_were_found(campaign, model_missing):
    idea = IdeaFactory(campaign=campaign, title="Phone pocket on the hip belt", body="Easy to reach.")

    response = _get(campaign.slug, "A pocket for my phone")

    assert response.status_code == 200
    assert response.data == {
        "method": "keyword",
        "results": [
            {
                "id": idea.pk,
                "title": idea.title,
                "url": idea.get_absolute_url(),
                "vote_count": idea.vote_count,
                "similarity": None,
            }
        ],
    }


@pytest.mark.slow
def test_the_api_finds_a_reworded_idea_by_meaning(campaign, real_model):
    (idea,) = embedded_ideas(campaign, ("Waterproof fabric and sealed zips", "Keep the rain out."))

    response = _get(campaign.slug, "Make the whole bag rainproof")

    assert response.data["method"] == "semantic"
    assert [r["id"] for r in response.data["results"]] == [idea.pk]
    assert response.data["results"][0]["similarity"] > 0.45


def test_the_api_hides_draft_campaigns(brand):
    draft = CampaignFactory(brand=brand, phase=Campaign.Phase.DRAFT)

    assert _get(draft.slug, "phone pocket").status_code == 404


def test_the_api_is_throttled_with_the_sites_rate(campaign, settings, model_missing):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "similar": "1/m"}
    _get(campaign.slug, "phone pocket")

    assert _get(campaign.slug, "phone pocket").status_code == 429
