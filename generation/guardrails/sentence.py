"""Every check on one sentence of a grounded draft, against the sources it rests on."""

from __future__ import annotations

from collections.abc import Sequence

from generation.guardrails.claims import check_unsupported_claims, without_claims
from generation.guardrails.findings import SEVERITY_ORDER, Finding
from generation.guardrails.garbled import check_garbled
from generation.guardrails.invented import check_invented_content
from generation.guardrails.language import check_language
from generation.guardrails.off_task import check_off_task
from generation.guardrails.privacy import check_personal_data, without_personal_data
from generation.guardrails.toxicity import check_toxicity


def content_findings(
    text: str, *, sources: Sequence[str], support: Sequence[str], language: str
) -> list[Finding]:
    """What a text says against what it rests on: garbled text, personal data,
    claims, invented content. Claims and personal data are reported once, by
    their own checks, not again as invented words. Invention is judged only
    where the brand's own words are given: without the product name and the
    brief, every word of the product would look invented."""
    findings = [
        *check_garbled(text, language, [*support, *sources]),
        *check_personal_data(text),
        *check_unsupported_claims(text, support, sources=sources),
    ]
    if support:
        findings += check_invented_content(
            without_claims(without_personal_data(text)), [*support, *sources], language
        )
    return findings


def check_sentence(
    text: str, *, sources: Sequence[str], support: Sequence[str], language: str
) -> list[Finding]:
    """Findings on one sentence, most severe first.

    `sources` are the community texts the sentence rests on (its idea and
    comments); `support` is what the brand itself says: the brief, the product
    and brand names, the request's keywords. A sentence may say what either
    holds, but only the brand's own words can license a claim. Copying a
    source word for word is not a finding here: a sentence built from an
    idea's own words is allowed to.
    """
    findings = [
        *check_language(text, language),
        *content_findings(text, sources=sources, support=support, language=language),
        *check_toxicity(text),
        *check_off_task(text),
    ]
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f["severity"]])
