"""Every check on one draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from generation.guardrails.banned_phrases import check_banned_phrases
from generation.guardrails.findings import SEVERITY_ORDER, Finding
from generation.guardrails.language import check_language
from generation.guardrails.length import check_length
from generation.guardrails.off_task import check_off_task
from generation.guardrails.repetition import check_repetition
from generation.guardrails.sentence import content_findings
from generation.guardrails.toxicity import check_toxicity


@dataclass(frozen=True)
class GuardrailContext:
    """What a draft is checked against: the request and the input it was built from.

    `supporting_texts` is everything the draft may draw on (the brand's words
    and the community input); `support` the brand's own words alone (brief,
    product and brand name, keywords), the only ones that may license a claim
    such as a guarantee or a superlative. Without `support` no claim is licensed
    and invented content is not judged (guardrails/sentence.py).
    """

    language: str
    length: str
    banned_phrases: str = ""
    supporting_texts: tuple[str, ...] = field(default_factory=tuple)
    support: tuple[str, ...] = field(default_factory=tuple)


def check_draft(text: str, context: GuardrailContext) -> list[Finding]:
    """Every check, most severe first."""
    findings = [
        *check_length(text, context.length),
        *check_repetition(text),
        *check_language(text, context.language),
        *content_findings(
            text, sources=context.supporting_texts, support=context.support, language=context.language
        ),
        *check_toxicity(text),
        *check_banned_phrases(text, context.banned_phrases),
        *check_off_task(text, context.supporting_texts),
    ]
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f["severity"]])
