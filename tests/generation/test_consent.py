"""AI-use consent: an idea or comment reaches a prompt, a sentence's sources
or a draft's credits only when its author allowed AI use, and deleting an
account withdraws that consent on everything the person wrote."""

from __future__ import annotations

import pytest

from accounts.services import account_delete
from generation import services
from generation.drafting.types import ComposedDraft, ComposedSentence, SentenceOrigin, SourceKind, SourceText
from generation.models import GenerationRequest
from generation.prompts import prompt_build
from generation.selectors import drafting_input
from notifications.models import Notification
from tests.factories import CommentFactory, IdeaFactory, UserFactory
from tests.generation.factories import DEFAULT_PARAMS, GenerationRequestFactory

pytestmark = pytest.mark.django_db

RAIN = ("Rain cover", "A built-in rain cover tucked away in its own pocket.")
STRIP = "A reflective strip on the back for night walks, please."
STRIP_SENTENCE = "A reflective strip on the back helps on night walks."
RAIN_SENTENCE = "A built-in rain cover is tucked away in its own pocket."


def prompt(campaign):
    return prompt_build(
        data=drafting_input(campaign=campaign),
        kind="product_description",
        **{k: DEFAULT_PARAMS[k] for k in ("tone", "length", "keywords", "language")},
    )


def source(row) -> SourceText:
    if hasattr(row, "title"):
        return SourceText(kind=SourceKind.IDEA, pk=row.pk, text=f"{row.title}\n{row.body}")
    return SourceText(kind=SourceKind.COMMENT, pk=row.pk, text=row.body)


def stored(campaign, *sentences: tuple[str, list]):
    composed = ComposedDraft(
        sentences=[
            ComposedSentence(text=text, origin=SentenceOrigin.MODEL, sources=[source(r) for r in rows])
            for text, rows in sentences
        ],
        language="en",
        coverage=1.0,
    )
    request = GenerationRequestFactory(campaign=campaign, status=GenerationRequest.Status.DONE)
    return services.draft_store(request=request, composed=composed, rank=1)


def sources_of(draft) -> list[tuple[int | None, int | None]]:
    return [(s.idea_id, s.comment_id) for s in draft.sources.all()]


# --- prompts --------------------------------------------------------------------------------------


def test_a_comment_whose_author_refused_ai_use_is_not_quoted_under_a_consenting_idea(campaign):
    idea = IdeaFactory(campaign=campaign, title=RAIN[0], body=RAIN[1])
    CommentFactory(idea=idea, body="Quote me: a bottle holder.", consent_ai=True)
    CommentFactory(idea=idea, body="Do not quote me: a secret strap.", consent_ai=False)

    text = prompt(campaign).text

    assert "a bottle holder" in text
    assert "a secret strap" not in text


def test_after_deleting_their_account_nothing_the_person_wrote_reaches_a_prompt(campaign):
    leaving = UserFactory()
    idea = IdeaFactory(campaign=campaign, title="Leaving idea", body="A lid pocket for keys.", author=leaving)
    other = IdeaFactory(campaign=campaign, title=RAIN[0], body=RAIN[1])
    CommentFactory(idea=other, author=leaving, body="A reflective strip from the leaver.")

    account_delete(user=leaving)

    data = drafting_input(campaign=campaign)
    assert idea.pk not in [i.pk for i in data.ideas]
    assert data.comments == ()
    assert "leaver" not in prompt(campaign).text


# --- a sentence's sources ----------------------------------------------------------------------------


def test_a_source_whose_author_refused_ai_use_is_never_stored(campaign):
    idea = IdeaFactory(campaign=campaign, title=RAIN[0], body=RAIN[1], consent_ai=False)
    comment = CommentFactory(idea=IdeaFactory(campaign=campaign), body=STRIP, consent_ai=False)

    draft = stored(campaign, (RAIN_SENTENCE, [idea]), (STRIP_SENTENCE, [comment]))

    assert sources_of(draft) == []
    assert all("no_source" in [f["code"] for f in s.findings] for s in draft.sentences.all())


def test_an_edited_sentence_is_not_matched_to_a_comment_whose_author_refused_ai_use(campaign, moderator):
    idea = IdeaFactory(campaign=campaign, title=RAIN[0], body=RAIN[1])
    CommentFactory(idea=idea, body=STRIP, consent_ai=False)
    draft = stored(campaign, (RAIN_SENTENCE, [idea]))

    new = services.draft_edit(draft=draft, actor=moderator, text=f"{RAIN_SENTENCE} {STRIP_SENTENCE}")

    assert not new.sentences.get(position=1).sources.exists()
    assert sources_of(new) == [(idea.pk, None)]


def test_an_edit_after_the_author_deleted_their_account_drops_their_idea_from_kept_sentences(
    campaign, moderator
):
    idea = IdeaFactory(campaign=campaign, title=RAIN[0], body=RAIN[1])
    comment = CommentFactory(idea=idea, body=STRIP)
    draft = stored(campaign, (RAIN_SENTENCE, [idea]), (STRIP_SENTENCE, [comment]))
    account_delete(user=idea.author)

    new = services.draft_edit(draft=draft, actor=moderator, text=f"{RAIN_SENTENCE} {STRIP_SENTENCE} Enjoy.")

    assert sources_of(new) == [(None, comment.pk)]
    kept = new.sentences.get(position=0)
    assert not kept.sources.exists()
    assert "no_source" in [f["code"] for f in kept.findings]
    # Their words no longer support the text either: what only they said is now unsupported.
    assert "invented_content" in [f["code"] for f in new.findings]


# --- credits ------------------------------------------------------------------------------------------


def test_publishing_after_the_author_deleted_their_account_notifies_nobody(
    campaign, moderator, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(campaign=campaign, title=RAIN[0], body=RAIN[1])
    draft = stored(campaign, (RAIN_SENTENCE, [idea]))
    services.draft_approve(draft=draft, actor=moderator)
    account_delete(user=idea.author)

    with django_capture_on_commit_callbacks(execute=True):
        services.draft_publish(draft=draft, actor=moderator)

    assert not Notification.objects.filter(user=idea.author).exists()
