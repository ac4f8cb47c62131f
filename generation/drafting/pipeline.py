"""The grounded pipeline for many requests at once: plan, write, verify, compose.

Every sentence of every variant of every request is written in one
generate() call per round: round 1 in the variant's wording, round 2 (only
the sentences that failed verification) in the other wording, then the
idea's own words as a fallback. For a language the model does not write,
no model text is used at all (languages.py).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generation import guardrails
from generation.drafting import verify
from generation.drafting.compose import compose
from generation.drafting.languages import as_sentence, frames_for, lower_first
from generation.drafting.plan import Point, plan_points, variant_order
from generation.drafting.types import (
    ComposedDraft,
    ComposedSentence,
    DraftingInput,
    Generator,
    SentenceOrigin,
)
from generation.drafting.write import Role, SentenceJob, Written, sentence_messages, write_sentences
from generation.guardrails.findings import Finding
from generation.models import Kind, Length
from generation.prompts import prompt_text

# Stored on the request as its prompt version: the sentence prompts' wording.
PIPELINE_VERSION = "grounded.v2"
# Tries per sentence before the fallback: the variant's wording, then the other.
WRITE_ROUNDS = 2


@dataclass(frozen=True)
class DraftJob:
    """One request: what it is written from and what it asks for."""

    key: int
    data: DraftingInput
    kind: str
    tone: str
    length: str
    language: str
    keywords: tuple[str, ...]
    variants: int

    @property
    def support(self) -> tuple[str, ...]:
        """What the brand itself says: any sentence may rest on it."""
        d = self.data
        return (d.brief, d.product_name, d.brand_name, d.title, *self.keywords)


@dataclass
class DraftingResult:
    drafts: list[ComposedDraft]
    # Every distinct prompt the model saw for this request, as stored on it.
    prompt: str
    version: str = PIPELINE_VERSION
    timings: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The prompt text, as BuiltPrompt.text names it for the request."""
        return self.prompt


@dataclass
class _Slot:
    """One sentence of one variant, while it is being written."""

    job: DraftJob
    variant: int
    role: Role
    point: Point | None
    text: str = ""
    origin: SentenceOrigin = SentenceOrigin.MODEL
    findings: list[Finding] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)
    done: bool = False
    perplexity: float | None = None  # of the kept answer
    tried: int = 0  # attempts written so far
    leads: bool = True

    @property
    def wording(self) -> int:
        """The variant's own wording for its lead sentence, opening and
        closing; the others share the first wording, so that every variant's
        sentence about a point is the same prompt, written once."""
        return self.variant if self.leads else 0

    def sentence_job(self, attempt: int) -> SentenceJob:
        return SentenceJob(
            role=self.role,
            kind=self.job.kind,
            product=self.job.data.product_name,
            wording=self.wording + attempt,
            point=self.point,
            brief=self.job.data.brief,
            name_feature=attempt > 0,
        )

    @property
    def sources(self) -> list[str]:
        return [s.text for s in self.point.sources] if self.point else []


def _slots(job: DraftJob, points: list[Point], variant: int) -> list[_Slot]:
    """The sentences of one variant. A product description leads with the
    variant's own point in its own wording; a user story's frame always tells
    the top idea (in the variant's wording) and its other points lead in turn.
    Every other sentence is the same prompt in every variant."""
    if job.kind == Kind.USER_STORY:
        lead, rest = (points[0], variant_order(points[1:], variant)) if points else (None, [])
        return [
            _Slot(job, variant, Role.FRAME if lead else Role.OPENING, lead),
            *(_Slot(job, variant, Role.POINT, p, leads=False) for p in rest),
        ]
    ordered = variant_order(points, variant)
    slots = [_Slot(job, variant, Role.POINT, p, leads=n == 0) for n, p in enumerate(ordered)]
    if job.length != Length.SHORT or not slots:
        slots.insert(0, _Slot(job, variant, Role.OPENING, None))
    if job.length == Length.LONG:
        slots.append(_Slot(job, variant, Role.CLOSING, None))
    return slots


def _check(slot: _Slot, text: str) -> list[Finding]:
    return [
        f.copy()
        for f in verify.sentence_findings(
            text, sources=slot.sources, support=slot.job.support, language=slot.job.language
        )
    ]


def _fallback(slot: _Slot) -> list[ComposedSentence]:
    """The idea's own words (or, without an idea, the language's frame), kept
    only if they pass the same checks."""
    job, frames = slot.job, frames_for(slot.job.language)
    origin = SentenceOrigin.COMMUNITY if slot.origin == SentenceOrigin.COMMUNITY else SentenceOrigin.FALLBACK
    if slot.role == Role.FRAME and slot.point is not None:
        # One first-person sentence in the idea's own words, when it passes.
        text = frames.frame.format(title=lower_first(slot.point.title))
        framed = ComposedSentence(text, origin, list(slot.point.sources), _check(slot, text))
        if not verify.blocking(framed.findings) and _keeps_feature(slot, text):
            return [framed]
    sentences = []
    if slot.role in (Role.OPENING, Role.FRAME):
        text = frames.opening[job.kind].format(product=job.data.product_name)
        sentences.append(ComposedSentence(text, SentenceOrigin.TEMPLATE, [], _check(slot, text)))
    if slot.point is not None:
        words = verify.fallback_sentence(slot.point, language=job.language)
        if slot.origin == SentenceOrigin.COMMUNITY:
            words = as_sentence(frames.point[job.kind].format(text=words), job.language)
        findings = _check(slot, words)
        sentences.append(ComposedSentence(words, origin, list(slot.point.sources), findings))
    return [s for s in sentences if not verify.blocking(s.findings)]


def _free_rows(
    pending: Sequence[_Slot], first: Sequence[tuple[_Slot, int]], generator: Generator
) -> list[tuple[_Slot, int]]:
    """Next attempts that fit in the rows the last batch of this round leaves
    empty: on the CPU a batch of 8 rows decodes in little more time than one
    of 4, while a further round costs a whole decode (BENCHMARKS.md, "Grounded
    drafting"). A retry written there needs no round of its own."""
    batch = getattr(generator, "batch_size", 0)
    distinct = {_key(slot, attempt) for slot, attempt in first}
    capacity = -(-len(distinct) // batch) * batch if batch else 0
    extra = []
    for slot in pending:
        attempt = slot.tried + 1
        if attempt >= WRITE_ROUNDS:
            continue
        key = _key(slot, attempt)
        if key in distinct or len(distinct) < capacity:
            distinct.add(key)
            extra.append((slot, attempt))
    return extra


def _key(slot: _Slot, attempt: int) -> str:
    return repr(sentence_messages(slot.sentence_job(attempt)))


def _accept(slot: _Slot, answer: Written) -> None:
    """Keep the answer as the slot's sentence if it passes the checks."""
    text = verify.clean_sentence(answer.text, product=slot.job.data.product_name)
    findings = _check(slot, text)
    if (
        not verify.blocking(findings)
        and verify.fits_role(text, slot.role, slot.job.language, product=slot.job.data.product_name)
        and _keeps_feature(slot, text)
    ):
        slot.text, slot.findings, slot.done, slot.perplexity = text, findings, True, answer.perplexity


def _keeps_feature(slot: _Slot, text: str) -> bool:
    """A sentence written for a point (or a story frame telling one) must
    still say its feature; an opening or closing has none."""
    if slot.point is None:
        return True
    names = (slot.job.data.product_name, slot.job.data.brand_name)
    return verify.keeps_feature(text, slot.point, language=slot.job.language, leave_out=names)


def _write_rounds(slots: list[_Slot], generator: Generator, seed: int) -> dict[str, float]:
    """Each sentence in its wording, then each failed one in the other, in
    as few generate() calls as the batch allows: retries also fill the free
    rows of an earlier round."""
    timings: dict[str, float] = {}
    pending = [s for s in slots if s.origin == SentenceOrigin.MODEL]
    for n in range(1, WRITE_ROUNDS + 1):
        pending = [s for s in pending if not s.done and s.tried < WRITE_ROUNDS]
        if not pending:
            break
        tasks = [(slot, slot.tried) for slot in pending]
        tasks += _free_rows(pending, tasks, generator)
        started = time.monotonic()
        written = write_sentences(generator, [slot.sentence_job(a) for slot, a in tasks], seed=seed)
        timings[f"write_round_{n}_s"] = round(time.monotonic() - started, 3)
        timings[f"write_round_{n}_prompts"] = len(tasks)
        for (slot, attempt), answer in zip(tasks, written, strict=True):
            slot.written.append(answer)
            slot.tried = max(slot.tried, attempt + 1)
            if not slot.done:
                _accept(slot, answer)
    return timings


def _sentences(slot: _Slot) -> list[ComposedSentence]:
    if slot.done:
        sources = list(slot.point.sources) if slot.point else []
        return [ComposedSentence(slot.text, SentenceOrigin.MODEL, sources, slot.findings)]
    return _fallback(slot)


def _perplexity(slots: Sequence[_Slot]) -> float | None:
    """The mean perplexity of the draft's kept model sentences."""
    values = [s.perplexity for s in slots if s.perplexity is not None]
    return sum(values) / len(values) if values else None


def run_grounded(
    jobs: Sequence[DraftJob], generator: Generator, *, model_languages: frozenset[str], seed: int
) -> dict[int, DraftingResult]:
    """Drafts for every job, all sentences of all of them written together."""
    planned = {job.key: plan_points(job.data, length=job.length) for job in jobs}
    slots_of: dict[tuple[int, int], list[_Slot]] = {}
    for job in jobs:
        for variant in range(job.variants):
            slots = _slots(job, planned[job.key], variant)
            if job.language not in model_languages:
                for slot in slots:
                    slot.origin = SentenceOrigin.COMMUNITY
            slots_of[(job.key, variant)] = slots
    every_slot = [slot for slots in slots_of.values() for slot in slots]
    timings = _write_rounds(every_slot, generator, seed)
    results = {}
    for job in jobs:
        context = guardrails.GuardrailContext(
            language=job.language,
            length=job.length,
            banned_phrases=job.data.banned_phrases,
            supporting_texts=(*job.support, *(s.text for p in planned[job.key] for s in p.sources)),
            support=job.support,
        )
        drafts: list[ComposedDraft] = []
        prompts: dict[str, None] = {}  # an ordered set
        for variant in range(job.variants):
            slots = slots_of[(job.key, variant)]
            draft = compose(
                sentences=[s for slot in slots for s in _sentences(slot)],
                points=planned[job.key],
                language=job.language,
                context=context,
                model_written=job.language in model_languages,
                product=job.data.product_name,
            )
            draft.perplexity = _perplexity(slots)
            draft.prompt_tokens = sum(w.prompt_tokens for s in slots for w in s.written)
            draft.new_tokens = sum(w.new_tokens for s in slots for w in s.written)
            drafts.append(draft)
            for slot in slots:
                for attempt in range(len(slot.written)):
                    text = prompt_text(sentence_messages(slot.sentence_job(attempt)))
                    prompts.setdefault(text, None)
        results[job.key] = DraftingResult(
            drafts=drafts, prompt="\n\n---\n\n".join(prompts), timings=dict(timings)
        )
    return results
