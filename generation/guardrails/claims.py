"""Claims a buyer could hold the brand to, each checked against the brief and the community input."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from generation.guardrails.figures import FIGURE_RE, find_figures
from generation.guardrails.findings import SEVERITY_MEDIUM, Finding, _finding
from generation.guardrails.text import CJK, CJK_RE, compile_all

# Numbers, Latin words and runs of Chinese, the key tokens of a claim.
_KEY_TOKEN_RE = re.compile(f"\\d+(?:[.,]\\d+)?|[a-z]+|[{CJK}]+")


# Guarantees and superlatives a buyer could hold the brand to; figures are
# claims too, and a claim that starts with one keeps its last word ("100%
# waterproof", "5-year guarantee"), which must be supported as well.
_CLAIM_PATTERNS = [
    FIGURE_RE,
    *compile_all(
        (
            r"(?:%|％|\bpercent)\s+[a-z][a-z-]*",
            r"\b(?:years?|months?)\s+(?:warranty|guarantee)\b",
            r"\blife-?time\s+(?:warranty|guarantee)\b",
            r"\b(?:money[- ]back|risk[- ]free)(?:\s+guarantee)?\b",
            r"\bguarantee[ds]?\b",
            r"\bclinically\s+(?:proven|tested)\b",
            r"\bbest\s+in\s+the\s+world\b",
            r"\bworld'?s\s+(?:best|first|lightest|strongest|toughest)\b",
            r"\bthe\s+(?:best|greatest|finest)\b",
            r"\bbest[- ](?:selling|in[- ]class)\b",
            r"(?:\bnumber\s+one\b|\bno\.\s?1\b|#1\b)",
            r"\b(?:unbeatable|unmatched|indestructible|unbreakable)\b",
            r"\b(?:fully|completely|totally)\s+(?:waterproof|safe|sustainable|recyclable|biodegradable)\b",
            f"最[{CJK}]{{1,2}}",
            "第一",
            "终身(?:保修|质保)",
            "保修|质保",
            "保证|承诺",
            "绝对|永不",
            "完全防水",
        )
    ),
]
# Words that carry no claim of their own.
_CLAIM_STOPWORDS = frozenset({"the", "in", "a", "an", "of", "s", "percent", "no"})
# Words compare by this many leading letters, a stemmer small enough to trust:
# "guaranteed" supports "guarantee", "warranties" supports "warranty".
_STEM_CHARS = 6


def _stem(token: str) -> str:
    return token if token[0].isdigit() else token[:_STEM_CHARS]


def _key_tokens(phrase: str) -> list[str]:
    tokens = _KEY_TOKEN_RE.findall(phrase.lower().replace(",", "."))
    return [t for t in tokens if t not in _CLAIM_STOPWORDS]


def _claims(text: str) -> list[str]:
    """Claim phrases in the text; overlapping and touching matches merge into
    one claim ("the best" and "best in the world" make "the best in the world",
    "100%" and "% waterproof" make "100% waterproof")."""
    spans = sorted({m.span() for pattern in _CLAIM_PATTERNS for m in pattern.finditer(text)})
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end] for start, end in merged]


def check_unsupported_claims(text: str, supporting_texts: Iterable[str]) -> list[Finding]:
    """Flag a claim when one of its figures ("30 liter", "5-year") or key words
    ("warranty", "best", "world"...) appears nowhere in the brief or the
    community input. A figure counts as there when the same value in the same
    unit family is ("30-litre", "30L", "30升")."""
    support_text = " ".join(supporting_texts)
    support_figures = {key for figure in find_figures(support_text) for key in figure.keys}
    support = support_text.lower().replace(",", ".")
    support_words = {_stem(t) for t in _KEY_TOKEN_RE.findall(support) if not CJK_RE.match(t)}
    findings = []
    for claim in _claims(text):
        figures = find_figures(claim)
        missing = [figure.text for figure in figures if not figure.keys <= support_figures]
        words = FIGURE_RE.sub(" ", claim)
        missing += [
            token
            for token in _key_tokens(words)
            if (token not in support if CJK_RE.match(token) else _stem(token) not in support_words)
        ]
        if missing:
            findings.append(
                _finding(
                    "unsupported_claim",
                    SEVERITY_MEDIUM,
                    _(
                        "“%(claim)s” is a claim that neither the brief nor the community input supports "
                        "(“%(missing)s” appears in neither). Check it or remove it."
                    )
                    % {"claim": claim.strip(), "missing": "”, “".join(missing)},
                )
            )
    return findings
