"""Loops: the same few words again and again, as a small model stuck in a cycle writes."""

from __future__ import annotations

import re
from collections import Counter

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_MEDIUM, Finding, make_finding
from generation.guardrails.text import CJK, CJK_CHARS_PER_WORD, CJK_RE

# An n-gram of this many words (characters in Chinese, twice as many) seen
# REPEAT_MIN_COUNT times is a loop: fluent copy does not say the same four
# words three times, a small model stuck in a cycle does.
REPEAT_NGRAM_WORDS = 4
REPEAT_MIN_COUNT = 3
# Words (Latin) and single characters (Chinese), for n-gram counting.
_TOKEN_RE = re.compile(f"[{CJK}]|[^\\W\\d_]+|\\d+")


def ngrams(text: str, n: int | None = None) -> list[tuple[str, ...]]:
    """The text's n-grams of words, or of characters in Chinese text: by default
    REPEAT_NGRAM_WORDS words (twice as many characters)."""
    tokens = [t.lower() for t in _TOKEN_RE.findall(text)]
    if n is None:
        chinese = bool(tokens) and sum(bool(CJK_RE.match(t)) for t in tokens) > len(tokens) / 2
        n = REPEAT_NGRAM_WORDS * CJK_CHARS_PER_WORD if chinese else REPEAT_NGRAM_WORDS
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def check_repetition(text: str) -> list[Finding]:
    counts = Counter(ngrams(text))
    if not counts:
        return []
    gram, count = counts.most_common(1)[0]
    if count < REPEAT_MIN_COUNT:
        return []
    chinese = len(gram) > REPEAT_NGRAM_WORDS
    phrase = ("" if chinese else " ").join(gram)
    return [
        make_finding(
            "repetition",
            SEVERITY_MEDIUM,
            _("“%(phrase)s” appears %(count)s times: the model may be stuck in a loop.")
            % {"phrase": phrase, "count": count},
        )
    ]
