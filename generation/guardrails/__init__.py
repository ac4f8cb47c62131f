"""Checks run on every draft before a person reviews it.

Pure functions over text: each returns findings, dicts of
{"code", "severity", "message"}, whose message tells the reviewer what was found
and why it matters. A high finding is blocking: the review queue highlights it
and the draft should not be published as it is. Still nothing here rejects a
draft; the reviewer decides.

One module per check family (privacy, banned_phrases, claims, toxicity,
language, length, repetition, off_task, invented, garbled); findings holds the finding type and
the labels, units and figures the numbers that claims compare, draft runs
every check on one draft and sentence every check on one sentence of a
grounded draft against its own sources. The personal-data patterns also redact community
text before it reaches the model (generation/prompts.py), so what is removed
from the input is exactly what is flagged in the output.
"""

from generation.guardrails.banned_phrases import check_banned_phrases
from generation.guardrails.claims import check_unsupported_claims
from generation.guardrails.draft import GuardrailContext, check_draft
from generation.guardrails.figures import Figure, find_figures
from generation.guardrails.findings import (
    CHECK_LABELS,
    SEVERITY_HIGH,
    SEVERITY_LOW,
    SEVERITY_MEDIUM,
    SEVERITY_ORDER,
    Finding,
    worst_severity,
)
from generation.guardrails.garbled import check_garbled
from generation.guardrails.invented import check_invented_content, invented_content
from generation.guardrails.language import check_language, cjk_ratio
from generation.guardrails.length import check_length, complete_sentences
from generation.guardrails.off_task import check_off_task, instructs_model
from generation.guardrails.privacy import (
    MEMBER_PLACEHOLDER,
    PERSONAL_DATA,
    check_personal_data,
    personal_sentences_removed,
    redact,
)
from generation.guardrails.repetition import check_repetition
from generation.guardrails.sentence import check_sentence
from generation.guardrails.text import phrase_pattern, word_count
from generation.guardrails.toxicity import LEXICON_PATH, check_toxicity

__all__ = [
    "CHECK_LABELS",
    "LEXICON_PATH",
    "MEMBER_PLACEHOLDER",
    "PERSONAL_DATA",
    "SEVERITY_HIGH",
    "SEVERITY_LOW",
    "SEVERITY_MEDIUM",
    "SEVERITY_ORDER",
    "Figure",
    "Finding",
    "GuardrailContext",
    "check_banned_phrases",
    "check_draft",
    "check_garbled",
    "check_invented_content",
    "check_language",
    "check_length",
    "check_off_task",
    "instructs_model",
    "check_personal_data",
    "check_repetition",
    "check_sentence",
    "check_toxicity",
    "check_unsupported_claims",
    "cjk_ratio",
    "complete_sentences",
    "find_figures",
    "invented_content",
    "personal_sentences_removed",
    "phrase_pattern",
    "redact",
    "word_count",
    "worst_severity",
]
