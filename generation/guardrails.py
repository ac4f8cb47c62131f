"""Checks run on every draft before a person reviews it.

Pure functions over text: each returns findings, dicts of
{"code", "severity", "message"}, whose message tells the reviewer what was found
and why it matters. A high finding is blocking: the review queue highlights it
and the draft should not be published as it is. Still nothing here rejects a
draft; the reviewer decides.

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


# Each check's name (a finding's code) as the review queue shows it.
CHECK_LABELS = {
    "empty": _("Empty"),
    "too_long": _("Too long"),
    "cut_off": _("Cut off"),
    "repetition": _("Repetition"),
    "wrong_language": _("Wrong language"),
    "personal_data": _("Personal data"),
    "toxic_wording": _("Toxic or biased wording"),
    "banned_phrase": _("Banned phrase"),
    "unsupported_claim": _("Unsupported claim"),
    "off_task": _("Off task"),
}


class Finding(TypedDict):
    code: str
    severity: str
    message: str


def _finding(code: str, severity: str, message: str) -> Finding:
    # Stored as JSON on the draft: the message is rendered now, in the active language.
    return {"code": code, "severity": severity, "message": str(message)}


def _compile_all(patterns: Iterable[str], flags: int = re.IGNORECASE) -> list[re.Pattern[str]]:
    return [re.compile(p, flags) for p in patterns]


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

# Figures: a number with a unit or a percentage. Each unit family compares in
# its base unit, so "1.1 kg" is supported by "1100 g", "30 l" by "30-litre"
# and "12 months" by "1 year"; a figure with another unit ("30 ml" against
# "30 l") or another value is not. Aliases are matched case-insensitively,
# longest first ("km/h" before "km", "min" before "m").
UNIT_FAMILIES: dict[str, dict[float, tuple[str, ...]]] = {
    "volume": {
        1: ("l", "liter", "liters", "litre", "litres", "ltr", "升", "公升"),
        0.001: ("ml", "milliliter", "milliliters", "millilitre", "millilitres", "毫升"),
        0.01: ("cl",),
        3.78541: ("gal", "gallon", "gallons"),
        0.0295735: ("fl oz",),
    },
    "mass": {
        1: ("g", "gram", "grams", "gramme", "grammes", "克"),
        0.001: ("mg", "milligram", "milligrams", "毫克"),
        1000: ("kg", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes", "公斤", "千克"),
        500: ("斤",),
        453.592: ("lb", "lbs", "pound", "pounds"),
        28.3495: ("oz", "ounce", "ounces"),
    },
    "length": {
        1: ("mm", "millimeter", "millimeters", "millimetre", "millimetres", "毫米"),
        10: ("cm", "centimeter", "centimeters", "centimetre", "centimetres", "厘米", "公分"),
        1000: ("m", "meter", "meters", "metre", "metres", "米"),
        1_000_000: ("km", "kilometer", "kilometers", "kilometre", "kilometres", "公里", "千米"),
        25.4: ("inch", "inches", "″", "英寸"),
        304.8: ("ft", "foot", "feet"),
        1_609_344: ("mile", "miles"),
    },
    "time": {
        1 / 3600: ("sec", "secs", "second", "seconds", "秒", "秒钟"),
        1 / 60: ("min", "mins", "minute", "minutes", "分钟"),
        1: ("h", "hr", "hrs", "hour", "hours", "小时", "个小时"),
        24: ("day", "days", "天"),
        168: ("week", "weeks", "周", "星期", "个星期"),
        8766 / 12: ("month", "months", "月", "个月"),
        8766: ("year", "years", "yr", "yrs", "年"),
    },
    "percent": {1: ("%", "％", "percent", "per cent")},
    "celsius": {1: ("°c", "℃", "celsius", "degrees celsius")},
    "fahrenheit": {1: ("°f", "℉", "fahrenheit", "degrees fahrenheit")},
    "degree": {1: ("°", "degree", "degrees", "度")},
    "kelvin": {1: ("k", "kelvin")},
    "charge": {1: ("mah", "毫安时", "毫安")},
    "energy": {1: ("wh",), 1000: ("kwh",)},
    "power": {1: ("w", "watt", "watts", "瓦"), 1000: ("kw",)},
    "voltage": {1: ("v", "volt", "volts", "伏")},
    "frequency": {1: ("hz",), 1000: ("khz",), 1_000_000: ("mhz",), 1_000_000_000: ("ghz",)},
    "data": {1: ("mb",), 1000: ("gb",), 1_000_000: ("tb",)},
    "light": {1: ("lm", "lumen", "lumens", "流明")},
    "loudness": {1: ("db", "decibel", "decibels", "分贝")},
    "speed": {1: ("km/h", "kph"), 1.609344: ("mph",)},
    "yarn": {1: ("denier",)},
    "multiple": {1: ("times", "倍")},
    "eur": {1: ("€", "eur", "euro", "euros")},
    "usd": {1: ("$", "usd", "dollar", "dollars")},
    "gbp": {1: ("£", "gbp")},
    "cny": {1: ("¥", "￥", "元", "rmb", "cny", "yuan")},
}
_UNIT_OF = {
    alias: (family, factor)
    for family, factors in UNIT_FAMILIES.items()
    for factor, aliases in factors.items()
    for alias in aliases
}
_CURRENCY_SIGNS = "$€£¥￥"
# Figures compare after conversion, to this many significant digits.
FIGURE_PRECISION = 6

# 10,000 and 1.1 and 1,5 (a decimal comma); digits, then Chinese numerals,
# then a few English number words. "one" and a lone 一 are left out: "one day",
# "一天" and "一年四季" are idioms more often than figures.
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_CHINESE_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CHINESE_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
_CHINESE_NUMBER = "(?!一(?![零〇一二两三四五六七八九十百千万]))[零〇一二两三四五六七八九十百千万]+"
_WORD_NUMBERS = {
    word: n
    for n, word in enumerate("two three four five six seven eight nine ten eleven twelve".split(), start=2)
} | {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}


def _alternation(aliases: Iterable[str]) -> str:
    return "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))


_CJK_UNIT = re.compile(f"^[{CJK}]")
_ANY_UNIT = _alternation(_UNIT_OF)
_LATIN_UNIT = _alternation(a for a in _UNIT_OF if a.isascii() and a[0].isalpha())
# After a Chinese numeral these are words, not units: 四周 "all around", 三月 "March".
_NOT_UNITS_AFTER_NUMERALS = frozenset({"周", "月"})
_CHINESE_UNIT = _alternation(a for a in _UNIT_OF if _CJK_UNIT.match(a) and a not in _NOT_UNITS_AFTER_NUMERALS)
_RANGE = r"\s*(?:-|–|—|~|～|to|至|到)\s*"
_FIGURE_RE = re.compile(
    # 30 l, 30-litre, 20-30 L, 5-year, 30升, 3个小时, 1.1 kg, 10,000 mm
    f"(?<![A-Za-z0-9.,])(?P<number>{_NUMBER})(?:{_RANGE}(?P<number2>{_NUMBER}))?"
    f"\\s?-?\\s?(?:个)?(?P<unit>{_ANY_UNIT})(?![A-Za-z])"
    # 三十升, 十二小时, 两个月
    f"|(?P<chinese>{_CHINESE_NUMBER})(?:个)?(?P<chinese_unit>{_CHINESE_UNIT})"
    # two-year, twelve hours
    f"|\\b(?P<word>{_alternation(_WORD_NUMBERS)})[\\s-](?P<word_unit>{_LATIN_UNIT})(?![A-Za-z])"
    # $49, € 120
    f"|(?P<sign>[{re.escape(_CURRENCY_SIGNS)}])\\s?(?P<price>{_NUMBER})"
    # 百分之三十
    f"|百分之(?P<percent>{_NUMBER}|{_CHINESE_NUMBER})",
    re.IGNORECASE,
)


def _number_value(number: str) -> float:
    if number[0].isdigit():
        # "10,000" has a thousands separator; "1,5" a decimal comma.
        thousands = re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", number)
        return float(number.replace(",", "") if thousands else number.replace(",", "."))
    if number.lower() in _WORD_NUMBERS:
        return _WORD_NUMBERS[number.lower()]
    return _chinese_number_value(number)


def _chinese_number_value(number: str) -> int:
    """十二 -> 12, 三百 -> 300, 两千五百 -> 2500, 一万 -> 10000."""
    total = section = digit = 0
    for char in number:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        else:
            section += (digit or 1) * _CHINESE_MULTIPLIERS[char]
            digit = 0
    return total + section + digit


@dataclass(frozen=True)
class Figure:
    text: str
    # (unit family, value in the family's base unit), one per end of a range.
    keys: frozenset[tuple[str, float]]


def _figures(text: str) -> list[Figure]:
    figures = []
    for match in _FIGURE_RE.finditer(text):
        groups = {name: value for name, value in match.groupdict().items() if value}
        if "sign" in groups:
            numbers, unit = [groups["price"]], groups["sign"]
        elif "percent" in groups:
            numbers, unit = [groups["percent"]], "%"
        else:
            unit = groups.get("unit") or groups.get("chinese_unit") or groups["word_unit"]
            first = groups.get("number") or groups.get("chinese") or groups["word"]
            numbers = [first, *([groups["number2"]] if "number2" in groups else [])]
        family, factor = _UNIT_OF[unit.lower()]
        keys = frozenset(
            (family, float(f"{_number_value(n) * factor:.{FIGURE_PRECISION}g}")) for n in numbers
        )
        figures.append(Figure(match.group(0).strip(), keys))
    return figures


# Guarantees and superlatives a buyer could hold the brand to; figures are
# claims too, and a claim that starts with one keeps its last word ("100%
# waterproof", "5-year guarantee"), which must be supported as well.
_CLAIM_PATTERNS = [
    _FIGURE_RE,
    *_compile_all(
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
    support_figures = {key for figure in _figures(support_text) for key in figure.keys}
    support = support_text.lower().replace(",", ".")
    support_words = {_stem(t) for t in _KEY_TOKEN_RE.findall(support) if not _CJK_RE.match(t)}
    findings = []
    for claim in _claims(text):
        figures = _figures(claim)
        missing = [figure.text for figure in figures if not figure.keys <= support_figures]
        words = _FIGURE_RE.sub(" ", claim)
        missing += [
            token
            for token in _key_tokens(words)
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


def _ngrams(text: str, n: int | None = None) -> list[tuple[str, ...]]:
    """The text's n-grams of words, or of characters in Chinese text: by default
    REPEAT_NGRAM_WORDS words (twice as many characters)."""
    tokens = [t.lower() for t in _TOKEN_RE.findall(text)]
    if n is None:
        chinese = bool(tokens) and sum(bool(_CJK_RE.match(t)) for t in tokens) > len(tokens) / 2
        n = REPEAT_NGRAM_WORDS * CJK_CHARS_PER_WORD if chinese else REPEAT_NGRAM_WORDS
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def check_repetition(text: str) -> list[Finding]:
    counts = Counter(_ngrams(text))
    if not counts:
        return []
    gram, count = counts.most_common(1)[0]
    if count < REPEAT_MIN_COUNT:
        return []
    chinese = len(gram) > REPEAT_NGRAM_WORDS
    phrase = ("" if chinese else " ").join(gram)
    return [
        _finding(
            "repetition",
            SEVERITY_MEDIUM,
            _("“%(phrase)s” appears %(count)s times: the model may be stuck in a loop.")
            % {"phrase": phrase, "count": count},
        )
    ]


# --- off task ------------------------------------------------------------------------------

# The element names of the prompt's fences (generation/prompts.py).
_FENCE_TAGS = "community_input|idea|comment|theme|brief"
# A small model often writes about the task instead of doing it ("Here is an
# example of what a response might look like"), leaves template slots
# unfilled or echoes the prompt. Such a text is no draft at all: each finding
# is high (blocking), whatever else the text gets right. A leading preamble
# ("Sure! Here is the description:") is flagged, not cut off before storing:
# in the drafts measured (BENCHMARKS.md, "Draft quality") what followed one
# was rarely usable as it stood, and the reviewer sees what the model wrote;
# editing it away makes a new version and keeps the original.
_OFF_TASK_META = _compile_all(
    (
        r"\bhere(?:'s|’s|'re|’re|\s+is|\s+are)\s+(?:(?:a|an|the|my|your|one|some)\s+)?(?:[\w-]+\s+){0,3}?"
        r"(?:example|sample|draft|version|response|attempt|rewrite|description|suggestion|tip)s?\b",
        r"\bhere(?:'s|’s|\s+is)\s+(?:a|one)\s+possible\b",
        r"\bhere(?:'s|’s|\s+is)\s+(?:a|an|the|my|your)\s+(?:[\w-]+\s+){0,2}?(?:story|text|copy)\s*:",
        r"\bthis\s+is\s+(?:just\s+)?an?\s+(?:[\w-]+\s+){0,3}?(?:example|sample|template|draft)\b",
        r"\bthis\s+(?:blog\s+post|article|essay|e-?mail|letter)\b",
        r"\b(?:this|that|what)\s+(?:is\s+)?an?\s+(?:excellent|great|good|interesting|wonderful)\s+"
        r"(?:suggestion|question|request)\b",
        r"\bI(?:'d|’d|\s+would|'ll|’ll|\s+will)?\s+be\s+(?:happy|glad)\s+to\s+help\b",
        r"\bsorry\s+for\s+(?:any|the)\s+(?:confusion|misunderstanding)\b",
        r"\b(?:my|the)\s+previous\s+(?:answer|response|message)\b",
        r"\b(?:this|the|our|your)\s+campaign\b",
        r"\byour\s+(?:brand|client|campaign|requirements|requests?|instructions|template|prompt)\b",
        r"\b(?:response|answer|output|description|story|draft|text)\s+(?:might|could|would|should|will|may)"
        r"\s+look\s+like\b",
        r"\bas\s+an?\s+(?:ai|a\.i\.|(?:large\s+)?language\s+model|llm|(?:ai\s+)?assistant|chatbot|copywriter"
        r"|storyteller)\b",
        r"\bI\s+hope\s+(?:this|that|it)\s+(?:helps|is\s+helpful|meets|works)\b",
        r"\blet\s+me\s+know\s+if\b",
        r"\bfeel\s+free\s+to\s+(?:ask|adjust|modify|edit|change|tweak)\b",
        r"\b(?:note|notes|disclaimer|explanation|word\s+count)\s*:",
        r"\A\W*(?:sure|certainly|of\s+course|okay|ok)\b\s*[!,.:]",
        r"\b(?:this|the|my|above)\s+(?:product\s+)?(?:description|draft|response|user\s+story)\s+(?:is|was|has"
        r"|uses|highlights|emphasi[sz]es|focuses|meets|follows|includes|captures|showcases|aims)\b",
        r"\b(?:according\s+to|based\s+on|as\s+requested\s+in|following)\s+the\s+(?:brand'?s\s+)?"
        r"(?:brief|prompt|instructions)\b",
        r"\bthe\s+(?:brief|prompt)\s+(?:says|asks|mentions|states|describes|requires)\b",
        r"\b(?:in|from)\s+the\s+(?:brief|prompt)\b(?!\s+[a-z])",
        r"\b(?:in|with)\s+an?\s+(?:friendly|premium|playful|technical|professional|casual|formal"
        r"|conversational)\s+tone\b",
        r"\b(?:about|approximately|around|exactly)\s+\d+\s+words\b|\(\s*\d+\s+words\s*\)",
        r"\bwrite\s+(?:a|an|the)\s+(?:short\s+)?(?:product\s+description|user\s+story)\b",
        r"^\W*(?:title|product\s+description|user\s+story|description|story)\s*:",
        "以下是|下面是|如下[:：]",
        "这是一[个篇段](?:示例|例子|范例)|示例[:：]",
        "作为(?:一[个名])?(?:AI|人工智能|语言模型|AI助手|助手|文案|撰稿人)",
        "希望.{0,8}有所?帮助",
        "\\A\\W*(?:当然|好的|没问题)[！!，,。:：]",
        "(?<![^\\s（(。！？.!?；;，,])(?:注|注意|备注|说明)[:：]",
        "[（(]\\s*(?:约|大约)?\\s*\\d+\\s*字\\s*[)）]|字数",
        "^\\W*(?:标题|产品描述|用户故事)[:：]",
        "语气",
    ),
    re.IGNORECASE | re.MULTILINE,
)
_OFF_TASK_PLACEHOLDER = _compile_all(
    (
        r"\[[^\[\]\n]{1,40}\]",
        r"\{\{?[^{}\n]{1,40}\}?\}",
        rf"<(?!\s*/?\s*(?:{_FENCE_TAGS})\b)[^<>\n]{{1,60}}>",
        r"\$[A-Za-z_]\w*",
        r"(?<![A-Za-z])x{3,}(?![A-Za-z])",
        r"\blorem\s+ipsum\b",
        "【[^】\n]{0,20}(?:名称|名字|品牌|插入|姓名|XX)[^】\n]{0,20}】",
        "某某",
    )
)
# The prompt's fences and labels: the model copied its input, not wrote from it.
_OFF_TASK_ECHO = _compile_all(
    (
        rf"[<‹]\s*/?\s*(?:{_FENCE_TAGS})\b[^>›\n]*[>›]?",
        r"\b(?:community_input|on_idea)\b",
        r"^\s*[-*•]?\s*(?:requirements|keywords(?:\s+to\s+work\s+in)?|tone|language|campaign|product"
        r"|brief(?:\s+from\s+the\s+brand)?)\s*:",
        r"\bno\s+title,\s+no\s+preamble\b|\bmost\s+popular\s+first\b|\bwrite\s+only\s+the\b",
    ),
    re.IGNORECASE | re.MULTILINE,
)
# A draft that repeats one idea (or the brief) word for word for most of its
# length adds nothing: share of its n-grams found in a single source text.
COPY_MAX_SHARE = 0.6
# Shorter drafts have too few n-grams for a share to mean anything.
COPY_MIN_NGRAMS = 8


def _first_match(patterns: Iterable[re.Pattern[str]], text: str) -> str | None:
    matches = [m for pattern in patterns if (m := pattern.search(text))]
    return min(matches, key=lambda m: m.start()).group(0).strip() if matches else None


def _copied_share(text: str, sources: Iterable[str]) -> float:
    grams = _ngrams(text)
    if len(grams) < COPY_MIN_NGRAMS:
        return 0.0
    n = len(grams[0])
    shares = (
        sum(gram in source_grams for gram in grams) / len(grams)
        for source_grams in (set(_ngrams(source, n)) for source in sources)
    )
    return max(shares, default=0.0)


_OFF_TASK_KINDS = (
    (
        _OFF_TASK_META,
        _("“%(quote)s”: the text talks about the task or about itself instead of being the copy."),
    ),
    (_OFF_TASK_PLACEHOLDER, _("“%(quote)s” is a placeholder or markup, not text for customers.")),
    (_OFF_TASK_ECHO, _("“%(quote)s” repeats the prompt's markup or instructions.")),
)


def check_off_task(text: str, supporting_texts: Iterable[str] = ()) -> list[Finding]:
    """The text must be the copy itself: not talk about the task or itself,
    hold no unfilled placeholders, not echo the prompt, not be one idea
    copied out. One finding per kind of problem, quoting its first instance."""
    messages = [
        message % {"quote": quote}
        for patterns, message in _OFF_TASK_KINDS
        if (quote := _first_match(patterns, text))
    ]
    share = _copied_share(text, supporting_texts)
    if share >= COPY_MAX_SHARE:
        messages.append(
            _(
                "%(share)s of the text is copied word for word from a single idea, comment or the brief: "
                "a draft should be a new text built from the community's input."
            )
            % {"share": f"{share:.0%}"}
        )
    return [_finding("off_task", SEVERITY_HIGH, message) for message in messages]


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
        *check_off_task(text, context.supporting_texts),
    ]
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f["severity"]])


def worst_severity(findings: Iterable[Finding]) -> str | None:
    severities = [f["severity"] for f in findings]
    return min(severities, key=SEVERITY_ORDER.__getitem__) if severities else None
