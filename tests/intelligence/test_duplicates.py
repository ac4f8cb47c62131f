from __future__ import annotations

import logging

import numpy as np
import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Idea
from intelligence.duplicates import keyword_terms, similar_ideas
from intelligence.embeddings import DIMENSIONS
from intelligence.index import SimilarityIndex
from intelligence.views import similar_ideas_before_submit
from tests.factories import CampaignFactory, IdeaFactory
from tests.intelligence.factories_intelligence import embedded_ideas

pytestmark = [pytest.mark.slow, pytest.mark.urls("tests.intelligence.urls")]

PHONE_POCKET = ("A hip-belt pocket big enough for a phone", "Reach your phone without taking the pack off.")
RAIN = ("Waterproof fabric and sealed zips", "Our hikes end in rain; keep the laptop dry.")
WEIGHT = ("Reduce the weight of the pack", "At 1.6 kg the pack is heavy for a 30 litre bag.")


def _titles(result) -> list[str]:
    return [s.idea.title for s in result.ideas]


@pytest.fixture
def backpack_ideas(campaign, real_model):
    return embedded_ideas(campaign, PHONE_POCKET, RAIN, WEIGHT)


# --- lookup --------------------------------------------------------------------------------


def test_a_reworded_title_finds_the_existing_idea(campaign, backpack_ideas):
    result = similar_ideas(campaign=campaign, text="Pocket for my phone on the waist belt")

    assert result.method == "semantic"
    assert _titles(result) == [PHONE_POCKET[0]]


def test_another_rewording_finds_the_waterproofing_idea(campaign, backpack_ideas):
    result = similar_ideas(campaign=campaign, text="Make the whole bag rainproof")

    assert _titles(result) == [RAIN[0]]


def test_an_unrelated_title_finds_nothing(campaign, backpack_ideas):
    result = similar_ideas(campaign=campaign, text="Sell it with a matching water bottle in pink")

    assert result.ideas == []


def test_ideas_of_other_campaigns_are_not_suggested(campaign, backpack_ideas, real_model):
    other = CampaignFactory(brand=campaign.brand)

    result = similar_ideas(campaign=other, text="Pocket for my phone on the waist belt")

    assert result.ideas == []


@pytest.mark.parametrize("status", [Idea.Status.PENDING, Idea.Status.HIDDEN, Idea.Status.DECLINED])
def test_ideas_the_public_cannot_see_are_not_suggested(campaign, real_model, status):
    embedded_ideas(campaign, PHONE_POCKET, status=status)

    result = similar_ideas(campaign=campaign, text="Pocket for my phone on the waist belt")

    assert result.ideas == []


def test_a_title_too_short_to_compare_finds_nothing(campaign, backpack_ideas):
    result = similar_ideas(campaign=campaign, text="bag")

    assert result.method == "none"
    assert result.ideas == []


def test_an_idea_embedded_after_the_first_lookup_is_found_by_the_next(campaign, backpack_ideas):
    similar_ideas(campaign=campaign, text="Pocket for my phone on the waist belt")
    embedded_ideas(campaign, ("Side pockets that hold a one litre bottle", "Stretch mesh on both sides."))

    result = similar_ideas(campaign=campaign, text="Mesh pockets for water bottles on the sides")

    assert _titles(result) == ["Side pockets that hold a one litre bottle"]


# --- degrading -------------------------------------------------------------------------------


def test_an_idea_the_worker_has_not_embedded_yet_is_found_by_keyword(campaign, backpack_ideas):
    IdeaFactory(
        campaign=campaign, title="Emergency whistle buckle", body="A whistle in the sternum strap buckle."
    )

    result = similar_ideas(campaign=campaign, text="Whistle on the sternum strap")

    assert result.method == "semantic"
    assert _titles(result) == ["Emergency whistle buckle"]
    assert result.ideas[0].similarity is None


def test_without_the_model_the_lookup_falls_back_to_keywords_and_says_so(campaign, model_missing, caplog):
    IdeaFactory(campaign=campaign, title="Phone pocket on the hip belt", body="Easy to reach.")
    IdeaFactory(campaign=campaign, title="Waterproof zips", body="Keep the rain out.")

    with caplog.at_level(logging.WARNING, logger="intelligence.duplicates"):
        result = similar_ideas(campaign=campaign, text="A pocket for my phone")

    assert result.method == "keyword"
    assert _titles(result) == ["Phone pocket on the hip belt"]
    assert "keyword" in caplog.text


def test_keyword_terms_match_plurals_and_chinese_character_pairs():
    assert keyword_terms("Pockets for PHONES") == {"pocket", "phone"}
    assert keyword_terms("防水拉链") == {"防水", "水拉", "拉链"}


# --- the site and the submit form ----------------------------------------------------------------


def test_the_endpoint_answers_json_with_the_similar_ideas(client, campaign, backpack_ideas):
    url = reverse("intelligence:similar", kwargs={"slug": campaign.slug})

    response = client.get(url, {"q": "Pocket for my phone on the waist belt", "format": "json"})

    assert response.status_code == 200
    data = response.json()
    assert data["method"] == "semantic"
    assert [r["title"] for r in data["results"]] == [PHONE_POCKET[0]]
    assert data["results"][0]["url"] == backpack_ideas[0].get_absolute_url()


def test_the_endpoint_renders_the_warning_fragment_with_links(client, campaign, backpack_ideas):
    url = reverse("intelligence:similar", kwargs={"slug": campaign.slug})

    response = client.get(url, {"q": "Pocket for my phone on the waist belt"})

    html = response.content.decode()
    assert "Similar ideas already exist: vote for one instead?" in html
    assert f'href="{backpack_ideas[0].get_absolute_url()}"' in html
    assert 'name="confirm_similar"' in html


def test_the_endpoint_escapes_community_text(client, campaign, real_model):
    embedded_ideas(campaign, ("<script>alert(1)</script> phone pocket", "A pocket for the phone."))
    url = reverse("intelligence:similar", kwargs={"slug": campaign.slug})

    response = client.get(url, {"q": "<script>alert(1)</script> phone pocket"})

    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_the_endpoint_answers_with_keyword_results_when_the_model_is_missing(client, campaign, model_missing):
    IdeaFactory(campaign=campaign, title="Phone pocket on the hip belt", body="Easy to reach.")
    url = reverse("intelligence:similar", kwargs={"slug": campaign.slug})

    response = client.get(url, {"q": "A pocket for my phone", "format": "json"})

    assert response.status_code == 200
    assert response.json()["method"] == "keyword"
    assert [r["title"] for r in response.json()["results"]] == ["Phone pocket on the hip belt"]


def test_the_endpoint_hides_draft_campaigns(client, brand):
    draft = CampaignFactory(brand=brand, phase=Campaign.Phase.DRAFT)

    response = client.get(reverse("intelligence:similar", kwargs={"slug": draft.slug}), {"q": "phone pocket"})

    assert response.status_code == 404


def test_the_endpoint_is_throttled(client, campaign, settings, model_missing):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "similar": "2/m"}
    url = reverse("intelligence:similar", kwargs={"slug": campaign.slug})
    client.get(url, {"q": "phone pocket"})
    client.get(url, {"q": "phone pocket"})

    response = client.get(url, {"q": "phone pocket", "format": "json"})

    assert response.status_code == 429
    assert "Retry-After" in response


def test_the_first_submit_shows_similar_ideas_before_saving(campaign, backpack_ideas):
    data = QueryDict(mutable=True)
    data.update({"title": "Pocket for my phone on the waist belt", "body": "So I can reach it."})

    found = similar_ideas_before_submit(campaign=campaign, data=data)

    assert found is not None
    assert [s.idea.pk for s in found.ideas] == [backpack_ideas[0].pk]


def test_submit_anyway_goes_ahead_without_a_second_check(campaign, backpack_ideas):
    data = QueryDict(mutable=True)
    data.update({"title": "Pocket for my phone on the waist belt", "confirm_similar": "1"})

    assert similar_ideas_before_submit(campaign=campaign, data=data) is None


def test_a_title_with_no_similar_idea_goes_ahead(campaign, backpack_ideas):
    data = QueryDict(mutable=True)
    data.update({"title": "Sell it with a matching water bottle in pink"})

    assert similar_ideas_before_submit(campaign=campaign, data=data) is None


# --- the index -------------------------------------------------------------------------------------


def _unit_rows(count: int, seed: int = 0) -> list[tuple[int, bytes, object]]:
    vectors = np.random.default_rng(seed).standard_normal((count, DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    now = timezone.now()
    return [(i + 1, vectors[i].tobytes(), now) for i in range(count)]


def test_the_index_returns_the_nearest_vectors_best_first():
    rows = _unit_rows(50)
    index = SimilarityIndex(max_bytes=1 << 20, fetch=lambda campaign_id, since: rows if since is None else [])
    query = np.frombuffer(rows[6][1], dtype=np.float32)

    hits = index.search(1, query, k=3, min_similarity=0.5)

    assert hits[0][0] == 7
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert len(hits) == 1


def test_the_index_drops_the_least_recently_used_campaign_over_its_memory_budget():
    rows = _unit_rows(10)
    calls: list[int] = []

    def fetch(campaign_id: int, since: object) -> list:
        calls.append(campaign_id)
        return rows if since is None else []

    index = SimilarityIndex(max_bytes=150_000, fetch=fetch)  # room for about one campaign
    index.vectors(1)
    index.vectors(2)

    index.vectors(1)

    assert calls == [1, 2, 1]
    assert len(index.vectors(1)[0]) == 10


def test_a_large_campaign_loads_without_doubling_its_memory():
    rows = _unit_rows(1000)
    index = SimilarityIndex(max_bytes=1 << 30, fetch=lambda campaign_id, since: rows if since is None else [])

    ids, _ = index.vectors(1)

    assert len(ids) == 1000
    assert index.nbytes <= 1.2 * 1000 * (DIMENSIONS * 4 + 8)
