"""Blocking means blocking: a draft with a high finding is neither approved nor
published, from the services, the admin (buttons and bulk actions) or the
API, until an edit clears it or a reviewer overrides it with a written reason."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from generation import services
from generation.drafting.types import ComposedDraft, ComposedSentence, SentenceOrigin, SourceKind, SourceText
from generation.models import Draft, DraftAuditEntry, GenerationRequest
from tests.api.helpers import assert_error_shape, token_client
from tests.factories import IdeaFactory
from tests.generation.factories import DraftFactory, GenerationRequestFactory
from tests.test_i18n import compiled_locale  # noqa: F401 (a fixture: the .po compiled just now)

pytestmark = pytest.mark.django_db

HIGH = {"code": "personal_data", "severity": "high", "message": "An e-mail address: shop@example.com."}
V1 = "/api/v1"
CHANGELIST = reverse("admin:generation_draft_changelist")


def blocked_draft(campaign, *, status=Draft.Status.PENDING_REVIEW, in_sentence=False):
    """A draft whose text (or one sentence of it) has a high finding."""
    idea = IdeaFactory(
        campaign=campaign, title="Rain cover", body="A built-in rain cover in its own pocket keeps it dry."
    )
    source = SourceText(kind=SourceKind.IDEA, pk=idea.pk, text=f"{idea.title}\n{idea.body}")
    sentences = [
        ComposedSentence(
            text="A built-in rain cover keeps it dry.", origin=SentenceOrigin.MODEL, sources=[source]
        ),
        ComposedSentence(
            text="Write to shop@example.com.",
            origin=SentenceOrigin.MODEL,
            sources=[source],
            findings=[HIGH] if in_sentence else [],
        ),
    ]
    composed = ComposedDraft(
        sentences=sentences, language="en", coverage=1.0, findings=[] if in_sentence else [HIGH]
    )
    request = GenerationRequestFactory(campaign=campaign, status=GenerationRequest.Status.DONE)
    draft = services.draft_store(request=request, composed=composed, rank=1)
    Draft.objects.filter(pk=draft.pk).update(status=status)
    draft.refresh_from_db()
    return draft


def overrides(draft) -> list[str]:
    return list(
        DraftAuditEntry.objects.filter(draft=draft, action="overridden").values_list("detail", flat=True)
    )


# --- the rule, in the services ---------------------------------------------------------------------------


@pytest.mark.parametrize("in_sentence", [False, True])
def test_a_draft_with_a_high_finding_cannot_be_approved(campaign, moderator, in_sentence):
    draft = blocked_draft(campaign, in_sentence=in_sentence)

    with pytest.raises(services.DraftBlocked, match="Personal data") as refused:
        services.draft_approve(draft=draft, actor=moderator)

    assert [f["code"] for f in refused.value.findings] == ["personal_data"]
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_an_approved_draft_with_a_high_finding_cannot_be_published(campaign, moderator):
    draft = blocked_draft(campaign, status=Draft.Status.APPROVED)

    with pytest.raises(services.DraftBlocked):
        services.draft_publish(draft=draft, actor=moderator)

    draft.refresh_from_db()
    assert draft.status == Draft.Status.APPROVED


def test_a_blank_override_reason_overrides_nothing(campaign, moderator):
    draft = blocked_draft(campaign)

    with pytest.raises(services.DraftBlocked):
        services.draft_approve(draft=draft, actor=moderator, override_reason="   ")

    assert overrides(draft) == []


def test_an_override_with_a_reason_approves_and_goes_into_the_audit_trail(campaign, moderator):
    draft = blocked_draft(campaign)

    services.draft_approve(draft=draft, actor=moderator, override_reason="Our shop address, on purpose.")

    draft.refresh_from_db()
    assert draft.status == Draft.Status.APPROVED
    [detail] = overrides(draft)
    assert "Our shop address, on purpose." in detail
    assert "Personal data" in detail
    assert DraftAuditEntry.objects.get(draft=draft, action="overridden").actor == moderator


def test_an_override_at_approval_holds_for_publishing_that_version(campaign, moderator):
    draft = blocked_draft(campaign)
    services.draft_approve(draft=draft, actor=moderator, override_reason="Checked by legal.")

    services.draft_publish(draft=draft, actor=moderator)

    draft.refresh_from_db()
    assert draft.status == Draft.Status.PUBLISHED
    assert len(overrides(draft)) == 1


@pytest.mark.parametrize("in_sentence", [False, True])
def test_an_edit_that_removes_the_finding_clears_the_way(campaign, moderator, in_sentence):
    draft = blocked_draft(campaign, in_sentence=in_sentence)

    new = services.draft_edit(draft=draft, actor=moderator, text="A built-in rain cover keeps it dry.")
    services.draft_approve(draft=new, actor=moderator)

    new.refresh_from_db()
    assert new.status == Draft.Status.APPROVED
    assert overrides(new) == []


def test_an_override_does_not_carry_over_to_an_edited_version_that_still_has_the_finding(campaign, moderator):
    draft = blocked_draft(campaign, in_sentence=True)
    services.draft_approve(draft=draft, actor=moderator, override_reason="Fine.")

    new = services.draft_edit(
        draft=draft, actor=moderator, text="A built-in rain cover keeps you dry. Write to shop@example.com."
    )

    with pytest.raises(services.DraftBlocked):
        services.draft_approve(draft=new, actor=moderator)


# --- the admin: buttons --------------------------------------------------------------------------------


@pytest.fixture
def merchant_client(client, moderator):
    client.force_login(moderator)
    return client


def draft_url(draft, action="change"):
    return reverse(f"admin:generation_draft_{action}", args=[draft.pk])


def test_a_blocked_drafts_page_offers_an_override_instead_of_a_plain_approve(merchant_client, campaign):
    draft = blocked_draft(campaign)

    content = merchant_client.get(draft_url(draft)).content.decode()

    assert draft_url(draft, "approve_override") in content
    assert f'action="{draft_url(draft, "approve")}"' not in content
    assert "Blocking findings" in content


def test_the_approve_button_refuses_a_blocked_draft_with_the_findings_named(merchant_client, campaign):
    draft = blocked_draft(campaign)

    response = merchant_client.post(draft_url(draft, "approve"), follow=True)

    assert "Personal data" in " ".join(str(m) for m in response.context["messages"])
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_the_override_page_shows_the_findings_then_approves_with_the_reason(merchant_client, campaign):
    draft = blocked_draft(campaign)

    ask = merchant_client.get(draft_url(draft, "approve_override"))
    merchant_client.post(draft_url(draft, "approve_override"), {"reason": "Our own shop address."})

    assert "An e-mail address: shop@example.com." in ask.content.decode()
    assert 'name="reason"' in ask.content.decode()
    draft.refresh_from_db()
    assert draft.status == Draft.Status.APPROVED
    assert "Our own shop address." in overrides(draft)[0]


def test_the_publish_button_refuses_a_blocked_draft_with_the_findings_named(merchant_client, campaign):
    draft = blocked_draft(campaign, status=Draft.Status.APPROVED)

    response = merchant_client.post(draft_url(draft, "publish"), follow=True)

    assert "Personal data" in " ".join(str(m) for m in response.context["messages"])
    draft.refresh_from_db()
    assert draft.status == Draft.Status.APPROVED


def test_publishing_from_the_override_page(merchant_client, campaign):
    draft = blocked_draft(campaign, status=Draft.Status.APPROVED)

    merchant_client.post(draft_url(draft, "publish_override"), {"reason": "Legal checked it."})

    draft.refresh_from_db()
    assert draft.status == Draft.Status.PUBLISHED
    assert "Legal checked it." in overrides(draft)[0]


# --- the admin: bulk actions -----------------------------------------------------------------------------


def bulk(client, action, drafts, **extra):
    data = {"action": action, "_selected_action": [d.pk for d in drafts], **extra}
    return client.post(CHANGELIST + "?status=all", data, follow=True)


def test_bulk_approval_skips_blocked_drafts_and_says_why(merchant_client, campaign):
    blocked = blocked_draft(campaign)
    clean = DraftFactory(request__campaign=campaign)

    response = bulk(merchant_client, "approve_selected", [blocked, clean], index=0)

    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Personal data" in messages
    blocked.refresh_from_db()
    clean.refresh_from_db()
    assert (blocked.status, clean.status) == (Draft.Status.PENDING_REVIEW, Draft.Status.APPROVED)


def test_bulk_publishing_skips_blocked_drafts(merchant_client, campaign):
    blocked = blocked_draft(campaign, status=Draft.Status.APPROVED)

    bulk(merchant_client, "publish_selected", [blocked], index=0)

    blocked.refresh_from_db()
    assert blocked.status == Draft.Status.APPROVED


def test_bulk_override_asks_for_the_reason_then_approves_each_with_it(merchant_client, campaign):
    drafts = [blocked_draft(campaign) for _ in range(2)]

    ask = bulk(merchant_client, "approve_override_selected", drafts, index=0)
    bulk(merchant_client, "approve_override_selected", drafts, reason="Reviewed line by line.")

    assert 'name="reason"' in ask.content.decode()
    assert set(Draft.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", flat=True)) == {
        "approved"
    }
    assert all("Reviewed line by line." in overrides(d)[0] for d in drafts)


def test_bulk_publishing_with_an_override_asks_for_the_reason_then_publishes_each_with_it(
    merchant_client, campaign, moderator
):
    drafts = [blocked_draft(campaign, status=Draft.Status.APPROVED) for _ in range(2)]

    ask = bulk(merchant_client, "publish_override_selected", drafts, index=0)
    bulk(merchant_client, "publish_override_selected", drafts, reason="Our shop address, on purpose.")

    assert 'name="reason"' in ask.content.decode()
    assert set(Draft.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", flat=True)) == {
        "published"
    }
    entries = DraftAuditEntry.objects.filter(draft__in=drafts, action="overridden")
    assert {(e.draft_id, e.actor) for e in entries} == {(d.pk, moderator) for d in drafts}
    assert all("Our shop address, on purpose." in e.detail for e in entries)


def test_bulk_publishing_with_a_blank_reason_publishes_nothing(merchant_client, campaign):
    draft = blocked_draft(campaign, status=Draft.Status.APPROVED)

    bulk(merchant_client, "publish_override_selected", [draft], reason="   ")

    draft.refresh_from_db()
    assert draft.status == Draft.Status.APPROVED
    assert overrides(draft) == []


# --- the API -------------------------------------------------------------------------------------------


@pytest.fixture
def staff(moderator):
    return token_client(moderator)


def test_approving_a_blocked_draft_over_the_api_is_409_naming_the_findings(staff, campaign):
    draft = blocked_draft(campaign)

    error = assert_error_shape(
        staff.post(f"{V1}/drafts/{draft.pk}/approve/", {}, format="json"), 409, "blocking_findings"
    )

    assert "Personal data" in error["message"]
    assert error["fields"] == {
        "override_reason": ["Personal data (high): An e-mail address: shop@example.com."]
    }
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_approving_a_blocked_draft_over_the_api_with_a_reason_overrides_it(staff, campaign):
    draft = blocked_draft(campaign)

    response = staff.post(
        f"{V1}/drafts/{draft.pk}/approve/", {"override_reason": "Our shop address."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert "Our shop address." in overrides(draft)[0]


def test_publishing_a_blocked_draft_over_the_api_is_409_unless_a_reason_is_given(staff, campaign):
    draft = blocked_draft(campaign, status=Draft.Status.APPROVED)

    refused = staff.post(f"{V1}/drafts/{draft.pk}/publish/")
    allowed = staff.post(f"{V1}/drafts/{draft.pk}/publish/", {"override_reason": "Checked."}, format="json")

    assert_error_shape(refused, 409, "blocking_findings")
    assert allowed.json()["status"] == "published"
    assert "Checked." in overrides(draft)[0]


def test_an_edit_over_the_api_that_clears_the_finding_lets_the_new_version_be_approved(staff, campaign):
    draft = blocked_draft(campaign, in_sentence=True)

    edited = staff.post(
        f"{V1}/drafts/{draft.pk}/edit/", {"text": "A built-in rain cover keeps it dry."}, format="json"
    )
    approved = staff.post(f"{V1}/drafts/{edited.json()['id']}/approve/", {}, format="json")

    assert edited.status_code == 201, edited.content
    assert approved.status_code == 200, approved.content
    assert overrides(Draft.objects.get(pk=edited.json()["id"])) == []


def test_an_edit_over_the_api_that_keeps_the_finding_is_still_refused(staff, campaign):
    draft = blocked_draft(campaign, in_sentence=True)

    edited = staff.post(
        f"{V1}/drafts/{draft.pk}/edit/",
        {"text": "A built-in rain cover keeps you dry. Write to shop@example.com."},
        format="json",
    )

    assert_error_shape(
        staff.post(f"{V1}/drafts/{edited.json()['id']}/approve/", {}, format="json"), 409, "blocking_findings"
    )


def test_the_api_shows_a_drafts_sentences_with_sources_and_coverage_to_its_reviewers_only(
    staff, user, campaign
):
    draft = blocked_draft(campaign, status=Draft.Status.PUBLISHED)
    campaign_idea = draft.sources.get().idea

    as_staff = staff.get(f"{V1}/drafts/{draft.pk}/").json()
    as_customer = token_client(user).get(f"{V1}/drafts/{draft.pk}/").json()

    assert as_staff["coverage"] == 1.0
    first = as_staff["sentences"][0]
    assert (first["position"], first["origin"], first["text"]) == (
        0,
        "model",
        "A built-in rain cover keeps it dry.",
    )
    assert [(s["idea"], s["excerpt"]) for s in first["sources"]] == [(campaign_idea.pk, "Rain cover")]
    assert (as_customer["sentences"], as_customer["coverage"]) == (None, None)


@pytest.fixture
def chinese_catalogue(settings, request):
    """Translations from the committed .po, not from whatever .mo lies around."""
    settings.LOCALE_PATHS = [request.getfixturevalue("compiled_locale")]


# --- the review page -----------------------------------------------------------------------------------


def test_the_review_page_shows_each_sentence_beside_its_sources_and_marks_one_without(
    merchant_client, campaign
):
    idea = IdeaFactory(campaign=campaign, title="<b>Rain cover</b>", body="A built-in rain cover.")
    source = SourceText(kind=SourceKind.IDEA, pk=idea.pk, text=f"{idea.title}\n{idea.body}")
    composed = ComposedDraft(
        sentences=[
            ComposedSentence(
                text="A built-in rain cover keeps it dry.", origin=SentenceOrigin.MODEL, sources=[source]
            ),
            ComposedSentence(text="It seats two.", origin=SentenceOrigin.MODEL),
        ],
        language="en",
        coverage=0.5,
    )
    request = GenerationRequestFactory(campaign=campaign, status=GenerationRequest.Status.DONE)
    draft = services.draft_store(request=request, composed=composed, rank=1)

    content = merchant_client.get(draft_url(draft)).content.decode()

    assert "Coverage of the campaign's top ideas: 50%." in content
    assert "Written by the model" in content
    assert reverse("admin:campaigns_idea_change", args=[idea.pk]) in content
    assert "&lt;b&gt;Rain cover&lt;/b&gt;" in content
    assert idea.author.username in content
    assert '<tr class="sentence-unsourced">' in content
    assert "<mark>It seats two.</mark>" in content
    assert "No source: no community idea or comment says this." in content


def test_the_review_page_labels_a_draft_composed_from_community_words_in_both_languages(
    merchant_client, campaign, chinese_catalogue
):
    idea = IdeaFactory(campaign=campaign, title="鞋仓", body="背包底部有一个独立的鞋仓。")
    source = SourceText(kind=SourceKind.IDEA, pk=idea.pk, text=f"{idea.title}\n{idea.body}")
    composed = ComposedDraft(
        sentences=[
            ComposedSentence(
                text="背包底部有一个独立的鞋仓。", origin=SentenceOrigin.COMMUNITY, sources=[source]
            )
        ],
        language="zh-hans",
        coverage=1.0,
        model_written=False,
    )
    request = GenerationRequestFactory(campaign=campaign, status=GenerationRequest.Status.DONE)
    draft = services.draft_store(request=request, composed=composed, rank=1)

    english = merchant_client.get(draft_url(draft)).content.decode()
    with translation.override("zh-hans"):
        chinese = merchant_client.get(draft_url(draft), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Composed from the community's own words." in english
    assert "From the community&#x27;s own words" in english
    with translation.override("zh-hans"):
        label = translation.gettext("Composed from the community's own words.")
    assert label != "Composed from the community's own words."
    assert label in chinese


def test_the_review_queue_and_the_request_page_show_each_variants_coverage(merchant_client, campaign):
    draft = DraftFactory(request__campaign=campaign, coverage=2 / 3)

    queue = merchant_client.get(CHANGELIST).content.decode()
    page = merchant_client.get(
        reverse("admin:generation_generationrequest_change", args=[draft.request_id])
    ).content.decode()

    assert "67%" in queue
    assert "67%" in page
