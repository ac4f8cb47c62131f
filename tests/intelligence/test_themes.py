from __future__ import annotations

import pytest

from campaigns.models import Comment
from intelligence import indexing, themes
from intelligence.models import CommentSignal, Theme, ThemeRun
from tests.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.slow

# Three topics a backpack campaign could plant: ideas and comments of each.
PLANTED = {
    "rain": [
        ("Waterproof fabric and sealed zips", "Our hikes end in rain half the time."),
        ("Built-in rain cover", "Stored in the bottom pocket for sudden showers."),
    ],
    "phone": [
        ("A hip-belt pocket for a phone", "Reach your phone without taking the pack off."),
        ("Phone holder on the shoulder strap", "Quick access to take photos."),
    ],
    "weight": [
        ("Make the pack lighter", "1.6 kg is too heavy for a 30 litre bag."),
        ("Ultralight materials", "Use lighter fabrics to cut grams."),
    ],
}
COMMENTS = {
    "rain": [
        ("My laptop got wet in a downpour, the bag must keep water out.", Comment.Stance.FOR),
        ("A waterproof coating would keep everything dry in storms.", Comment.Stance.FOR),
    ],
    "phone": [
        ("I always have to stop and dig for my phone in the bag.", Comment.Stance.FOR),
        ("A pocket big enough for a large smartphone please.", Comment.Stance.NEUTRAL),
    ],
    "weight": [
        ("Every gram matters on long trips, please reduce the weight.", Comment.Stance.FOR),
        ("A lighter version for ultralight hikers.", Comment.Stance.AGAINST),
    ],
}


@pytest.fixture
def planted(campaign, real_model):
    ideas, comments = {}, {}
    for topic, pairs in PLANTED.items():
        ideas[topic] = [IdeaFactory(campaign=campaign, title=t, body=b) for t, b in pairs]
        comments[topic] = [
            CommentFactory(idea=ideas[topic][0], body=body, stance=stance) for body, stance in COMMENTS[topic]
        ]
    indexing.ideas_embed(idea_ids=[i.pk for group in ideas.values() for i in group])
    indexing.comments_analyse(comment_ids=[c.pk for group in comments.values() for c in group])
    return ideas, comments


def test_three_planted_topics_make_three_themes(campaign, planted):
    ideas, comments = planted

    found = themes.themes_compute(campaign_id=campaign.pk)

    assert len(found) == 3
    groups = {frozenset(t.idea_ids) | frozenset(f"c{c}" for c in t.comment_ids) for t in found}
    expected = {
        frozenset(i.pk for i in ideas[topic]) | frozenset(f"c{c.pk}" for c in comments[topic])
        for topic in PLANTED
    }
    assert groups == expected


def test_each_theme_is_labelled_by_one_of_its_own_ideas(campaign, planted):
    found = themes.themes_compute(campaign_id=campaign.pk)

    for theme in found:
        assert theme.label_idea_id in theme.idea_ids
        assert theme.label == next(t for t, _ in sum(PLANTED.values(), []) if t == theme.label)


def test_a_theme_carries_the_stance_and_sentiment_shares_of_its_comments(campaign, planted):
    found = themes.themes_compute(campaign_id=campaign.pk)

    weight = next(t for t in found if planted[0]["weight"][0].pk in t.idea_ids)
    moods = list(
        CommentSignal.objects.filter(comment__in=planted[1]["weight"]).values_list("sentiment", flat=True)
    )
    assert (weight.stance_for, weight.stance_against, weight.stance_neutral) == (0.5, 0.5, 0.0)
    assert weight.sentiment_positive == moods.count("positive") / 2
    assert weight.sentiment_negative == moods.count("negative") / 2


def test_recomputing_replaces_the_previous_themes(campaign, planted):
    themes.themes_compute(campaign_id=campaign.pk)

    themes.themes_compute(campaign_id=campaign.pk)

    assert Theme.objects.filter(campaign=campaign).count() == 3
    assert list(Theme.objects.filter(campaign=campaign).values_list("rank", flat=True)) == [0, 1, 2]


def test_top_themes_are_plain_data_for_the_prompt_builder(campaign, planted):
    themes.themes_compute(campaign_id=campaign.pk)

    top = themes.campaign_top_themes(campaign, 2)

    assert len(top) == 2
    assert top[0]["size"] >= top[1]["size"]
    assert set(top[0]) == {
        "label",
        "label_idea_id",
        "label_consent_ai",
        "size",
        "idea_ids",
        "comment_ids",
        "stance",
        "sentiment",
    }
    assert top[0]["label_consent_ai"] is True  # IdeaFactory ideas allow AI use
    assert set(top[0]["stance"]) == {"for", "against", "neutral"}


def test_a_first_run_is_due_once_a_campaign_has_enough_items(campaign, planted):
    assert themes.themes_due(campaign_id=campaign.pk) is True


def test_a_run_is_enqueued_once_however_many_items_arrive(campaign, planted):
    themes.themes_due(campaign_id=campaign.pk)

    assert themes.themes_due(campaign_id=campaign.pk) is False


def test_a_new_run_waits_for_ten_percent_more_items(campaign, planted, real_model):
    themes.themes_compute(campaign_id=campaign.pk)
    assert ThemeRun.objects.get(campaign=campaign).item_count == 12
    idea = IdeaFactory(campaign=campaign, title="Rain-proof zips", body="Sealed zips.")
    indexing.ideas_embed(idea_ids=[idea.pk])
    assert themes.themes_due(campaign_id=campaign.pk) is False  # 13 < 12 * 1.1

    second = IdeaFactory(campaign=campaign, title="Lighter buckles", body="Aluminium buckles.")
    indexing.ideas_embed(idea_ids=[second.pk])

    assert themes.themes_due(campaign_id=campaign.pk) is True  # 14 >= 13.2


def test_a_flood_of_identical_comments_makes_one_theme_labelled_by_their_idea(campaign, real_model):
    idea = IdeaFactory(campaign=campaign, title="Waterproof zips", body="Keep the rain out.")
    comments = CommentFactory.create_batch(4, idea=idea, body="+1 great idea")
    indexing.comments_analyse(comment_ids=[c.pk for c in comments])

    (theme,) = themes.themes_compute(campaign_id=campaign.pk)

    assert sorted(theme.comment_ids) == sorted(c.pk for c in comments)
    assert (theme.label_idea_id, theme.label) == (idea.pk, "Waterproof zips")
