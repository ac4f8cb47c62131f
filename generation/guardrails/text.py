"""What several checks share: Chinese characters, word counts and phrase matching."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Chinese has no spaces: count two characters as one word for length targets.
CJK_CHARS_PER_WORD = 2

CJK = "\u4e00-\u9fff\u3400-\u4dbf"
CJK_RE = re.compile(f"[{CJK}]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")


def compile_all(patterns: Iterable[str], flags: int = re.IGNORECASE) -> list[re.Pattern[str]]:
    return [re.compile(p, flags) for p in patterns]


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive match of a phrase as whole words. Boundaries apply only
    at Latin letters and digits: Chinese has no spaces between words."""
    start = r"(?<![A-Za-z0-9])" if phrase[:1].isascii() and phrase[:1].isalnum() else ""
    end = r"(?![A-Za-z0-9])" if phrase[-1:].isascii() and phrase[-1:].isalnum() else ""
    return re.compile(start + re.escape(phrase) + end, re.IGNORECASE)


def word_count(text: str) -> int:
    return len(_LATIN_WORD_RE.findall(text)) + len(CJK_RE.findall(text)) // CJK_CHARS_PER_WORD
