"""Every check on one sentence of a grounded draft, against the sources it rests on."""

from __future__ import annotations

from collections.abc import Sequence

from generation.guardrails.claims import check_unsupported_claims
from generation.guardrails.findings import SEVERITY_ORDER, Finding
from generation.guardrails.language import check_language
from generation.guardrails.off_task import check_off_task
from generation.guardrails.privacy import check_personal_data
from generation.guardrails.toxicity import check_toxicity


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
        *check_personal_data(text),
        *check_toxicity(text),
        *check_unsupported_claims(text, [*support, *sources]),
        *check_off_task(text),
    ]
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f["severity"]])
