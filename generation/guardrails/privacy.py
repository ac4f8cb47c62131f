"""Personal data: e-mail addresses (plain and obfuscated), links, phone numbers,
street addresses, people's names, @handles and member names, in English and
Chinese.

The same patterns redact community text before it reaches the model
(generation/prompts.py), so what is removed from the input is exactly what is
flagged in the output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.text import CJK, phrase_pattern
from generation.guardrails.units import CHINESE_NUMBER

# A run of digits with separators is a phone number from this many digits on
# ("555-0123" has 7, "12 34 56" 6); sizes, prices and figures in copy have
# fewer digits or a unit, and dates are told apart by their shape.
PHONE_MIN_DIGITS = 6
# Without separators a number is a phone number only from this many digits
# ("13800138000"), or after a word that says so ("tel 654321", "电话 654321").
PHONE_MIN_DIGITS_PLAIN = 9

# "@", "(at)", "[at]", " at ", full-width "＠"; ".", "(dot)", " dot ", "。", "．".
_AT = r"\s*(?:@|＠|[(\[{<]\s*at\s*[)\]}>])\s*|\s+at\s+(?=[A-Za-z0-9-]+(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+))"
_DOT = r"\.|。|．|\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+"
# The part before the "@" may have its dots written full-width too ("anna。k").
_LOCAL = r"[A-Za-z0-9._%+-]+(?:[。．][A-Za-z0-9._%+-]+)*"
_EMAIL_RE = re.compile(
    rf"{_LOCAL}(?:{_AT})[A-Za-z0-9-]+(?:(?:{_DOT})[A-Za-z0-9-]+)*(?:{_DOT})[A-Za-z]{{2,}}\b",
    re.IGNORECASE,
)
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'‹›]+"
    r"|(?<![A-Za-z0-9@.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:com|net|org|io|co|cn|shop|store|app|me|info|biz|de|uk)\b(?:/[^\s<>\"'‹›]*)?",
    re.IGNORECASE,
)
_PHONE_RE = re.compile(r"(?<![A-Za-z0-9.,])\+?\(?\d[\d\s().-]{4,}\d(?![A-Za-z0-9]|[.,]\d)")
_PHONE_CUE_RE = re.compile(
    r"(?:\b(?:tel|phone|call|mobile|cell|whatsapp|wechat|text)\b|电话|手机|致电|微信|联系)\D{0,6}$",
    re.IGNORECASE,
)
# Dates and year ranges look like numbers with separators: 2024-05-01, 2021-2023.
_DATE_RE = re.compile(r"\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}|(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d")
_HANDLE_RE = re.compile(r"(?<![A-Za-z0-9_.@])@\w{2,30}")
_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|terrace|close"
    "|crescent|square|sq|highway|hwy|parkway|row|gardens|strasse|straße"
)
_ADDRESS_RE = re.compile(
    # 12 Baker Street, 221b Elm St., 4 Rue ... is left to the number-and-name rule below.
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:{_STREET_WORDS})\b\.?"
    rf"(?:,?\s*(?:apt|apartment|flat|unit|suite)\.?\s*\w+)?"
    # 中山路12号, 建国路八十八号3单元, 长安街5号院
    rf"|[{CJK}]{{1,12}}(?:路|街|大道|巷|弄|胡同)\s*(?:\d+|{CHINESE_NUMBER}|一)\s*(?:号|號)"
    rf"(?:\s*(?:\d+|{CHINESE_NUMBER})\s*(?:号楼|栋|幢|单元|室|楼|层))*"
    # 阳光小区3栋201室
    rf"|[{CJK}]{{1,12}}(?:小区|花园|公寓|大厦)\s*\d+\s*(?:号楼|栋|幢)(?:\s*\d+\s*(?:单元|室|号))*",
    re.IGNORECASE,
)
_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_FULL_NAME = rf"{_NAME}(?:\s+{_NAME}){{0,2}}"
# Common Chinese surnames: after 我是 a name starts with one ("我是王小明", not "我是一个").
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_PERSON_NAME_RE = re.compile(
    # "my name is Anna Kowalski", "I'm Anna", "this is Tom", "call me Li", "signed, Anna"
    rf"(?:\b(?:[Mm]y\s+name\s+is|[Nn]ame:|I\s+am|I'm|I’m|[Cc]all\s+me|[Ss]igned,?|[Rr]egards,|"
    rf"[Cc]heers,|[Tt]hanks,)\s+)(?P<en>{_FULL_NAME})"
    # "Anna Kowalski from Leeds": a full name of two words before "from <Place>"
    rf"|\b(?P<from>{_NAME}\s+{_NAME})(?=\s+from\s+[A-Z])"
    # 我叫王小明, 我的名字是李雷, 本人姓张，叫张伟, 我是王小明
    rf"|(?:我叫|我的名字是|我的名字叫|名字叫|名叫|本人叫|我姓|本人姓|(?<=[，,])叫)\s*(?P<zh>[{CJK}]{{1,3}})"
    rf"|我是(?P<zh_is>[{_SURNAMES}][{CJK}]{{1,2}})(?=[，,。.！!、\s]|$)",
)


def _long_enough_phone(match: re.Match[str]) -> bool:
    number = match.group(0)
    if _DATE_RE.fullmatch(number.strip()):
        return False
    digits = sum(ch.isdigit() for ch in number)
    if digits >= PHONE_MIN_DIGITS_PLAIN:
        return True
    if digits < PHONE_MIN_DIGITS:
        return False
    separated = any(not ch.isdigit() for ch in number.strip().lstrip("+"))
    cued = bool(_PHONE_CUE_RE.search(match.string[: match.start()]))
    return separated or cued


def _whole(match: re.Match[str], placeholder: str) -> str:
    return placeholder


def _named_groups(match: re.Match[str], placeholder: str) -> str:
    """Only the name: "my name is [name]", "我叫[name]"."""
    text, start = match.group(0), match.start()
    for name, value in match.groupdict().items():
        if value:
            begin, end = match.span(name)
            return text[: begin - start] + placeholder + text[end - start :]
    return text


@dataclass(frozen=True)
class PersonalDataKind:
    kind: str
    pattern: re.Pattern[str]
    placeholder: str
    accept: Callable[[re.Match[str]], bool] = lambda match: True
    replace: Callable[[re.Match[str], str], str] = _whole


# Order matters: an e-mail contains a handle-like "@name" and a domain, so
# e-mails go first; an address holds a number, so it goes before phones.
PERSONAL_DATA = (
    PersonalDataKind("email", _EMAIL_RE, "[email]"),
    PersonalDataKind("link", _URL_RE, "[link]"),
    PersonalDataKind("address", _ADDRESS_RE, "[address]"),
    PersonalDataKind("phone", _PHONE_RE, "[phone]", _long_enough_phone),
    PersonalDataKind("handle", _HANDLE_RE, "[handle]"),
    PersonalDataKind("name", _PERSON_NAME_RE, "[name]", replace=_named_groups),
)
MEMBER_PLACEHOLDER = "[member]"


def _substitute(kind: PersonalDataKind, text: str) -> str:
    return kind.pattern.sub(
        lambda m: kind.replace(m, kind.placeholder) if kind.accept(m) else m.group(0), text
    )


def _redact_kinds(text: str, names: Iterable[str] = ()) -> tuple[str, list[str]]:
    """Replace personal data by placeholders; also return the kinds found."""
    found: list[str] = []
    for pd in PERSONAL_DATA:
        new_text = _substitute(pd, text)
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


# Sentence ends: Latin marks before a space (not the dot in an e-mail), CJK marks anywhere.
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_PLACEHOLDERS = (*(pd.placeholder for pd in PERSONAL_DATA), MEMBER_PLACEHOLDER)


def personal_sentences_removed(text: str, *, names: Iterable[str] = ()) -> str:
    """The text without the sentences that hold personal data ("" when every
    one does). Sentences are split after the personal data is found, so the
    full-width 。 of an obfuscated e-mail ("chenxy＠example。com") does not
    cut it in two and leave its tail behind."""
    redacted = _redact_kinds(text.strip(), names)[0]
    sentences = [s for s in _SENTENCE_SPLIT_RE.split(redacted) if s.strip()]
    kept = [s.strip() for s in sentences if not any(p in s for p in _PLACEHOLDERS)]
    joiner = "" if any(s.endswith(("。", "！", "？")) for s in kept) else " "
    return joiner.join(kept)


def without_personal_data(text: str) -> str:
    """The text with its personal data taken out, placeholders and all: what
    the other checks read, so that personal data is reported once, by
    check_personal_data, and not again as an invented "email" or "name"."""
    redacted = _redact_kinds(text)[0]
    for placeholder in _PLACEHOLDERS:
        redacted = redacted.replace(placeholder, " ")
    return redacted


def redact(text: str, *, names: Iterable[str] = (), whole_sentences: bool = False) -> str:
    """Community text as the model may see it: e-mails (also written "name (at)
    example (dot) com" or with full-width ＠ and 。), links, phone numbers,
    street addresses, people's names ("my name is …", "我叫…"), @handles and the
    given member names replaced by placeholders.

    With `whole_sentences`, a sentence that holds any of them is left out
    instead, so a small model has no placeholder to copy ("write to [email]");
    a text made only of such sentences gets placeholders after all."""
    if whole_sentences:
        kept = personal_sentences_removed(text, names=names)
        if kept:
            return kept
    return _redact_kinds(text, names)[0]


_PERSONAL_DATA_LABELS = {
    "email": _("an e-mail address"),
    "link": _("a link"),
    "phone": _("a phone number"),
    "handle": _("an @handle"),
    "address": _("a street address"),
    "name": _("a person's name"),
}


def check_personal_data(text: str) -> list[Finding]:
    _redacted, kinds = _redact_kinds(text)
    return [
        make_finding(
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
