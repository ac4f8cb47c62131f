"""Every check on one draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from generation.guardrails.banned_phrases import check_banned_phrases
from generation.guardrails.claims import check_unsupported_claims
from generation.guardrails.findings import SEVERITY_ORDER, Finding
from generation.guardrails.language import check_language
from generation.guardrails.length import check_length
from generation.guardrails.off_task import check_off_task
from generation.guardrails.privacy import check_personal_data
from generation.guardrails.repetition import check_repetition
from generation.guardrails.toxicity import check_toxicity


@dataclass(frozen=True)
class GuardrailContext:
    """What a draft is checked against: the request and the input it was built from."""

    language: str
    length: str
    banned_phrases: str = ""
    supporting_texts: tuple[str, ...] = field(default_factory=tuple)


def check_draft(text: str, context: GuardrailContext) -> list[Finding]:
    """Every check, most severe findings first."""
    findings = [
        *check_length(text, context.length),
        *check_repetition(text),
        *check_language(text, context.language),
        *check_personal_data(text),
        *check_toxicity(text),
        *check_banned_phrases(text, context.banned_phrases),
        *check_unsupported_claims(text, context.supporting_texts),
        *check_off_task(text, context.supporting_texts),
    ]
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f["severity"]])
