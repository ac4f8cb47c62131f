"""Insulting or stereotyping wording, from a lexicon kept as data."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.text import phrase_pattern

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "toxic_lexicon.txt"


@cache
def _lexicon() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    entries = []
    for line in LEXICON_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, term = line.split("\t", 1)
        entries.append((category, term.strip(), phrase_pattern(term.strip())))
    return tuple(entries)


_LEXICON_REASONS = {
    "insult": _("is insulting"),
    "stereotype": _("stereotypes a group of people"),
}


def check_toxicity(text: str) -> list[Finding]:
    return [
        make_finding(
            "toxic_wording",
            SEVERITY_HIGH,
            _("“%(term)s” %(reason)s; a brand's copy should not use it.")
            % {"term": term, "reason": _LEXICON_REASONS[category]},
        )
        for category, term, pattern in _lexicon()
        if pattern.search(text)
    ]
