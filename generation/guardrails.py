"""Checks run on every draft before a person reviews it.

Pure functions over text: each returns findings, dicts of
{"code", "severity", "message"}, whose message tells the reviewer what was found
and why it matters. Nothing here blocks a draft; the reviewer decides.

The personal-data patterns here also redact community text before it reaches
the model (generation/prompts.py), so what is removed from the input is exactly
what is flagged in the output.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypedDict

from django.utils.translation import gettext_lazy as _

from .models import TARGET_WORDS

SEVERITY_HIGH = "high"  # should not be published as it is
SEVERITY_MEDIUM = "medium"  # check before publishing
SEVERITY_LOW = "low"  # worth a look
SEVERITY_ORDER = {SEVERITY_HIGH: 0, SEVERITY_MEDIUM: 1, SEVERITY_LOW: 2}

LEXICON_PATH = Path(__file__).parent / "data" / "toxic_lexicon.txt"

# A draft this many times over the requested word count is flagged as too long.
TOO_LONG_FACTOR = 2
# Chinese has no spaces: count two characters as one word for length targets.
CJK_CHARS_PER_WORD = 2
# An n-gram of this many words (characters in Chinese, twice as many) seen
# REPEAT_MIN_COUNT times is a loop: fluent copy does not say the same four
# words three times, a small model stuck in a cycle does.
REPEAT_NGRAM_WORDS = 4
REPEAT_MIN_COUNT = 3
# Share of letters that are Chinese characters. English copy may quote a
# Chinese product name; Chinese copy often has Latin brand names and units.
MAX_CJK_RATIO_EN = 0.1
MIN_CJK_RATIO_ZH = 0.5
# Numbers of fewer digits are sizes, prices and dates, not phone numbers.
PHONE_MIN_DIGITS = 9
# Sentence ends: text that stops elsewhere was probably cut at the token limit.
SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", '"', "”", "’", ")", "）", "」")

CJK = "\u4e00-\u9fff\u3400-\u4dbf"
_CJK_RE = re.compile(f"[{CJK}]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
# Words (Latin) and single characters (Chinese), for n-gram counting.
_TOKEN_RE = re.compile(f"[{CJK}]|[^\\W\\d_]+|\\d+")
# Numbers, Latin words and runs of Chinese, the key tokens of a claim.
_KEY_TOKEN_RE = re.compile(f"\\d+(?:[.,]\\d+)?|[a-z]+|[{CJK}]+")


class Finding(TypedDict):
    code: str
    severity: str
    message: str


def _finding(code: str, severity: str, message: str) -> Finding:
    # Stored as JSON on the draft: the message is rendered now, in the active language.
    return {"code": code, "severity": severity, "message": str(message)}


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive match of a phrase as whole words. Boundaries apply only
    at Latin letters and digits: Chinese has no spaces between words."""
    start = r"(?<![A-Za-z0-9])" if phrase[:1].isascii() and phrase[:1].isalnum() else ""
    end = r"(?![A-Za-z0-9])" if phrase[-1:].isascii() and phrase[-1:].isalnum() else ""
    return re.compile(start + re.escape(phrase) + end, re.IGNORECASE)


# --- personal data ------------------------------------------------------------------

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'‹›]+"
    r"|(?<![A-Za-z0-9@.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:com|net|org|io|co|cn|shop|store|app|me|info|biz|de|uk)\b(?:/[^\s<>\"'‹›]*)?",
    re.IGNORECASE,
)
_PHONE_RE = re.compile(r"(?<![A-Za-z0-9])\+?\(?\d[\d\s().-]{5,}\d(?![A-Za-z0-9])")
_HANDLE_RE = re.compile(r"(?<![A-Za-z0-9_.@])@\w{2,30}")


def _long_enough_phone(match: re.Match[str]) -> bool:
    return sum(ch.isdigit() for ch in match.group(0)) >= PHONE_MIN_DIGITS


@dataclass(frozen=True)
class PersonalDataKind:
    kind: str
    pattern: re.Pattern[str]
    placeholder: str
    accept: Callable[[re.Match[str]], bool] = lambda match: True


# Order matters: an e-mail contains a handle-like "@name" and a domain, so
# e-mails go first.
PERSONAL_DATA = (
    PersonalDataKind("email", _EMAIL_RE, "[email]"),
    PersonalDataKind("link", _URL_RE, "[link]"),
    PersonalDataKind("phone", _PHONE_RE, "[phone]", _long_enough_phone),
    PersonalDataKind("handle", _HANDLE_RE, "[handle]"),
)
MEMBER_PLACEHOLDER = "[member]"


def _substitute(
    pattern: re.Pattern[str], text: str, placeholder: str, accept: Callable[[re.Match[str]], bool]
) -> str:
    return pattern.sub(lambda m: placeholder if accept(m) else m.group(0), text)


def _redact_kinds(text: str, names: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Replace personal data by placeholders; also return the kinds found."""
    found: list[str] = []
    for pd in PERSONAL_DATA:
        new_text = _substitute(pd.pattern, text, pd.placeholder, pd.accept)
        if new_text != text:
            found.append(pd.kind)
        text = new_text
    # Longest first, so "anna.k" is replaced before "anna".
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        new_text = phrase_pattern(name).sub(MEMBER_PLACEHOLDER, text)
        if new_text != text:
            found.append("member")
        text = new_text
    return text, found


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """Community text as the model may see it: e-mails, links, phone numbers,
    @handles and the given member names replaced by placeholders."""
    return _redact_kinds(text, names)[0]


_PERSONAL_DATA_LABELS = {
    "email": _("an e-mail address"),
    "link": _("a link"),
    "phone": _("a phone number"),
    "handle": _("an @handle"),
}


def check_personal_data(text: str) -> list[Finding]:
    _redacted, kinds = _redact_kinds(text)
    return [
        _finding(
            "personal_data",
            SEVERITY_HIGH,
            _(
                "The text contains what looks like %(what)s. Community input is redacted before the model "
                "sees it, so this was invented or copied from the brief: remove it before publishing."
            )
            % {"what": _PERSONAL_DATA_LABELS[kind]},
        )
        for kind in kinds
    ]


# --- brand rules ----------------------------------------------------------------------


def check_banned_phrases(text: str, banned_phrases: str) -> list[Finding]:
    """Brand.banned_phrases: one phrase per line, matched as whole words."""
    findings = []
    for phrase in dict.fromkeys(line.strip() for line in banned_phrases.splitlines()):
        if phrase and phrase_pattern(phrase).search(text):
            findings.append(
                _finding(
                    "banned_phrase",
                    SEVERITY_HIGH,
                    _("The text says “%(phrase)s”, which the brand does not allow in its copy.")
                    % {"phrase": phrase},
                )
            )
    return findings


# --- claims -----------------------------------------------------------------------------

# Figures, guarantees and superlatives a buyer could hold the brand to.
_CLAIM_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\d+(?:[.,]\d+)?\s*(?:%|percent\b)(?:\s+[a-z][a-z-]*)?",
        r"\d+(?:[.,]\d+)?[- ]?(?:years?|months?)\b(?:\s+(?:warranty|guarantee))?",
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
        "保证|承诺",
        "绝对|永不",
        "完全防水",
    )
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
    """Claim phrases in the text; overlapping matches merge into one claim
    ("the best" and "best in the world" make "the best in the world")."""
    spans = sorted({m.span() for pattern in _CLAIM_PATTERNS for m in pattern.finditer(text)})
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end] for start, end in merged]


def check_unsupported_claims(text: str, supporting_texts: Iterable[str]) -> list[Finding]:
    """Flag a claim when one of its key tokens (the number, "warranty", "best",
    "world"...) appears nowhere in the brief or the community input."""
    support = " ".join(supporting_texts).lower().replace(",", ".")
    support_words = {_stem(t) for t in _KEY_TOKEN_RE.findall(support) if not _CJK_RE.match(t)}
    findings = []
    for claim in _claims(text):
        missing = [
            token
            for token in _key_tokens(claim)
            if (token not in support if _CJK_RE.match(token) else _stem(token) not in support_words)
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


# --- wording ---------------------------------------------------------------------------------


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
        _finding(
            "toxic_wording",
            SEVERITY_HIGH,
            _("“%(term)s” %(reason)s; a brand's copy should not use it.")
            % {"term": term, "reason": _LEXICON_REASONS[category]},
        )
        for category, term, pattern in _lexicon()
        if pattern.search(text)
    ]


def cjk_ratio(text: str) -> float | None:
    """Share of letters that are Chinese characters; None for no letters."""
    cjk = len(_CJK_RE.findall(text))
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
    return [_finding("wrong_language", SEVERITY_HIGH, message)]


def word_count(text: str) -> int:
    return len(_LATIN_WORD_RE.findall(text)) + len(_CJK_RE.findall(text)) // CJK_CHARS_PER_WORD


def check_length(text: str, length: str) -> list[Finding]:
    stripped = text.strip()
    if not stripped:
        return [_finding("empty", SEVERITY_HIGH, _("The model returned no text."))]
    findings = []
    words, target = word_count(stripped), TARGET_WORDS[length]
    if words > target * TOO_LONG_FACTOR:
        findings.append(
            _finding(
                "too_long",
                SEVERITY_MEDIUM,
                _("The text has %(words)s words; about %(target)s were asked for.")
                % {"words": words, "target": target},
            )
        )
    if not stripped.endswith(SENTENCE_END):
        findings.append(
            _finding(
                "cut_off",
                SEVERITY_LOW,
                _("The text stops mid-sentence: the model probably reached its length limit."),
            )
        )
    return findings


def check_repetition(text: str) -> list[Finding]:
    tokens = [t.lower() for t in _TOKEN_RE.findall(text)]
    chinese = bool(tokens) and sum(bool(_CJK_RE.match(t)) for t in tokens) > len(tokens) / 2
    n = REPEAT_NGRAM_WORDS * CJK_CHARS_PER_WORD if chinese else REPEAT_NGRAM_WORDS
    counts = Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    if not counts:
        return []
    gram, count = counts.most_common(1)[0]
    if count < REPEAT_MIN_COUNT:
        return []
    phrase = ("" if chinese else " ").join(gram)
    return [
        _finding(
            "repetition",
            SEVERITY_MEDIUM,
            _("“%(phrase)s” appears %(count)s times: the model may be stuck in a loop.")
            % {"phrase": phrase, "count": count},
        )
    ]


# --- all together ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GuardrailContext:
    """What a draft is checked against: the request and the input it was built from."""

    language: str
    length: str
    banned_phrases: str = ""
    supporting_texts: tuple[str, ...] = field(default_factory=tuple)


def check_draft(text: str, context: GuardrailContext) -> list[Finding]:
    """Every check, most severe findings first."""
    findings = [
        *check_length(text, context.length),
        *check_repetition(text),
        *check_language(text, context.language),
        *check_personal_data(text),
        *check_toxicity(text),
        *check_banned_phrases(text, context.banned_phrases),
        *check_unsupported_claims(text, context.supporting_texts),
    ]
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f["severity"]])


def worst_severity(findings: Iterable[Finding]) -> str | None:
    severities = [f["severity"] for f in findings]
    return min(severities, key=SEVERITY_ORDER.__getitem__) if severities else None
