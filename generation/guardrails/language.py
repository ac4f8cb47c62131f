"""Whether the text is in the language that was asked for."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.text import CJK_RE

# Share of letters that are Chinese characters. English copy may quote a
# Chinese product name; Chinese copy often has Latin brand names and units.
MAX_CJK_RATIO_EN = 0.1
MIN_CJK_RATIO_ZH = 0.5

_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")


def cjk_ratio(text: str) -> float | None:
    """Share of letters that are Chinese characters; None for no letters."""
    cjk = len(CJK_RE.findall(text))
    letters = cjk + len(_LATIN_LETTER_RE.findall(text))
    return cjk / letters if letters else None


def check_language(text: str, language: str) -> list[Finding]:
    ratio = cjk_ratio(text)
    if ratio is None:
        return []
    if language == "zh-hans" and ratio < MIN_CJK_RATIO_ZH:
        message = _("Simplified Chinese was requested, but most of the text is not in Chinese.")
    elif language == "en" and ratio > MAX_CJK_RATIO_EN:
        message = _("English was requested, but much of the text is in Chinese.")
    else:
        return []
    return [make_finding("wrong_language", SEVERITY_HIGH, message)]
