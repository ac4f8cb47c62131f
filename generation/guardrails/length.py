"""Length: an empty text, one far over its word target, one cut off mid-sentence."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, SEVERITY_LOW, SEVERITY_MEDIUM, Finding, make_finding
from generation.guardrails.text import word_count
from generation.models import TARGET_WORDS

# A draft this many times over the requested word count is flagged as too long.
TOO_LONG_FACTOR = 2
# Sentence ends: text that stops elsewhere was probably cut at the token limit.
SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", '"', "”", "’", ")", "）", "」")


# A text cut off by the token limit loses its unfinished last sentence, if what
# stays is most of it: a reviewer reads whole sentences, and the fragment was
# never going to be published as it is. Otherwise it stays as written, and
# check_length reports it cut off.
KEEP_AFTER_TRIM = 0.6
# A sentence end followed by more text: Latin marks before a space (not the
# point in "1.1 kg"), CJK marks anywhere; closing quotes and brackets go with it.
_SENTENCE_BREAK_RE = re.compile(r"""(?:[.!?…]["”’)）」]*(?=\s)|[。！？]["”’)）」]*)""")


def complete_sentences(text: str) -> str:
    """The text up to its last sentence end, when it stops mid-sentence and that
    keeps at least KEEP_AFTER_TRIM of its words; else the text unchanged."""
    stripped = text.strip()
    if not stripped or stripped.endswith(SENTENCE_END):
        return stripped
    ends = [match.end() for match in _SENTENCE_BREAK_RE.finditer(stripped)]
    kept = stripped[: ends[-1]].rstrip() if ends else ""
    if kept and word_count(kept) >= KEEP_AFTER_TRIM * word_count(stripped):
        return kept
    return stripped


def check_length(text: str, length: str) -> list[Finding]:
    stripped = text.strip()
    if not stripped:
        return [make_finding("empty", SEVERITY_HIGH, _("The model returned no text."))]
    findings = []
    words, target = word_count(stripped), TARGET_WORDS[length]
    if words > target * TOO_LONG_FACTOR:
        findings.append(
            make_finding(
                "too_long",
                SEVERITY_MEDIUM,
                _("The text has %(words)s words; about %(target)s were asked for.")
                % {"words": words, "target": target},
            )
        )
    if not stripped.endswith(SENTENCE_END):
        findings.append(
            make_finding(
                "cut_off",
                SEVERITY_LOW,
                _("The text stops mid-sentence: the model probably reached its length limit."),
            )
        )
    return findings
