"""Verify: each sentence against its own sources and the brand's support.

A sentence is kept when no check finds anything high (blocking). The checks
are generation.guardrails' sentence checks; a sentence the model wrote is
first cut to one clean sentence (the model sometimes labels it, or runs on).
A point whose sentences all fail falls back to the idea's own words
(fallback_sentence), checked the same way; a fallback that still fails (an
idea that itself asks for a guarantee) is dropped, and the point counts as
not covered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from generation import guardrails
from generation.drafting.languages import as_sentence
from generation.drafting.plan import Point
from generation.guardrails.findings import SEVERITY_HIGH, Finding, _finding
from generation.guardrails.length import SENTENCE_END

# A sentence longer than this many words is no longer "one sentence about a
# feature": it is cut at its first sentence end, or rejected.
SENTENCE_MAX_WORDS = 40
# Fewer words than this are a fragment ("Microwave-safe inner boxes."), not
# a sentence about a feature.
SENTENCE_MIN_WORDS = 5
# A leading "Xxx:" of at most this many words is a label, not text.
LABEL_MAX_WORDS = 3
_LABEL_RE = re.compile(r"^\s*(?:[\w ,.'’-]{1,60}?):\s+(?=\S)")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?。！？])\s+")


def clean_sentence(text: str, *, product: str) -> str:
    """The model's answer as one sentence: its first line, without a leading
    "Product:" label, cut at its first sentence end if it runs long."""
    line = next((line.strip() for line in text.strip().splitlines() if line.strip()), "")
    line = line.strip("\"'“”")
    label = _LABEL_RE.match(line)
    if label and _is_label(label.group(0), product):
        line = line[label.end() :]
    if guardrails.word_count(line) > SENTENCE_MAX_WORDS:
        line = _SENTENCE_END_RE.split(line, maxsplit=1)[0]
    return line.strip()


def _is_label(prefix: str, product: str) -> bool:
    """Whether the text before a colon is a label ("Ridgeline 30L:", "Pockets:"),
    not the start of the sentence ("It is made of X and has this:")."""
    words = prefix.rstrip(": ").lower().removeprefix("the ").split()
    return len(words) <= LABEL_MAX_WORDS or " ".join(words) in product.lower()


def sentence_findings(
    text: str, *, sources: Sequence[str], support: Sequence[str], language: str
) -> list[Finding]:
    """Every check on one sentence, against its own sources and the support
    (brief, product and brand names, keywords)."""
    findings = guardrails.check_sentence(text, sources=sources, support=support, language=language)
    if not text.strip():
        findings.append(_finding("empty", SEVERITY_HIGH, _("The model returned no text.")))
    return findings


# A user story's frame is first person, "As a ..., I ...": the opening that
# makes it a story. In a language without such a rule, anything passes.
FRAME_OPENERS = {"en": ("As a ", "As an ", "As someone ")}


def fits_role(text: str, role: str, language: str, *, product: str = "") -> bool:
    """Whether a sentence does its job: it is a sentence (ends, as a row cut
    at the token limit does not, and has at least SENTENCE_MIN_WORDS words),
    and a story frame starts as one, about a person, not the product."""
    if not text.rstrip().endswith(SENTENCE_END) or guardrails.word_count(text) < SENTENCE_MIN_WORDS:
        return False
    openers = FRAME_OPENERS.get(language)
    if role != "frame" or not openers:
        return True
    who = text.split(",", 1)[0].lower()
    return text.startswith(openers) and not (product and product.split()[0].lower() in who)


def blocking(findings: Sequence[Finding]) -> bool:
    return any(f["severity"] == SEVERITY_HIGH for f in findings)


def fallback_sentence(point: Point, *, language: str) -> str:
    """The idea's own words as one sentence: its title, and the first sentence
    of its body when that keeps within SENTENCE_MAX_WORDS."""
    title = as_sentence(point.title, language)
    body = point.text[len(point.title) :].lstrip(" .:：。")
    first = _SENTENCE_END_RE.split(body, maxsplit=1)[0] if body else ""
    first = as_sentence(first, language)
    joined = f"{title} {first}" if language != "zh-hans" else f"{title}{first}"
    return joined.strip() if first and guardrails.word_count(joined) <= SENTENCE_MAX_WORDS else title
