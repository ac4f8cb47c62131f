"""The drafting admin (generation form, request pages, review queue) and what
customers can and cannot see of drafts."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Idea
from generation.models import Draft, DraftAuditEntry, DraftSource, GenerationRequest
from notifications.models import Notification
from tests.factories import CampaignFactory, CommentFactory, IdeaFactory, StaffFactory, UserFactory
from tests.generation.factories import DEFAULT_PARAMS, DraftFactory, GenerationRequestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:generation_draft_changelist")
ADD_REQUEST = reverse("admin:generation_generationrequest_add")
# The management form of the read-only audit inline on a draft's page.
EMPTY_AUDIT_INLINE = {
    "audit_entries-TOTAL_FORMS": "0",
    "audit_entries-INITIAL_FORMS": "0",
    "audit_entries-MIN_NUM_FORMS": "0",
    "audit_entries-MAX_NUM_FORMS": "1000",
}


def draft_url(draft, action="change"):
    return reverse(f"admin:generation_draft_{action}", args=[draft.pk])


def request_url(request):
    return reverse("admin:generation_generationrequest_change", args=[request.pk])


@pytest.fixture
def merchant_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def no_enqueue():
    """Requests are enqueued after commit; no broker in these tests."""
    with mock.patch("generation.tasks.generate_drafts_task.delay") as delay:
        yield delay


def listed(response) -> list:
    return list(response.context["cl"].result_list)


# --- scoping ------------------------------------------------------------------------------------------


def test_a_moderator_of_another_brand_does_not_see_the_drafts_in_the_review_queue(
    client, campaign, other_moderator
):
    DraftFactory(request__campaign=campaign)
    client.force_login(other_moderator)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert listed(response) == []


def test_a_moderator_of_another_brand_cannot_open_a_draft(client, campaign, other_moderator):
    draft = DraftFactory(request__campaign=campaign, text="Brand A secret draft")
    client.force_login(other_moderator)

    response = client.get(draft_url(draft), follow=True)

    assert "Brand A secret draft" not in response.content.decode()


def test_a_moderator_of_another_brand_cannot_approve_a_draft(client, campaign, other_moderator):
    draft = DraftFactory(request__campaign=campaign)
    client.force_login(other_moderator)

    response = client.post(draft_url(draft, "approve"))

    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_a_moderator_of_another_brand_does_not_see_the_requests(client, campaign, other_moderator):
    GenerationRequestFactory(campaign=campaign)
    client.force_login(other_moderator)

    response = client.get(reverse("admin:generation_generationrequest_changelist"))

    assert listed(response) == []


def test_a_moderator_of_another_brand_cannot_open_a_request(client, campaign, other_moderator):
    request = GenerationRequestFactory(campaign=campaign, prompt="Brand A prompt text")
    client.force_login(other_moderator)

    response = client.get(request_url(request), follow=True)

    assert "Brand A prompt text" not in response.content.decode()


def test_the_generation_form_offers_only_the_merchants_campaigns(merchant_client, campaign, other_brand):
    other_campaign = CampaignFactory(brand=other_brand)

    response = merchant_client.get(ADD_REQUEST)

    choices = list(response.context["adminform"].form.fields["campaign"].queryset)
    assert campaign in choices
    assert other_campaign not in choices


def test_a_merchant_cannot_generate_for_another_brands_campaign(merchant_client, other_brand, no_enqueue):
    other_campaign = CampaignFactory(brand=other_brand)

    merchant_client.post(ADD_REQUEST, form_data(other_campaign))

    assert not GenerationRequest.objects.exists()


def test_staff_without_a_brand_cannot_see_drafts(client, campaign):
    DraftFactory(request__campaign=campaign)
    client.force_login(StaffFactory())

    assert client.get(CHANGELIST).status_code == 403


def test_a_customer_is_sent_to_the_admin_login(client, campaign, user):
    draft = DraftFactory(request__campaign=campaign)
    client.force_login(user)

    for url in (CHANGELIST, draft_url(draft)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


# --- the generation form and request pages ----------------------------------------------------------------


def form_data(campaign, **overrides):
    data = {
        "campaign": campaign.pk,
        "kind": "product_description",
        "tone": "playful",
        "length": "medium",
        "keywords": "hip belt, 轻便\nrain cover",
        "language": "en",
        "variants": 3,
        "idempotency_key": "form-key-1",
    }
    return {**data, **overrides}


def test_the_generation_form_preselects_the_campaign_and_its_tone_and_language(merchant_client, campaign):
    campaign.tone, campaign.locale = "premium", "zh-hans"
    campaign.save()

    response = merchant_client.get(f"{ADD_REQUEST}?campaign={campaign.pk}")

    form = response.context["adminform"].form
    assert form.initial["campaign"] == str(campaign.pk)
    assert (form.initial["tone"], form.initial["language"]) == ("premium", "zh-hans")
    assert form.initial["idempotency_key"]


def test_submitting_the_generation_form_queues_a_request_and_shows_its_page(
    merchant_client, campaign, moderator, no_enqueue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = merchant_client.post(ADD_REQUEST, form_data(campaign))

    request = GenerationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == request_url(request)
    assert (request.requested_by, request.status, request.kind) == (
        moderator,
        "queued",
        "product_description",
    )
    assert request.params == {
        "tone": "playful",
        "length": "medium",
        "keywords": ["hip belt", "轻便", "rain cover"],
        "language": "en",
        "variants": 3,
    }
    no_enqueue.assert_called_once_with(request.pk)


def test_a_double_submitted_generation_form_queues_one_request(merchant_client, campaign, no_enqueue):
    merchant_client.post(ADD_REQUEST, form_data(campaign))
    merchant_client.post(ADD_REQUEST, form_data(campaign))

    assert GenerationRequest.objects.count() == 1


def test_the_generation_form_refuses_more_variants_than_allowed(merchant_client, campaign, no_enqueue):
    response = merchant_client.post(ADD_REQUEST, form_data(campaign, variants=6))

    assert response.status_code == 200
    assert "variants" in response.context["adminform"].form.errors
    assert not GenerationRequest.objects.exists()


def test_the_generation_form_shows_the_quota_refusal(
    merchant_client, campaign, moderator, settings, no_enqueue
):
    settings.GENERATION_MAX_OPEN_PER_USER = 1
    GenerationRequestFactory(campaign=campaign, requested_by=moderator)

    response = merchant_client.post(ADD_REQUEST, form_data(campaign, idempotency_key="new-key"))

    assert response.status_code == 200
    assert "1 requests waiting or running" in response.content.decode()
    assert GenerationRequest.objects.count() == 1


@pytest.mark.parametrize("status", ["queued", "running"])
def test_an_open_requests_page_refreshes_itself(merchant_client, campaign, status):
    request = GenerationRequestFactory(campaign=campaign, status=status, started_at=timezone.now())

    response = merchant_client.get(request_url(request))

    assert '<meta http-equiv="refresh" content="3">' in response.content.decode()


def test_a_failed_requests_page_shows_the_reason_and_stops_refreshing(merchant_client, campaign):
    request = GenerationRequestFactory(
        campaign=campaign, status="failed", error="No model: run prepare_model"
    )

    response = merchant_client.get(request_url(request))

    content = response.content.decode()
    assert "No model: run prepare_model" in content
    assert 'http-equiv="refresh"' not in content


def test_a_done_requests_page_links_its_drafts_and_shows_the_prompt_escaped(merchant_client, campaign):
    request = GenerationRequestFactory(campaign=campaign, status="done", prompt="<idea>quoted</idea>")
    draft = DraftFactory(request=request)

    response = merchant_client.get(request_url(request))

    content = response.content.decode()
    assert draft_url(draft) in content
    assert "&lt;idea&gt;quoted&lt;/idea&gt;" in content
    assert 'http-equiv="refresh"' not in content


# --- the review queue -------------------------------------------------------------------------------------


def test_the_review_queue_lists_pending_drafts_by_default(merchant_client, campaign):
    pending = DraftFactory(request__campaign=campaign)
    DraftFactory(request__campaign=campaign, status=Draft.Status.APPROVED)

    response = merchant_client.get(CHANGELIST)

    assert listed(response) == [pending]


def test_the_review_queue_can_list_every_status(merchant_client, campaign):
    drafts = [DraftFactory(request__campaign=campaign, status=s) for s in Draft.Status.values]

    response = merchant_client.get(CHANGELIST, {"status": "all"})

    assert set(listed(response)) == set(drafts)


def test_the_review_queue_filters_by_campaign_from_the_campaign_admin_link(merchant_client, campaign, brand):
    mine = DraftFactory(request__campaign=campaign)
    DraftFactory(request__campaign=CampaignFactory(brand=brand))

    response = merchant_client.get(CHANGELIST, {"campaign__id__exact": campaign.pk})

    assert listed(response) == [mine]


def test_the_review_queue_shows_the_findings_count_and_worst_severity(merchant_client, campaign):
    DraftFactory(
        request__campaign=campaign,
        findings=[
            {"code": "cut_off", "severity": "low", "message": "m"},
            {"code": "banned_phrase", "severity": "high", "message": "m"},
        ],
    )

    response = merchant_client.get(CHANGELIST)

    assert '2 <span class="finding-high">(high)</span>' in response.content.decode()


def test_a_drafts_page_shows_text_findings_sources_model_and_audit_trail_escaped(merchant_client, campaign):
    request = GenerationRequestFactory(campaign=campaign, status="done", model_name="smollm2-test")
    draft = DraftFactory(
        request=request,
        text="<script>alert(1)</script> A fine pack.",
        findings=[{"code": "banned_phrase", "severity": "high", "message": "Says <b>cheap</b>."}],
    )
    idea = IdeaFactory(campaign=campaign, title="<i>Bigger pocket</i>")
    comment = CommentFactory(idea=idea, body="Yes <u>please</u>")
    DraftSource.objects.create(draft=draft, idea=idea, position=0)
    DraftSource.objects.create(draft=draft, comment=comment, position=1)
    DraftAuditEntry.objects.create(request=request, draft=draft, action="generated", detail="variant 1 of 1")

    content = merchant_client.get(draft_url(draft)).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; A fine pack." in content
    assert "Says &lt;b&gt;cheap&lt;/b&gt;." in content
    assert reverse("admin:campaigns_idea_change", args=[idea.pk]) in content
    assert "&lt;i&gt;Bigger pocket&lt;/i&gt;" in content
    assert reverse("admin:campaigns_comment_change", args=[comment.pk]) in content
    assert "Yes &lt;u&gt;please&lt;/u&gt;" in content
    assert "smollm2-test" in content
    assert "variant 1 of 1" in content


def test_a_pending_drafts_page_offers_approve_reject_and_regenerate_but_not_publish(
    merchant_client, campaign
):
    draft = DraftFactory(request__campaign=campaign)

    content = merchant_client.get(draft_url(draft)).content.decode()

    for action in ("approve", "reject", "regenerate"):
        assert draft_url(draft, action) in content
    assert draft_url(draft, "publish") not in content


def test_approving_from_the_drafts_page(merchant_client, campaign, moderator):
    draft = DraftFactory(request__campaign=campaign)

    response = merchant_client.post(draft_url(draft, "approve"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.reviewer) == (Draft.Status.APPROVED, moderator)
    assert DraftAuditEntry.objects.filter(draft=draft, action="approved", actor=moderator).exists()


def test_approving_needs_a_post(merchant_client, campaign):
    draft = DraftFactory(request__campaign=campaign)

    assert merchant_client.get(draft_url(draft, "approve")).status_code == 405
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_rejecting_from_the_drafts_page_asks_for_a_reason_first(merchant_client, campaign):
    draft = DraftFactory(request__campaign=campaign)

    response = merchant_client.get(draft_url(draft, "reject"))

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_rejecting_from_the_drafts_page_with_a_reason(merchant_client, campaign):
    draft = DraftFactory(request__campaign=campaign)

    merchant_client.post(draft_url(draft, "reject"), {"reason": "Promises a warranty"})

    draft.refresh_from_db()
    assert (draft.status, draft.review_note) == (Draft.Status.REJECTED, "Promises a warranty")
    assert DraftAuditEntry.objects.get(draft=draft, action="rejected").detail == "Promises a warranty"


def test_rejecting_without_a_reason_rejects_nothing(merchant_client, campaign):
    draft = DraftFactory(request__campaign=campaign)

    response = merchant_client.post(draft_url(draft, "reject"), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_publishing_a_pending_draft_is_refused_with_a_message(merchant_client, campaign):
    draft = DraftFactory(request__campaign=campaign)

    response = merchant_client.post(draft_url(draft, "publish"), follow=True)

    assert "cannot go from" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_regenerating_from_the_drafts_page_opens_the_new_request(merchant_client, campaign, no_enqueue):
    draft = DraftFactory(request__campaign=campaign, request__params=dict(DEFAULT_PARAMS))

    response = merchant_client.post(draft_url(draft, "regenerate"))

    new = GenerationRequest.objects.get(regenerated_from=draft)
    assert response["Location"] == request_url(new)
    assert new.params == draft.request.params


def test_editing_the_text_saves_version_2_and_keeps_version_1(merchant_client, campaign):
    draft = DraftFactory(request__campaign=campaign, text="First words.")

    response = merchant_client.post(draft_url(draft), {"text": "Better words.", **EMPTY_AUDIT_INLINE})

    new = Draft.objects.get(parent=draft)
    assert response["Location"] == draft_url(new)
    assert (new.version, new.text, new.status) == (2, "Better words.", Draft.Status.PENDING_REVIEW)
    draft.refresh_from_db()
    assert (draft.text, draft.status) == ("First words.", Draft.Status.SUPERSEDED)


def test_a_rejected_draft_cannot_be_edited(merchant_client, campaign):
    draft = DraftFactory(request__campaign=campaign, status=Draft.Status.REJECTED, text="Final.")

    merchant_client.post(draft_url(draft), {"text": "Sneaky edit.", **EMPTY_AUDIT_INLINE})

    assert Draft.objects.count() == 1
    draft.refresh_from_db()
    assert draft.text == "Final."


# --- bulk actions -----------------------------------------------------------------------------------------


def bulk(client, action, drafts, **extra):
    data = {"action": action, "_selected_action": [d.pk for d in drafts], **extra}
    return client.post(CHANGELIST + "?status=all", data)


def test_approving_in_bulk(merchant_client, campaign):
    drafts = [DraftFactory(request__campaign=campaign) for _ in range(2)]

    bulk(merchant_client, "approve_selected", drafts, index=0)

    assert set(Draft.objects.values_list("status", flat=True)) == {Draft.Status.APPROVED}


def test_rejecting_in_bulk_asks_for_the_reason_then_rejects_all(merchant_client, campaign):
    drafts = [DraftFactory(request__campaign=campaign) for _ in range(2)]

    ask = bulk(merchant_client, "reject_selected", drafts, index=0)
    bulk(merchant_client, "reject_selected", drafts, reason="Too generic")

    assert 'name="reason"' in ask.content.decode()
    assert set(Draft.objects.values_list("status", "review_note")) == {("rejected", "Too generic")}


def test_a_bulk_action_reports_the_drafts_it_could_not_change(merchant_client, campaign):
    approved = DraftFactory(request__campaign=campaign, status=Draft.Status.APPROVED)
    pending = DraftFactory(request__campaign=campaign)

    response = bulk(merchant_client, "publish_selected", [approved, pending], index=0)

    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Published: done for 1 item." in m for m in messages)
    assert any(str(pending) in m and "cannot go from" in m for m in messages)


def test_publishing_in_bulk_adopts_ideas_and_tells_and_credits_contributors(
    merchant_client, client, campaign, django_capture_on_commit_callbacks, inline_tasks
):
    credited = IdeaFactory(campaign=campaign, author=UserFactory(username="creditme"), consent_credit=True)
    private = IdeaFactory(campaign=campaign, author=UserFactory(username="quietone"), consent_credit=False)
    draft = DraftFactory(request__campaign=campaign, status=Draft.Status.APPROVED, text="Written with you.")
    for position, idea in enumerate((credited, private)):
        DraftSource.objects.create(draft=draft, idea=idea, position=position)

    with django_capture_on_commit_callbacks(execute=True):
        bulk(merchant_client, "publish_selected", [draft], index=0)

    assert set(Idea.objects.values_list("status", flat=True)) == {Idea.Status.ADOPTED}
    # Only the author who allowed credit is thanked; the other hears, as a
    # participant, that the campaign published its text.
    assert set(Notification.objects.filter(kind="idea_adopted").values_list("user__username", flat=True)) == {
        "creditme"
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["creditme@example.com", "quietone@example.com"]
    client.logout()
    section = published_section(client.get(campaign.get_absolute_url()).content.decode())
    assert "Written with you." in section
    assert "Thanks to: creditme" in section
    assert "quietone" not in section


# --- what customers see ---------------------------------------------------------------------------------


def published_section(page: str) -> str:
    """The "written with our community" section of a campaign page."""
    return page.split('id="written-with-our-community"', 1)[1].split("</section>", 1)[0]


def test_the_campaign_page_shows_a_published_draft_and_no_other(client, campaign):
    DraftFactory(
        request__campaign=campaign,
        status=Draft.Status.PUBLISHED,
        published_at=timezone.now(),
        text="PUBLISHED TEXT",
    )
    for status in (s for s in Draft.Status.values if s != Draft.Status.PUBLISHED):
        DraftFactory(request__campaign=campaign, status=status, text=f"HIDDEN {status} TEXT")

    content = client.get(campaign.get_absolute_url()).content.decode()

    assert "PUBLISHED TEXT" in published_section(content)
    assert "HIDDEN" not in content


def test_the_campaign_page_escapes_a_published_drafts_text(client, campaign):
    DraftFactory(
        request__campaign=campaign,
        status=Draft.Status.PUBLISHED,
        published_at=timezone.now(),
        text="<script>x()</script>\nSecond line",
    )

    content = client.get(campaign.get_absolute_url()).content.decode()

    assert "<script>x()</script>" not in content
    assert "&lt;script&gt;x()&lt;/script&gt;<br>Second line" in content


def test_a_campaign_page_without_published_drafts_has_no_community_text_section(client, campaign):
    DraftFactory(request__campaign=campaign, status=Draft.Status.APPROVED)

    content = client.get(campaign.get_absolute_url()).content.decode()

    assert "Written with our community" not in content


def test_the_idea_page_shows_no_draft_built_from_the_idea(client, campaign, user):
    idea = IdeaFactory(campaign=campaign, title="Source idea title")
    for status in (s for s in Draft.Status.values if s != Draft.Status.PUBLISHED):
        draft = DraftFactory(request__campaign=campaign, status=status, text=f"DRAFT {status} TEXT")
        DraftSource.objects.create(draft=draft, idea=idea, position=0)
    client.force_login(idea.author)

    content = client.get(idea.get_absolute_url()).content.decode()

    assert "Source idea title" in content
    assert "DRAFT" not in content
