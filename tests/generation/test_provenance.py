"""Sentence-level provenance: which ideas each sentence realises, kept through
edits, credited on publishing, and the ranking of variants by coverage."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import mail

from campaigns.models import Idea
from generation import provenance, services
from generation.drafting.types import ComposedDraft, ComposedSentence, SentenceOrigin, SourceKind, SourceText
from generation.models import Draft, DraftSentence, DraftSource, GenerationRequest
from generation.selectors import draft_list_published
from notifications.models import Notification
from tests.factories import CampaignFactory, CommentFactory, IdeaFactory, UserFactory
from tests.generation.factories import DEFAULT_PARAMS, FakeOutput, GenerationRequestFactory

pytestmark = pytest.mark.django_db

STRAPS = ("Women's straps", "Please offer shoulder straps shaped for women, narrower and curved.")
BOTTOM = ("Bottom compartment", "A zip compartment at the bottom for a sleeping bag or dirty shoes.")
RAIN = ("Rain cover", "A built-in rain cover tucked away in its own pocket.")


# --- matching, pure ---------------------------------------------------------------------------------


def source(pk: int, title: str, body: str, kind: SourceKind = SourceKind.IDEA) -> SourceText:
    return SourceText(kind=kind, pk=pk, text=f"{title}\n{body}")


def test_a_sentence_realises_the_idea_whose_feature_it_says_in_other_words():
    ideas = [source(1, *STRAPS), source(2, *BOTTOM), source(3, *RAIN)]

    matched = provenance.match_sources("A separate bottom compartment holds dirty shoes.", ideas)

    assert [s.pk for s in matched] == [2]


def test_a_chinese_sentence_realises_the_chinese_idea_it_says():
    ideas = [
        source(1, "底部鞋仓", "希望背包底部有一个独立的鞋仓，放脏鞋子。"),
        source(2, "重量轻", "整个背包不要超过1公斤。"),
    ]

    assert [s.pk for s in provenance.match_sources("背包底部设有独立鞋仓。", ideas)] == [1]
    assert [s.pk for s in provenance.match_sources("重量不到1公斤。", ideas)] == [2]


@pytest.mark.parametrize(
    "sentence",
    [
        "It has a dedicated night seat and ample space for two occupants.",
        "Meet the new daypack, shaped by our community.",
        "这款背包适合城市通勤。",
    ],
)
def test_a_sentence_that_says_no_idea_realises_none(sentence):
    ideas = [source(1, *STRAPS), source(2, *BOTTOM), source(3, "底部鞋仓", "希望背包底部有一个独立的鞋仓。")]

    assert provenance.match_sources(sentence, ideas) == []


def test_sentences_split_at_sentence_ends_in_both_languages_and_at_line_breaks():
    assert provenance.split_sentences("Light, 1.2 kg. Dry!\n背包很轻。底部有鞋仓？\nA heading") == [
        "Light, 1.2 kg.",
        "Dry!",
        "背包很轻。",
        "底部有鞋仓？",
        "A heading",
    ]


def test_coverage_is_the_share_of_top_ideas_some_sentence_realises():
    sentences = [
        ComposedSentence(text="a", origin=SentenceOrigin.MODEL, sources=[source(1, *STRAPS)]),
        ComposedSentence(
            text="b", origin=SentenceOrigin.MODEL, sources=[source(9, "c", "d", kind=SourceKind.COMMENT)]
        ),
    ]

    assert provenance.coverage(sentences, [1, 2, 9]) == pytest.approx(1 / 3)


# --- storing a composed draft -------------------------------------------------------------------------


def composed(*sentences: ComposedSentence, coverage: float = 0.0, **kwargs) -> ComposedDraft:
    return ComposedDraft(sentences=list(sentences), language="en", coverage=coverage, **kwargs)


def sentence(
    text: str, *ideas: Idea, origin: SentenceOrigin = SentenceOrigin.MODEL, findings=()
) -> ComposedSentence:
    return ComposedSentence(
        text=text,
        origin=origin,
        sources=[SourceText(kind=SourceKind.IDEA, pk=i.pk, text=f"{i.title}\n{i.body}") for i in ideas],
        findings=list(findings),
    )


@pytest.fixture
def done_request(campaign):
    return GenerationRequestFactory(campaign=campaign, status=GenerationRequest.Status.DONE)


def test_storing_a_draft_keeps_each_sentence_with_its_origin_sources_and_findings(campaign, done_request):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1])
    finding = {"code": "unsupported_claim", "severity": "medium", "message": "m"}
    variant = composed(
        sentence("Meet the pack.", origin=SentenceOrigin.TEMPLATE),
        sentence("Curved straps are shaped for women.", straps, findings=[finding]),
        coverage=0.5,
        model_written=True,
    )

    draft = services.draft_store(request=done_request, composed=variant, rank=1)

    rows = list(draft.sentences.order_by("position"))
    assert draft.text == "Meet the pack. Curved straps are shaped for women."
    assert (draft.coverage, draft.model_written, draft.status) == (0.5, True, Draft.Status.PENDING_REVIEW)
    assert [(r.text, r.origin) for r in rows] == [
        ("Meet the pack.", "template"),
        ("Curved straps are shaped for women.", "model"),
    ]
    assert [s.idea_id for s in rows[1].sources.all()] == [straps.pk]
    assert rows[1].findings == [finding]
    # A template frame needs no source and is not flagged for lacking one.
    assert rows[0].findings == []
    assert [s.idea_id for s in draft.sources.all()] == [straps.pk]


def test_a_model_sentence_without_a_source_is_flagged(done_request):
    draft = services.draft_store(
        request=done_request, composed=composed(sentence("It has a night seat for two.")), rank=1
    )

    assert [f["code"] for f in draft.sentences.get().findings] == ["no_source"]


def test_a_source_from_another_campaign_is_never_stored(campaign, done_request):
    elsewhere = IdeaFactory(campaign=CampaignFactory(), title=STRAPS[0], body=STRAPS[1])

    draft = services.draft_store(
        request=done_request, composed=composed(sentence("Curved straps for women.", elsewhere)), rank=1
    )

    assert not draft.sentences.get().sources.exists()
    assert not draft.sources.exists()


def test_a_draft_composed_from_community_words_is_stored_as_not_model_written(campaign, done_request):
    idea = IdeaFactory(campaign=campaign, title="底部鞋仓", body="希望背包底部有一个独立的鞋仓。")
    variant = composed(
        sentence("希望背包底部有一个独立的鞋仓。", idea, origin=SentenceOrigin.COMMUNITY), model_written=False
    )

    draft = services.draft_store(request=done_request, composed=variant, rank=1)

    assert draft.model_written is False
    assert draft.sentences.get().origin == DraftSentence.Origin.COMMUNITY


# --- the old one-paragraph pipeline, converted ---------------------------------------------------------


@dataclass
class TextsGenerator:
    """Answers the prompts in order with these (text, perplexity) pairs."""

    outputs: tuple[tuple[str, float | None], ...]
    model_name: str = "fake-model"

    def generate(self, prompts, **kwargs):
        return [FakeOutput(text=text, perplexity=p) for text, p in self.outputs[: len(prompts)]]


@pytest.fixture
def legacy_pipeline(settings):
    """The one-paragraph pipeline, whose text is split and matched to its prompt's sources."""
    settings.GENERATION_PIPELINE = "legacy"


def run(campaign, generator, *, variants=1):
    request = GenerationRequestFactory(campaign=campaign, params={**DEFAULT_PARAMS, "variants": variants})
    services.generation_requests_claim(request_id=request.pk, task_id="task-1")
    services.generation_requests_run(request_ids=[request.pk], generator=generator)
    return request


def test_a_generated_draft_records_the_ideas_each_sentence_realises_and_only_those(campaign, legacy_pipeline):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1], vote_count=9)
    rain = IdeaFactory(campaign=campaign, title=RAIN[0], body=RAIN[1], vote_count=5)
    text = "Curved shoulder straps are shaped for women. It has a dedicated night seat."

    request = run(campaign, TextsGenerator(outputs=((text, 3.0),)))

    draft = request.drafts.get()
    first, second = draft.sentences.order_by("position")
    assert [s.idea_id for s in first.sources.all()] == [straps.pk]
    assert not second.sources.exists()
    assert [f["code"] for f in second.findings] == ["invented_content", "no_source"]
    assert list(DraftSource.objects.filter(draft=draft).values_list("idea_id", flat=True)) == [straps.pk]
    assert rain.pk not in draft.sources.values_list("idea_id", flat=True)
    assert draft.coverage == pytest.approx(1 / 2)


def test_variants_rank_by_coverage_of_the_top_ideas_before_findings_and_fluency(campaign, legacy_pipeline):
    IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1])
    off_topic = "A light and fluent pack for every day."
    on_topic = "Curved shoulder straps are shaped for women. Order now."

    request = run(campaign, TextsGenerator(outputs=((off_topic, 2.0), (on_topic, 40.0))), variants=2)

    best, second = request.drafts.order_by("rank")
    assert (best.text, best.coverage) == (on_topic, 1.0)
    assert (second.text, second.coverage) == (off_topic, 0.0)


def test_the_rank_key_puts_blocking_findings_after_coverage_and_before_other_findings():
    high = {"code": "personal_data", "severity": "high", "message": "m"}
    low = {"code": "cut_off", "severity": "low", "message": "m"}
    template = SentenceOrigin.TEMPLATE
    blocked = composed(sentence("a", origin=template), coverage=0.5, findings=[high])
    noisy = composed(sentence("b", origin=template), coverage=0.5, findings=[low, low], perplexity=1.0)
    covered = composed(sentence("c", origin=template), coverage=1.0, findings=[high, low])

    ranked = sorted([blocked, noisy, covered], key=services.variant_rank_key)

    assert ranked == [covered, noisy, blocked]


def test_the_rank_key_breaks_ties_by_fewest_findings_counting_sentences_then_lowest_perplexity():
    low = {"code": "cut_off", "severity": "low", "message": "m"}
    template = SentenceOrigin.TEMPLATE
    fluent_but_unsourced = composed(sentence("a"), coverage=0.5, perplexity=1.0)
    fluent = composed(sentence("b", origin=template), coverage=0.5, perplexity=2.0)
    halting = composed(sentence("c", origin=template), coverage=0.5, perplexity=9.0)
    noisy = composed(sentence("d", origin=template, findings=[low]), coverage=0.5, perplexity=0.5)
    unmeasured = composed(sentence("e", origin=template), coverage=0.5)

    ranked = sorted([unmeasured, noisy, halting, fluent_but_unsourced, fluent], key=services.variant_rank_key)

    # A model sentence without a source counts as a finding, as it will once stored.
    assert ranked == [fluent, halting, unmeasured, noisy, fluent_but_unsourced]


# --- edits -----------------------------------------------------------------------------------------------


def test_an_edit_keeps_the_provenance_of_unchanged_sentences_and_recomputes_changed_ones(
    campaign, moderator, done_request
):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1])
    bottom = IdeaFactory(campaign=campaign, title=BOTTOM[0], body=BOTTOM[1])
    finding = {"code": "unsupported_claim", "severity": "medium", "message": "kept"}
    draft = services.draft_store(
        request=done_request,
        composed=composed(
            sentence("Curved straps are shaped for women.", straps, findings=[finding]),
            sentence("It has a dedicated night seat."),
        ),
        rank=1,
    )

    new = services.draft_edit(
        draft=draft,
        actor=moderator,
        text="Curved straps are shaped for women. A separate bottom compartment holds dirty shoes.",
    )

    kept, changed = new.sentences.order_by("position")
    assert (kept.origin, kept.findings) == ("model", [finding])
    assert [s.idea_id for s in kept.sources.all()] == [straps.pk]
    assert changed.origin == "edited"
    assert [s.idea_id for s in changed.sources.all()] == [bottom.pk]
    assert "no_source" not in [f["code"] for f in changed.findings]
    assert set(new.sources.values_list("idea_id", flat=True)) == {straps.pk, bottom.pk}
    assert new.coverage == 1.0
    # The edited version is untouched.
    assert [s.text for s in draft.sentences.order_by("position")][1] == "It has a dedicated night seat."


def test_a_kept_sentence_moved_elsewhere_in_an_edit_keeps_its_provenance(campaign, moderator, done_request):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1])
    draft = services.draft_store(
        request=done_request,
        composed=composed(
            sentence("Meet the pack.", origin=SentenceOrigin.TEMPLATE),
            sentence("Curved straps are shaped for women.", straps),
        ),
        rank=1,
    )

    new = services.draft_edit(
        draft=draft, actor=moderator, text="Curved straps are shaped for women.\nMeet the pack."
    )

    moved, template = new.sentences.order_by("position")
    assert (moved.text, moved.origin) == ("Curved straps are shaped for women.", "model")
    assert [s.idea_id for s in moved.sources.all()] == [straps.pk]
    assert (template.origin, template.findings) == ("template", [])


def test_a_sourced_sentence_changed_to_say_something_else_loses_its_source(campaign, moderator, done_request):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1])
    draft = services.draft_store(
        request=done_request,
        composed=composed(sentence("Curved straps are shaped for women.", straps)),
        rank=1,
    )

    new = services.draft_edit(draft=draft, actor=moderator, text="It seats two in the dark.")

    changed = new.sentences.get()
    assert changed.origin == "edited"
    assert not changed.sources.exists()
    assert "no_source" in [f["code"] for f in changed.findings]
    assert not new.sources.exists()
    assert new.coverage == 0.0


def test_an_unsupported_new_sentence_in_an_edit_is_flagged(campaign, moderator, done_request):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1])
    draft = services.draft_store(
        request=done_request,
        composed=composed(sentence("Curved straps are shaped for women.", straps)),
        rank=1,
    )

    new = services.draft_edit(
        draft=draft, actor=moderator, text="Curved straps are shaped for women. It seats two in the dark."
    )

    added = new.sentences.get(position=1)
    assert not added.sources.exists()
    assert "no_source" in [f["code"] for f in added.findings]


def test_an_edited_sentence_is_not_matched_to_an_idea_whose_author_refused_ai_use(
    campaign, moderator, done_request
):
    IdeaFactory(campaign=campaign, title=BOTTOM[0], body=BOTTOM[1], consent_ai=False)
    draft = services.draft_store(request=done_request, composed=composed(sentence("Hello.")), rank=1)

    new = services.draft_edit(
        draft=draft, actor=moderator, text="A separate bottom compartment holds dirty shoes."
    )

    assert not new.sources.exists()


def test_an_edit_can_rest_a_sentence_on_a_comment(campaign, moderator, done_request):
    idea = IdeaFactory(campaign=campaign, title=RAIN[0], body=RAIN[1])
    comment = CommentFactory(idea=idea, body="A reflective strip on the back for night walks, please.")
    draft = services.draft_store(request=done_request, composed=composed(sentence("Hello.")), rank=1)

    new = services.draft_edit(
        draft=draft, actor=moderator, text="A reflective strip on the back helps at night."
    )

    assert [(s.idea_id, s.comment_id) for s in new.sentences.get().sources.all()] == [(None, comment.pk)]


# --- credits follow the text ----------------------------------------------------------------------------


def published(campaign, moderator, done_request, *sentences):
    draft = services.draft_store(request=done_request, composed=composed(*sentences), rank=1)
    services.draft_approve(draft=draft, actor=moderator)
    return services.draft_publish(draft=draft, actor=moderator)


def test_publishing_a_text_that_used_none_of_the_prompt_ideas_adopts_and_credits_nobody(
    campaign, moderator, done_request, django_capture_on_commit_callbacks
):
    ideas = [IdeaFactory(campaign=campaign, title=t, body=b) for t, b in (STRAPS, BOTTOM, RAIN)]

    with django_capture_on_commit_callbacks(execute=True):
        published(campaign, moderator, done_request, sentence("A fine pack for every day."))

    assert {i.status for i in Idea.objects.filter(pk__in=[i.pk for i in ideas])} == {Idea.Status.PUBLISHED}
    assert not Notification.objects.filter(kind=Notification.Kind.IDEA_ADOPTED).exists()


def test_publishing_a_text_that_used_one_of_several_ideas_adopts_and_thanks_only_its_author(
    campaign, moderator, done_request, django_capture_on_commit_callbacks
):
    straps = IdeaFactory(
        campaign=campaign, title=STRAPS[0], body=STRAPS[1], author=UserFactory(username="used")
    )
    bottom = IdeaFactory(
        campaign=campaign, title=BOTTOM[0], body=BOTTOM[1], author=UserFactory(username="unused")
    )

    with django_capture_on_commit_callbacks(execute=True):
        draft = published(campaign, moderator, done_request, sentence("Curved straps for women.", straps))

    straps.refresh_from_db()
    bottom.refresh_from_db()
    assert (straps.status, bottom.status) == (Idea.Status.ADOPTED, Idea.Status.PUBLISHED)
    adopted_told = Notification.objects.filter(kind=Notification.Kind.IDEA_ADOPTED)
    assert list(adopted_told.values_list("user__username", flat=True)) == ["used"]
    [listed] = draft_list_published(campaign=campaign)
    assert (listed.pk, listed.credits) == (draft.pk, ["used"])


def test_a_realised_idea_whose_author_refused_credit_is_adopted_but_its_author_not_thanked(
    campaign, moderator, done_request, django_capture_on_commit_callbacks
):
    quiet = IdeaFactory(
        campaign=campaign,
        title=STRAPS[0],
        body=STRAPS[1],
        consent_credit=False,
        author=UserFactory(username="quiet"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        published(campaign, moderator, done_request, sentence("Curved straps for women.", quiet))

    quiet.refresh_from_db()
    assert quiet.status == Idea.Status.ADOPTED
    assert not Notification.objects.filter(kind=Notification.Kind.IDEA_ADOPTED).exists()
    assert all("helped shape" not in m.body for m in mail.outbox)
    assert draft_list_published(campaign=campaign)[0].credits == []


def test_publishing_an_edit_credits_the_idea_a_sentence_the_reviewer_added_realises(
    campaign, moderator, done_request, django_capture_on_commit_callbacks
):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1], author=UserFactory(username="s"))
    bottom = IdeaFactory(campaign=campaign, title=BOTTOM[0], body=BOTTOM[1], author=UserFactory(username="b"))
    draft = services.draft_store(
        request=done_request,
        composed=composed(sentence("Curved straps are shaped for women.", straps)),
        rank=1,
    )
    new = services.draft_edit(
        draft=draft,
        actor=moderator,
        text="Curved straps are shaped for women. A zip compartment at the bottom holds dirty shoes.",
    )
    services.draft_approve(draft=new, actor=moderator)

    with django_capture_on_commit_callbacks(execute=True):
        services.draft_publish(draft=new, actor=moderator)

    assert set(Idea.objects.filter(status=Idea.Status.ADOPTED).values_list("pk", flat=True)) == {
        straps.pk,
        bottom.pk,
    }
    told = Notification.objects.filter(kind=Notification.Kind.IDEA_ADOPTED)
    assert sorted(told.values_list("user__username", flat=True)) == ["b", "s"]


def test_the_author_of_a_realised_duplicate_merged_into_the_idea_is_thanked_too(
    campaign, moderator, done_request, django_capture_on_commit_callbacks
):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1], author=UserFactory(username="s"))
    duplicate = IdeaFactory(
        campaign=campaign,
        title="Straps for women",
        body="Narrower straps for women, please.",
        status=Idea.Status.MERGED,
        merged_into=straps,
        author=UserFactory(username="d"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        published(campaign, moderator, done_request, sentence("Curved straps for women.", straps, duplicate))

    duplicate.refresh_from_db()
    assert duplicate.status == Idea.Status.MERGED
    told = Notification.objects.filter(kind=Notification.Kind.IDEA_ADOPTED)
    assert sorted(told.values_list("user__username", flat=True)) == ["d", "s"]


def test_credits_follow_the_published_version_not_the_one_it_was_edited_from(
    campaign, moderator, done_request
):
    straps = IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1])
    bottom = IdeaFactory(campaign=campaign, title=BOTTOM[0], body=BOTTOM[1])
    draft = services.draft_store(
        request=done_request,
        composed=composed(
            sentence("Curved straps are shaped for women.", straps),
            sentence("A separate bottom compartment holds dirty shoes.", bottom),
        ),
        rank=1,
    )
    new = services.draft_edit(draft=draft, actor=moderator, text="Curved straps are shaped for women.")
    services.draft_approve(draft=new, actor=moderator)

    services.draft_publish(draft=new, actor=moderator)

    assert set(Idea.objects.filter(status=Idea.Status.ADOPTED).values_list("pk", flat=True)) == {straps.pk}
