"""Personal data: e-mail addresses, links, phone numbers, @handles and member names.

The same patterns redact community text before it reaches the model
(generation/prompts.py), so what is removed from the input is exactly what is
flagged in the output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, Finding, _finding
from generation.guardrails.text import phrase_pattern

# Numbers of fewer digits are sizes, prices and dates, not phone numbers.
PHONE_MIN_DIGITS = 9

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
