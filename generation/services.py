"""Every write to generation data. The admin, the API and the Celery tasks call
these functions, so the rules (permissions, quotas, status tables, audit) live
in one place.

The generation path: generation_request_create() writes a queued request and
enqueues generate_drafts_task after commit; the task claims it
(generation_requests_claim), generation_requests_run() writes the drafts, and a
person reviews them (draft_approve / draft_reject / draft_edit /
draft_regenerate / draft_publish). generation_requests_sweep() recovers
requests whose worker died.
"""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from campaigns.models import Campaign, Comment, Idea
from campaigns.page_cache import campaign_pages_changed
from campaigns.selectors import idea_list_ranked, user_moderates_brand
from campaigns.services import ideas_adopt
from campaigns.visibility import public_comments
from core.exceptions import ActionRefused, InvalidTransition, NotAllowed
from generation import guardrails, outbox, provenance, webhook_events
from generation.drafting.languages import parse_languages
from generation.drafting.pipeline import DraftingResult, DraftJob, run_grounded
from generation.drafting.types import (
    ComposedDraft,
    ComposedSentence,
    DraftingInput,
    GenerationOutput,
    Generator,
    SentenceOrigin,
    SourceKind,
    SourceText,
)
from generation.models import (
    AUDIT_DETAIL_MAX,
    DRAFT_TEXT_MAX,
    ERROR_MAX,
    IDEMPOTENCY_KEY_MAX,
    MAX_NEW_TOKENS,
    MODEL_NAME_MAX,
    REVIEW_NOTE_MAX,
    CommunitySource,
    Draft,
    DraftAuditEntry,
    DraftSentence,
    DraftSentenceSource,
    DraftSource,
    GenerationRequest,
    Kind,
    Length,
)
from generation.prompts import BuiltPrompt, prompt_build
from generation.selectors import brand_input, drafting_input
from notifications.models import Notification
from notifications.services import campaign_published_notify, notification_create
from webhooks.models import WebhookEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Merchant keywords go verbatim into the prompt: a handful of short ones.
KEYWORDS_MAX = 10
KEYWORD_CHARS_MAX = 40
# The campaign page anchor of the "written with our community" section.
PUBLISHED_ANCHOR = "written-with-our-community"

# Coverage is measured on this many of the campaign's top consented ideas:
# the target is that a draft carries the top three.
COVERAGE_TOP_IDEAS = 3
# An edited sentence is matched against the campaign's top consented ideas up
# to this many (and their public comments): where the community's weight is,
# and few enough to match every sentence at once.
EDIT_MATCH_IDEAS = 200

# settings.GENERATION_PIPELINE's values.
PIPELINE_GROUNDED = "grounded"
PIPELINE_LEGACY = "legacy"

RequestStatus = GenerationRequest.Status
Audit = DraftAuditEntry.Action


class GenerationQuotaExceeded(ActionRefused):
    code = "generation_quota"
    status_code = 429
    default_message = _lazy("You have too many requests waiting or running.")


class DraftBlocked(ActionRefused):
    """A draft with a high finding, approved or published without a written override."""

    code = "blocking_findings"
    status_code = 409
    default_message = _lazy("This draft has blocking findings.")

    def __init__(self, findings: Sequence[guardrails.Finding]) -> None:
        self.findings = list(findings)
        super().__init__(
            _(
                "This draft has blocking findings: %(findings)s. Edit the text until they clear, "
                "or override them with a written reason."
            )
            % {"findings": ", ".join(_finding_labels(self.findings))}
        )


def _finding_labels(findings: Iterable[guardrails.Finding]) -> list[str]:
    return list(dict.fromkeys(str(guardrails.CHECK_LABELS.get(f["code"], f["code"])) for f in findings))


# --- shared helpers -------------------------------------------------------------------


def _transition(obj: GenerationRequest | Draft, new: str) -> None:
    """Move obj to a new status if its model's TRANSITIONS table allows it."""
    if new not in obj.TRANSITIONS[obj.status]:
        raise InvalidTransition(
            _("A %(what)s cannot go from “%(old)s” to “%(new)s”.")
            % {
                "what": obj._meta.verbose_name,
                "old": obj.get_status_display(),  # type: ignore[union-attr]
                "new": type(obj).Status(new).label,
            }
        )
    obj.status = new


def _audit(
    *,
    request_id: int,
    action: str,
    actor: User | None = None,
    draft: Draft | None = None,
    detail: str = "",
) -> DraftAuditEntry:
    return DraftAuditEntry.objects.create(
        request_id=request_id, draft=draft, actor=actor, action=action, detail=str(detail)[:AUDIT_DETAIL_MAX]
    )


def _enqueue(request_id: int) -> None:
    # Never raises: with the broker down the request stays queued (the person's
    # request succeeds) and generation/outbox.py publishes it once it is back.
    outbox.request_publish(request_id)


def _request_fail(request: GenerationRequest, *, error: str) -> None:
    _transition(request, RequestStatus.FAILED)
    request.error = error[:ERROR_MAX]
    request.finished_at = timezone.now()
    request.save(update_fields=["status", "error", "finished_at"])
    _audit(request_id=request.pk, action=Audit.FAILED, detail=error)
    webhook_events.webhooks_emit_generation_failed(request)


def _gave_up(deliveries: int) -> str:
    return _(
        "Gave up after %(n)s deliveries: the worker stopped each time before finishing "
        "(crash, out of memory or time limit). Check the worker logs, then generate again."
    ) % {"n": deliveries}


# --- requests -------------------------------------------------------------------------------


# Merchants separate keywords with commas, Chinese commas or new lines.
KEYWORD_SEPARATORS = re.compile(r"[,，、\n]")


def keywords_split(text: str) -> list[str]:
    """ "a, b，c" -> ["a", "b", "c"]: the admin form's text and the API's string form."""
    return [k.strip() for k in KEYWORD_SEPARATORS.split(text) if k.strip()]


def generation_params_clean(
    *, kind: str, tone: str, length: str, keywords: Iterable[str], language: str, variants: int
) -> dict[str, Any]:
    """Validate a request's parameters; return them as stored in params."""
    if kind not in Kind.values:
        raise ActionRefused(_("Choose what to write: a product description or a user story."))
    if tone not in Campaign.Tone.values:
        raise ActionRefused(_("Choose a tone from the list."))
    if length not in Length.values:
        raise ActionRefused(_("Choose a length: short, medium or long."))
    if language not in Campaign.Locale.values:
        raise ActionRefused(_("Choose a language from the list."))
    if not isinstance(variants, int) or not 1 <= variants <= settings.GENERATION_MAX_VARIANTS:
        raise ActionRefused(
            _("Ask for between 1 and %(max)s variants.") % {"max": settings.GENERATION_MAX_VARIANTS}
        )
    cleaned = list(dict.fromkeys(k.strip() for k in keywords if k.strip()))
    if len(cleaned) > KEYWORDS_MAX:
        raise ActionRefused(_("Give at most %(max)s keywords.") % {"max": KEYWORDS_MAX})
    if any(len(k) > KEYWORD_CHARS_MAX for k in cleaned):
        raise ActionRefused(
            _("Each keyword can be at most %(max)s characters long.") % {"max": KEYWORD_CHARS_MAX}
        )
    return {"tone": tone, "length": length, "keywords": cleaned, "language": language, "variants": variants}


def _check_moderates(campaign: Campaign, user: User) -> None:
    if not user_moderates_brand(user, campaign.brand_id):
        raise NotAllowed(_("You can only generate texts for campaigns of your own brands."))


def _check_quota(user: User) -> None:
    open_count = GenerationRequest.objects.filter(
        requested_by=user, status__in=GenerationRequest.OPEN_STATUSES
    ).count()
    if open_count >= settings.GENERATION_MAX_OPEN_PER_USER:
        raise GenerationQuotaExceeded(
            _("You already have %(n)s requests waiting or running. Wait for one to finish, then try again.")
            % {"n": open_count}
        )


def generation_request_check(*, campaign: Campaign, requested_by: User) -> None:
    """Refuse a request the user may not make now: not their brand, or too many
    open. Forms call it to show the reason beside the form."""
    _check_moderates(campaign, requested_by)
    _check_quota(requested_by)


def _same_request(
    existing: GenerationRequest, *, campaign: Campaign, requested_by: User
) -> GenerationRequest:
    if existing.requested_by_id != requested_by.pk or existing.campaign_id != campaign.pk:
        raise ActionRefused(_("This idempotency key was already used for a different request."))
    return existing


@transaction.atomic
def generation_request_create(
    *,
    campaign: Campaign,
    requested_by: User,
    kind: str,
    tone: str,
    length: str,
    keywords: Iterable[str],
    language: str,
    variants: int,
    idempotency_key: str | None = None,
    regenerated_from: Draft | None = None,
) -> GenerationRequest:
    """Queue a request for drafts; the GPU task is enqueued once this commits.

    The same idempotency key returns the request it first created, so a client
    retrying after a timeout does not queue the work twice.
    """
    params = generation_params_clean(
        kind=kind, tone=tone, length=length, keywords=keywords, language=language, variants=variants
    )
    _check_moderates(campaign, requested_by)
    if idempotency_key and len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise ActionRefused(
            _("An idempotency key can be at most %(max)s characters long.") % {"max": IDEMPOTENCY_KEY_MAX}
        )
    if idempotency_key:
        existing = GenerationRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_request(existing, campaign=campaign, requested_by=requested_by)
    # Lock the requester's row so two concurrent requests cannot both slip under the quota.
    get_user_model().objects.select_for_update().filter(pk=requested_by.pk).first()
    _check_quota(requested_by)
    request = GenerationRequest(
        campaign=campaign,
        kind=kind,
        requested_by=requested_by,
        params=params,
        idempotency_key=idempotency_key or None,
        regenerated_from=regenerated_from,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        # A concurrent call with the same key committed first.
        existing = GenerationRequest.objects.get(idempotency_key=idempotency_key)
        return _same_request(existing, campaign=campaign, requested_by=requested_by)
    _audit(
        request_id=request.pk,
        action=Audit.REQUESTED,
        actor=requested_by,
        detail=_("%(kind)s, %(length)s, %(language)s, %(variants)s variant(s).")
        % {"kind": Kind(kind).label, **params},
    )
    transaction.on_commit(partial(_enqueue, request.pk))
    return request


@transaction.atomic
def generation_requests_claim(*, request_id: int, task_id: str) -> list[int]:
    """Mark requests running for one task run; return their ids.

    Claims the task's own request if still queued, any request this task id
    already holds (a redelivery after the worker died mid-run), and up to
    GENERATION_REQUESTS_PER_CLAIM in all with the oldest other queued requests of
    the same length, so that one generate() call serves them all. Locked rows
    are skipped: another worker has them. A request already delivered
    GENERATION_MAX_DELIVERIES times is a poison pill and fails instead.
    An empty list means there is nothing to do (a duplicate message).
    """
    lockable = GenerationRequest.objects.select_for_update(skip_locked=True).order_by("created_at", "pk")
    own = list(
        lockable.filter(
            Q(pk=request_id, status=RequestStatus.QUEUED) | Q(status=RequestStatus.RUNNING, task_id=task_id)
        )
    )
    if not own:
        return []
    room = settings.GENERATION_REQUESTS_PER_CLAIM - len(own)
    # One generate() call has one max_new_tokens: batch requests of the same length.
    others = (
        list(
            lockable.filter(status=RequestStatus.QUEUED, params__length=own[0].params["length"]).exclude(
                pk__in=[r.pk for r in own]
            )[:room]
        )
        if room > 0
        else []
    )
    now = timezone.now()
    return [r.pk for r in own + others if _request_start(r, task_id=task_id, now=now)]


@transaction.atomic
def generation_requests_claim_messages(*, messages: Sequence[tuple[int, str]]) -> list[int]:
    """Mark running the requests of a batch of messages, each (request_id, task_id); return their ids.

    For a worker that hands one task run many messages (celery-batches, measured
    against generation_requests_claim in bench/batching.py). The same
    compare-and-set, message by message: a request is taken if still queued, or
    if running under this very message's task id (a redelivery); locked rows are
    skipped, and nothing beyond the batch is claimed.
    """
    task_of: dict[int, str] = {}
    for request_id, task_id in messages:
        task_of.setdefault(request_id, task_id)  # a duplicate message for one request adds nothing
    match = Q(pk__in=list(task_of), status=RequestStatus.QUEUED)
    for request_id, task_id in messages:
        match |= Q(pk=request_id, status=RequestStatus.RUNNING, task_id=task_id)
    rows = (
        GenerationRequest.objects.select_for_update(skip_locked=True)
        .filter(match)
        .order_by("created_at", "pk")
    )
    now = timezone.now()
    claimed = []
    for request in rows:
        # A redelivery resumes under its own task id; a queued request takes its message's.
        task_id = request.task_id if request.status == RequestStatus.RUNNING else task_of[request.pk]
        if _request_start(request, task_id=task_id, now=now):
            claimed.append(request.pk)
    return claimed


def _request_start(request: GenerationRequest, *, task_id: str, now: datetime) -> bool:
    """Mark a locked request running under task_id (one more delivery); a poison
    pill fails instead and gives False."""
    if request.deliveries >= settings.GENERATION_MAX_DELIVERIES:
        _request_fail(request, error=_gave_up(request.deliveries))
        return False
    if request.status == RequestStatus.QUEUED:
        _transition(request, RequestStatus.RUNNING)
    request.task_id = task_id
    request.started_at = now
    request.deliveries += 1
    request.timings = {
        **request.timings,
        "queue_wait_s": round((now - request.created_at).total_seconds(), 3),
    }
    request.save(update_fields=["status", "task_id", "started_at", "deliveries", "timings"])
    _audit(
        request_id=request.pk,
        action=Audit.STARTED,
        detail=_("Delivery %(n)s, task %(task)s.") % {"n": request.deliveries, "task": task_id},
    )
    return True


def draft_support(request: GenerationRequest) -> tuple[str, ...]:
    """What the brand itself says for a request's drafts: the brief, the
    product, brand and campaign names, the request's keywords. Every check of
    a draft's text rests on it, whoever wrote the text (the grounded
    pipeline's sentences, the legacy paragraph, a reviewer's edit): any
    sentence may say what it holds, and only it licenses a claim. It is the
    grounded pipeline's own DraftJob.support, so all three agree."""
    return _drafting_job(request, brand_input(campaign=request.campaign)).support


def _guardrail_context(
    request: GenerationRequest, *, support: tuple[str, ...], community: Iterable[str]
) -> guardrails.GuardrailContext:
    """The whole-text checks' context: the support, and the community texts
    the draft drew on besides it."""
    return guardrails.GuardrailContext(
        language=request.params["language"],
        length=request.params["length"],
        banned_phrases=request.campaign.brand.banned_phrases,
        supporting_texts=(*support, *dict.fromkeys(community)),
        support=support,
    )


def _build_prompt(request: GenerationRequest, data: DraftingInput) -> BuiltPrompt:
    p = request.params
    return prompt_build(
        data=data,
        kind=request.kind,
        tone=p["tone"],
        length=p["length"],
        keywords=p["keywords"],
        language=p["language"],
    )


def generation_requests_run(
    *, request_ids: Sequence[int], generator: Generator, pipeline: str | None = None
) -> list[int]:
    """Write drafts for claimed (running) requests; return the ids finished.

    `pipeline` (default settings.GENERATION_PIPELINE): "grounded" plans,
    writes, verifies and composes one sentence per point (generation/drafting/);
    "legacy" writes each variant from one whole-draft prompt. Either way the
    prompts of all requests and variants go to the engine together, which is
    where GPU throughput comes from. Each request is then finished in its own
    transaction with a compare-and-set on (status, task_id): drafts, sources
    and audit entries appear together or not at all, and a request the sweeper
    or another delivery has taken over meanwhile gets nothing written.
    """
    requests = list(
        GenerationRequest.objects.filter(pk__in=request_ids, status=RequestStatus.RUNNING)
        .select_related("campaign__brand")
        .order_by("created_at", "pk")
    )
    if not requests:
        return []
    # Gathered once per campaign: several claimed requests often share one.
    inputs: dict[int, DraftingInput] = {}
    for request in requests:
        if request.campaign_id not in inputs:
            inputs[request.campaign_id] = drafting_input(campaign=request.campaign)
    run = _run_legacy if (pipeline or settings.GENERATION_PIPELINE) == PIPELINE_LEGACY else _run_grounded
    return run(requests, inputs, generator)


def _drafting_job(request: GenerationRequest, data: DraftingInput) -> DraftJob:
    p = request.params
    return DraftJob(
        key=request.pk,
        data=data,
        kind=request.kind,
        tone=p["tone"],
        length=p["length"],
        language=p["language"],
        keywords=tuple(p["keywords"]),
        variants=p["variants"],
    )


def _run_grounded(
    requests: Sequence[GenerationRequest], inputs: dict[int, DraftingInput], generator: Generator
) -> list[int]:
    """Every sentence of every request and variant in one generate() call per round."""
    # Greedy decoding does not sample; the seed is recorded for the engine's
    # other uses and to match the legacy path's timings.
    seed = settings.GENERATION_SEED + requests[0].pk
    started = time.monotonic()
    results = run_grounded(
        [_drafting_job(r, inputs[r.campaign_id]) for r in requests],
        generator,
        model_languages=parse_languages(settings.GENERATION_MODEL_LANGUAGES),
        seed=seed,
    )
    generate_s = round(time.monotonic() - started, 3)
    finished = []
    for request in requests:
        result = results[request.pk]
        timings = {"generate_s": generate_s, "seed": seed, "pipeline": PIPELINE_GROUNDED, **result.timings}
        if _request_complete(
            request, result, result.drafts, model_name=generator.model_name, timings=timings
        ):
            finished.append(request.pk)
    return finished


def _run_legacy(
    requests: Sequence[GenerationRequest], inputs: dict[int, DraftingInput], generator: Generator
) -> list[int]:
    """One whole-draft prompt per request, its variants sampled (one generate() call per length)."""
    prompts = {r.pk: _build_prompt(r, inputs[r.campaign_id]) for r in requests}
    by_length: dict[str, list[GenerationRequest]] = defaultdict(list)
    for request in requests:
        by_length[request.params["length"]].append(request)
    finished = []
    for length, group in by_length.items():
        # A seed per call, from its first request: reproducible, and a
        # regenerated request (a new id) samples new text.
        seed = settings.GENERATION_SEED + group[0].pk
        batch = [prompts[r.pk].messages for r in group for _variant in range(r.params["variants"])]
        started = time.monotonic()
        outputs = list(generator.generate(batch, max_new_tokens=MAX_NEW_TOKENS[Length(length)], seed=seed))
        generate_s = round(time.monotonic() - started, 3)
        for request in group:
            own, outputs = outputs[: request.params["variants"]], outputs[request.params["variants"] :]
            timings = {
                "generate_s": generate_s,
                "batch_prompts": len(batch),
                "seed": seed,
                "pipeline": PIPELINE_LEGACY,
            }
            composed = [_composed_from_output(request, prompts[request.pk], output) for output in own]
            if _request_complete(
                request, prompts[request.pk], composed, model_name=generator.model_name, timings=timings
            ):
                finished.append(request.pk)
    return finished


def _source_texts(sources: Iterable[Idea | Comment]) -> list[SourceText]:
    """Ideas (ranked in the order given, 1 = top) and comments (ranked as their idea) as plain data."""
    sources = list(sources)
    rank = {s.pk: n for n, s in enumerate((s for s in sources if isinstance(s, Idea)), start=1)}
    return [
        SourceText(kind=SourceKind.IDEA, pk=s.pk, text=f"{s.title}\n{s.body}", rank=rank[s.pk])
        if isinstance(s, Idea)
        else SourceText(kind=SourceKind.COMMENT, pk=s.pk, text=s.body, rank=rank.get(s.idea_id, 0))
        for s in sources
    ]


def _sentence_matched(
    text: str,
    origin: SentenceOrigin,
    candidates: Sequence[SourceText],
    *,
    support: Sequence[str],
    language: str,
) -> ComposedSentence:
    """A sentence not written from its own sources (the legacy paragraph's, a
    reviewer's): the candidates it realises become its sources, and it is
    checked against them and the support, as the grounded pipeline checks its own."""
    sources = provenance.match_sources(text, candidates)
    findings = guardrails.check_sentence(
        text, sources=[s.text for s in sources], support=support, language=language
    )
    return ComposedSentence(text=text, origin=origin, sources=sources, findings=findings)


def _composed_from_output(
    request: GenerationRequest, prompt: BuiltPrompt, output: GenerationOutput
) -> ComposedDraft:
    """The one-paragraph model text as sentences, each with the prompt's ideas
    and comments it realises (until the grounded pipeline writes sentences itself)."""
    candidates = prompt.sources
    support = draft_support(request)
    text = guardrails.complete_sentences(output.text)
    sentences = [
        _sentence_matched(
            sentence,
            SentenceOrigin.MODEL,
            candidates,
            support=support,
            language=request.params["language"],
        )
        for sentence in provenance.split_sentences(text)
    ]
    top = [idea.pk for idea in prompt.ideas[:COVERAGE_TOP_IDEAS]]
    return ComposedDraft(
        sentences=sentences,
        language=request.params["language"],
        coverage=provenance.coverage(sentences, top),
        findings=guardrails.check_draft(
            text, _guardrail_context(request, support=support, community=(s.text for s in candidates))
        ),
        perplexity=output.perplexity,
        prompt_tokens=output.prompt_tokens,
        new_tokens=output.new_tokens,
    )


@transaction.atomic
def _request_complete(
    request: GenerationRequest,
    prompt: BuiltPrompt | DraftingResult,
    composed: Sequence[ComposedDraft],
    *,
    model_name: str,
    timings: dict[str, Any],
) -> bool:
    timings = {
        **request.timings,
        **timings,
        "prompt_tokens": sum(c.prompt_tokens for c in composed),
        "new_tokens": sum(c.new_tokens for c in composed),
    }
    done = GenerationRequest.objects.filter(
        pk=request.pk, status=RequestStatus.RUNNING, task_id=request.task_id
    ).update(
        status=RequestStatus.DONE,
        finished_at=timezone.now(),
        prompt=prompt.text,
        prompt_version=prompt.version,
        model_name=model_name[:MODEL_NAME_MAX],
        timings=timings,
    )
    if not done:
        return False
    # Best first, so the review queue lists the variant to read first at the top.
    for rank, variant in enumerate(sorted(composed, key=variant_rank_key), start=1):
        draft_store(request=request, composed=variant, rank=rank)
    return True


def variant_rank_key(composed: ComposedDraft) -> tuple[float, int, int, float]:
    """The most coverage of the top ideas first, then the fewest blocking
    findings, then the fewest findings (the draft's and its sentences'), then
    the lowest perplexity: a draft that uses the community beats a fluent one
    that does not."""
    findings = [
        *composed.findings,
        *(f for sentence in composed.sentences for f in provenance.with_source_finding(sentence)),
    ]
    blocking = sum(1 for f in findings if f["severity"] == guardrails.SEVERITY_HIGH)
    perplexity = math.inf if composed.perplexity is None else composed.perplexity
    return (-composed.coverage, blocking, len(findings), perplexity)


@transaction.atomic
def draft_store(*, request: GenerationRequest, composed: ComposedDraft, rank: int) -> Draft:
    """Write one variant of a finished request: the draft, its sentences with
    their sources and findings, and the draft-level list of sources (their
    union, which publishing credits). Audited and announced to webhooks."""
    sentences = _within_text_max(composed.sentences)
    draft = _draft_write(
        Draft(
            request=request,
            campaign_id=request.campaign_id,
            kind=request.kind,
            text=" ".join(s.text for s in sentences),
            findings=composed.findings,
            rank=rank,
            perplexity=composed.perplexity,
            coverage=composed.coverage,
            model_written=composed.model_written,
        ),
        sentences,
    )
    _audit(
        request_id=request.pk,
        draft=draft,
        action=Audit.GENERATED,
        detail=_("Variant %(n)s: %(coverage)s of the top ideas, %(findings)s guardrail finding(s).")
        % {"n": rank, "coverage": f"{composed.coverage:.0%}", "findings": len(draft.findings)},
    )
    webhook_events.webhooks_emit_draft(draft, WebhookEvent.DRAFT_PENDING_REVIEW)
    return draft


def _within_text_max(sentences: Sequence[ComposedSentence]) -> list[ComposedSentence]:
    """The leading sentences that fit in DRAFT_TEXT_MAX, so text and sentences agree."""
    kept: list[ComposedSentence] = []
    length = -1
    for sentence in (s for s in sentences if s.text):
        length += 1 + len(sentence.text)
        if length > DRAFT_TEXT_MAX:
            break
        kept.append(sentence)
    return kept


def _draft_write(draft: Draft, sentences: Sequence[ComposedSentence]) -> Draft:
    """Save a new draft with its sentences, their sources and findings, and
    the draft's own source list. A source that is not an idea or comment of
    the draft's campaign, or whose author does not allow AI use, is dropped:
    nobody outside it, and nobody who said no, is ever credited."""
    draft.save()
    ideas, comments = _campaign_source_ids(draft.campaign_id, sentences)
    rows = []
    for position, composed in enumerate(sentences):
        kept = [s for s in composed.sources if s.pk in (ideas if s.kind == SourceKind.IDEA else comments)]
        checked = ComposedSentence(
            text=composed.text, origin=composed.origin, sources=kept, findings=composed.findings
        )
        rows.append(
            (
                DraftSentence(
                    draft=draft,
                    position=position,
                    text=composed.text,
                    origin=composed.origin,
                    findings=provenance.with_source_finding(checked),
                ),
                kept,
            )
        )
    DraftSentence.objects.bulk_create(row for row, _sources in rows)
    DraftSentenceSource.objects.bulk_create(
        DraftSentenceSource(sentence=row, position=n, **CommunitySource.target_ids(source))
        for row, sources in rows
        for n, source in enumerate(sources)
    )
    _copy_sources(draft, [source for _row, sources in rows for source in sources])
    return draft


def _campaign_source_ids(
    campaign_id: int, sentences: Sequence[ComposedSentence]
) -> tuple[set[int], set[int]]:
    """Of the sentences' sources, the ideas and comments of this campaign whose
    authors allow AI use now (deleting an account withdraws it)."""
    idea_ids = {s.pk for c in sentences for s in c.sources if s.kind == SourceKind.IDEA}
    comment_ids = {s.pk for c in sentences for s in c.sources if s.kind == SourceKind.COMMENT}
    ideas = (
        set(
            Idea.objects.filter(campaign_id=campaign_id, pk__in=idea_ids, consent_ai=True).values_list(
                "pk", flat=True
            )
        )
        if idea_ids
        else set()
    )
    comments = (
        set(
            Comment.objects.filter(
                idea__campaign_id=campaign_id, pk__in=comment_ids, consent_ai=True
            ).values_list("pk", flat=True)
        )
        if comment_ids
        else set()
    )
    return ideas, comments


def _copy_sources(draft: Draft, sources: Iterable[SourceText]) -> None:
    """The draft's source list: each idea or comment its sentences realise, once, in order of first use."""
    unique: dict[tuple[SourceKind, int], SourceText] = {}
    for source in sources:
        unique.setdefault((source.kind, source.pk), source)
    DraftSource.objects.bulk_create(
        DraftSource(draft=draft, position=position, **CommunitySource.target_ids(source))
        for position, source in enumerate(unique.values())
    )


@transaction.atomic
def generation_requests_fail(*, request_ids: Iterable[int], task_id: str, error: str) -> list[int]:
    """Fail the requests this task run still holds (a missing model, a time limit)."""
    failed = []
    for request in GenerationRequest.objects.select_for_update().filter(
        pk__in=list(request_ids), status=RequestStatus.RUNNING, task_id=task_id
    ):
        _request_fail(request, error=error)
        failed.append(request.pk)
    return failed


@transaction.atomic
def generation_requests_sweep() -> dict[str, int]:
    """Recover requests whose worker died without a word: still running well
    past the hard time limit. Requeue them while deliveries remain, else fail."""
    cutoff = timezone.now() - timedelta(
        seconds=settings.GENERATION_HARD_TIME_LIMIT + settings.GENERATION_SWEEP_MARGIN
    )
    counts = {"requeued": 0, "failed": 0}
    for request in GenerationRequest.objects.select_for_update(skip_locked=True).filter(
        status=RequestStatus.RUNNING, started_at__lt=cutoff
    ):
        if request.deliveries >= settings.GENERATION_MAX_DELIVERIES:
            _request_fail(request, error=_gave_up(request.deliveries))
            counts["failed"] += 1
            continue
        _transition(request, RequestStatus.QUEUED)
        # A late finish by the lost worker now fails its compare-and-set.
        request.task_id = ""
        request.save(update_fields=["status", "task_id"])
        _audit(
            request_id=request.pk, action=Audit.REQUEUED, detail=_("No word from the worker; queued again.")
        )
        transaction.on_commit(partial(_enqueue, request.pk))
        counts["requeued"] += 1
    return counts


# --- drafts -----------------------------------------------------------------------------------


def _draft_locked(draft: Draft, actor: User) -> Draft:
    """The draft, re-read and locked, if the actor moderates its brand."""
    locked = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("campaign__brand", "request")
        .get(pk=draft.pk)
    )
    if not user_moderates_brand(actor, locked.campaign.brand_id):
        raise NotAllowed()
    return locked


def draft_blocking_findings(draft: Draft) -> list[guardrails.Finding]:
    """The high findings of a draft's text and of its sentences: what blocks
    approving and publishing it."""
    sentence_findings = [f for sentence in draft.sentences.all() for f in sentence.findings]
    return [f for f in [*draft.findings, *sentence_findings] if f["severity"] == guardrails.SEVERITY_HIGH]


def draft_is_overridden(draft: Draft) -> bool:
    """Whether a reviewer already overrode this version's blocking findings."""
    return draft.audit_entries.filter(action=Audit.OVERRIDDEN).exists()


def _check_not_blocked(draft: Draft, *, actor: User, override_reason: str) -> None:
    """The one blocking rule, for approving and publishing alike: a draft with
    a high finding goes on only with a written reason, kept in the audit trail;
    an override holds for this version (an edit is a new version, checked anew)."""
    blocking = draft_blocking_findings(draft)
    if not blocking or draft_is_overridden(draft):
        return
    reason = override_reason.strip()
    if not reason:
        raise DraftBlocked(blocking)
    _audit(
        request_id=draft.request_id,
        draft=draft,
        actor=actor,
        action=Audit.OVERRIDDEN,
        detail=_("%(reason)s (overrides: %(findings)s)")
        % {"reason": reason, "findings": ", ".join(_finding_labels(blocking))},
    )


def _review(
    *, draft: Draft, actor: User, status: str, action: str, note: str = "", override_reason: str = ""
) -> Draft:
    draft = _draft_locked(draft, actor)
    _transition(draft, status)
    if status == Draft.Status.APPROVED:
        _check_not_blocked(draft, actor=actor, override_reason=override_reason)
    draft.reviewer = actor
    draft.reviewed_at = timezone.now()
    draft.review_note = note.strip()[:REVIEW_NOTE_MAX]
    draft.save(update_fields=["status", "reviewer", "reviewed_at", "review_note"])
    _audit(request_id=draft.request_id, draft=draft, actor=actor, action=action, detail=draft.review_note)
    return draft


@transaction.atomic
def draft_approve(*, draft: Draft, actor: User, note: str = "", override_reason: str = "") -> Draft:
    """Approve a draft; one with a blocking finding needs override_reason."""
    return _review(
        draft=draft,
        actor=actor,
        status=Draft.Status.APPROVED,
        action=Audit.APPROVED,
        note=note,
        override_reason=override_reason,
    )


@transaction.atomic
def draft_reject(*, draft: Draft, actor: User, reason: str) -> Draft:
    if not reason.strip():
        raise ActionRefused(_("Say why the draft is rejected; the reason is kept in the audit trail."))
    return _review(draft=draft, actor=actor, status=Draft.Status.REJECTED, action=Audit.REJECTED, note=reason)


def _source_text(source: CommunitySource) -> SourceText:
    # A source names exactly one of an idea and a comment (a check constraint).
    idea = source.idea if source.idea_id else None
    if idea is not None:
        return SourceText(kind=SourceKind.IDEA, pk=idea.pk, text=f"{idea.title}\n{idea.body}")
    comment = source.comment
    assert comment is not None
    return SourceText(kind=SourceKind.COMMENT, pk=comment.pk, text=comment.body)


def _consented_sources(campaign: Campaign) -> tuple[list[SourceText], list[int]]:
    """What an edited sentence may rest on: the campaign's top ideas whose
    authors allowed AI use, and their public comments whose authors did too,
    as for a prompt; and the ids of the top ideas coverage is measured on."""
    ideas = list(idea_list_ranked(campaign=campaign, sort="top").filter(consent_ai=True)[:EDIT_MATCH_IDEAS])
    comments = list(
        public_comments(Comment.objects.filter(idea__in=ideas, consent_ai=True)).order_by("created_at", "pk")
    )
    return _source_texts([*ideas, *comments]), [i.pk for i in ideas[:COVERAGE_TOP_IDEAS]]


def _sentences_edited(
    draft: Draft, text: str, *, support: Sequence[str], language: str
) -> tuple[list[ComposedSentence], list[int]]:
    """The edited text's sentences: one the reviewer kept word for word keeps
    its origin, findings and the sources whose authors still allow AI use; a
    changed or new one is the reviewer's, matched against the campaign's
    consented ideas and comments and checked again. Also the top ideas' ids,
    for the coverage."""
    kept: dict[str, list[DraftSentence]] = defaultdict(list)
    for old in draft.sentences.prefetch_related("sources__idea", "sources__comment"):
        kept[" ".join(old.text.split())].append(old)
    candidates, top = _consented_sources(draft.campaign)
    sentences = []
    for sentence in provenance.split_sentences(text):
        same = kept.get(" ".join(sentence.split()))
        if same:
            old = same.pop(0)
            sentences.append(
                ComposedSentence(
                    text=sentence,
                    origin=SentenceOrigin(old.origin),
                    sources=[_source_text(s) for s in old.sources.all() if s.allows_ai_use()],
                    findings=old.findings,
                )
            )
            continue
        sentences.append(
            _sentence_matched(sentence, SentenceOrigin.EDITED, candidates, support=support, language=language)
        )
    return sentences, top


@transaction.atomic
def draft_edit(*, draft: Draft, actor: User, text: str) -> Draft:
    """Save an edited text as a new version to review; the edited one is kept
    unchanged (superseded). Sentences kept word for word keep their provenance;
    changed and new ones are matched and checked again, and the guardrails run
    again on the whole text."""
    draft = _draft_locked(draft, actor)
    text = text.strip()
    if not text:
        raise ActionRefused(_("A draft cannot be empty."))
    if len(text) > DRAFT_TEXT_MAX:
        raise ActionRefused(_("A draft can be at most %(max)s characters long.") % {"max": DRAFT_TEXT_MAX})
    if text == draft.text:
        raise ActionRefused(_("The text is unchanged."))
    _transition(draft, Draft.Status.SUPERSEDED)
    draft.save(update_fields=["status"])
    support = draft_support(draft.request)
    sentences, top = _sentences_edited(
        draft, text, support=support, language=draft.request.params["language"]
    )
    realised = (s.text for sentence in sentences for s in sentence.sources)
    new = _draft_write(
        Draft(
            request=draft.request,
            campaign=draft.campaign,
            kind=draft.kind,
            text=text,
            version=draft.version + 1,
            parent=draft,
            rank=draft.rank,
            findings=guardrails.check_draft(
                text, _guardrail_context(draft.request, support=support, community=realised)
            ),
            coverage=provenance.coverage(sentences, top),
            model_written=draft.model_written,
        ),
        sentences,
    )
    _audit(
        request_id=draft.request_id,
        draft=draft,
        actor=actor,
        action=Audit.EDITED,
        detail=_("Replaced by version %(v)s.") % {"v": new.version},
    )
    _audit(
        request_id=draft.request_id,
        draft=new,
        actor=actor,
        action=Audit.EDITED,
        detail=_("Edited from version %(v)s.") % {"v": draft.version},
    )
    webhook_events.webhooks_emit_draft(new, WebhookEvent.DRAFT_PENDING_REVIEW)
    return new


@transaction.atomic
def draft_regenerate(*, draft: Draft, actor: User) -> GenerationRequest:
    """A new request with the same parameters; the draft itself is unchanged."""
    draft = _draft_locked(draft, actor)
    request = generation_request_create(
        campaign=draft.campaign,
        requested_by=actor,
        kind=draft.kind,
        regenerated_from=draft,
        **draft.request.params,
    )
    _audit(
        request_id=draft.request_id,
        draft=draft,
        actor=actor,
        action=Audit.REGENERATED,
        detail=_("New request #%(id)s.") % {"id": request.pk},
    )
    return request


@transaction.atomic
def draft_publish(*, draft: Draft, actor: User, override_reason: str = "") -> Draft:
    """Show an approved draft on the campaign page; one with a blocking finding
    needs an override (now, or when it was approved).

    Credits follow the text: only the ideas a sentence of this version
    realises (its DraftSource rows, the union of its sentences' sources) become
    adopted, and only their authors who allowed credit (and still have an
    account) are told in-app and by e-mail and thanked on the page
    (selectors.draft_list_published)."""
    draft = _draft_locked(draft, actor)
    _transition(draft, Draft.Status.PUBLISHED)
    _check_not_blocked(draft, actor=actor, override_reason=override_reason)
    draft.published_at = timezone.now()
    draft.save(update_fields=["status", "published_at"])
    campaign_pages_changed(draft.campaign_id)
    _audit(request_id=draft.request_id, draft=draft, actor=actor, action=Audit.PUBLISHED)
    campaign = draft.campaign
    sources = draft.sources.filter(idea__isnull=False).select_related("idea__author")
    ideas = [s.idea for s in sources if s.idea is not None]
    # A deleted account is never told anything, whatever it once allowed.
    credited = [idea for idea in ideas if idea.consent_credit and idea.author.is_active]
    url = f"{campaign.get_absolute_url()}#{PUBLISHED_ANCHOR}"
    message = _("Your idea helped shape a text %(brand)s just published for %(product)s. Thank you!") % {
        "brand": campaign.brand.name,
        "product": campaign.product_name,
    }
    adopted = set(
        ideas_adopt(ideas=ideas, message=message, url=url, tell_authors_of={i.pk for i in credited})
    )
    # ideas_adopt leaves ideas adopted by an earlier text alone, and merged
    # duplicates (a sentence that realises an idea may rest on their words
    # too); their authors still hear that their idea shaped this text.
    for idea in credited:
        if idea.pk not in adopted and idea.status in (Idea.Status.ADOPTED, Idea.Status.MERGED):
            notification_create(
                user_id=idea.author_id,
                kind=Notification.Kind.IDEA_ADOPTED,
                idea=idea,
                message=message,
                url=url,
                email=True,
            )
    # Everyone else who took part hears that the campaign published its text.
    campaign_published_notify(campaign, url, exclude_user_ids={i.author_id for i in credited})
    webhook_events.webhooks_emit_draft(draft, WebhookEvent.DRAFT_PUBLISHED)
    return draft
