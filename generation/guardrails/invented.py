"""Invented content: features, materials, names, numbers, dates, places or
brands in a text that nothing it rests on says.

A text may use any word its sources (the community's ideas and comments it
realises) or the brand's own words (brief, product and brand name, keywords)
hold, in any form ("pockets" for "pocket", "雨罩" for "防雨罩"), and the
generic words of copy ("comfortable", "体验"); every other content word is
reported, names apart from other details. Where a construction introduces
a feature ("comes with a cup holder", "has a phone app", 还带手机) even the
commonest nouns must be supported: there "cup" names a feature (see
words.FEATURE_SLOT_ZIPF). Numbers compare by value ("two" for "2", "三十"
for "30"); figures with units are the claims check's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from generation.guardrails.figures import FIGURE_RE
from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.units import CHINESE_NUMBER, NUMBER, WORD_NUMBERS, alternation, number_value
from generation.guardrails.words import Support, content_words

# "one", "1" and "一" are idiom more often than figure ("one day", "一天").
TRIVIAL_NUMBERS = frozenset({0.0, 1.0})
_NUMBER_RE = re.compile(
    f"(?<![A-Za-z0-9.,])(?:{NUMBER})(?![0-9])|{CHINESE_NUMBER}|\\b(?:{alternation(WORD_NUMBERS)})\\b",
    re.IGNORECASE,
)


def _numbers(text: str) -> list[tuple[str, float]]:
    """Bare numbers: those outside a figure ("2 occupants", "since 2021", "三个")."""
    bare = FIGURE_RE.sub(" ", text)
    found = []
    for match in _NUMBER_RE.finditer(bare):
        value = number_value(match.group(0))
        if value not in TRIVIAL_NUMBERS:
            found.append((match.group(0), value))
    return found


def _all_number_values(text: str) -> set[float]:
    return {number_value(m.group(0)) for m in _NUMBER_RE.finditer(text)}


def invented_content(text: str, supporting_texts: Iterable[str], language: str) -> dict[str, list[str]]:
    """What the text says that nothing it rests on does: {"names": [...],
    "details": [...], "numbers": [...]}, each in order of appearance."""
    texts = list(supporting_texts)
    support = Support(texts)
    words = [w for w in content_words(text, language) if not support.holds(w.text)]
    values = _all_number_values("\n".join(texts))
    return {
        "names": [w.text for w in words if w.name],
        "details": [w.text for w in words if not w.name],
        "numbers": list(dict.fromkeys(n for n, value in _numbers(text) if value not in values)),
    }


_INVENTED_MESSAGES = {
    "names": _(
        "“%(words)s”: a name, brand or place that neither the community input nor the brief mentions. "
        "Invented? Remove it or check it."
    ),
    "details": _(
        "“%(words)s”: a feature, material or detail that neither the community input nor the brief "
        "mentions. Invented? Remove it or check it."
    ),
    "numbers": _(
        "“%(words)s”: a number or date that neither the community input nor the brief gives. "
        "Invented? Remove it or check it."
    ),
}


def check_invented_content(text: str, supporting_texts: Iterable[str], language: str) -> list[Finding]:
    """One high finding per kind of invention, naming what was invented."""
    return [
        make_finding(
            "invented_content", SEVERITY_HIGH, _INVENTED_MESSAGES[kind] % {"words": "”, “".join(found)}
        )
        for kind, found in invented_content(text, supporting_texts, language).items()
        if found
    ]
