"""What a check reports: a finding's code, severity and message, and each code's label."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SEVERITY_HIGH = "high"  # should not be published as it is
SEVERITY_MEDIUM = "medium"  # check before publishing
SEVERITY_LOW = "low"  # worth a look
SEVERITY_ORDER = {SEVERITY_HIGH: 0, SEVERITY_MEDIUM: 1, SEVERITY_LOW: 2}


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
    "invented_content": _("Invented content"),
    "garbled": _("Garbled text"),
}


class Finding(TypedDict):
    code: str
    severity: str
    message: str


def make_finding(code: str, severity: str, message: StrOrPromise) -> Finding:
    # Stored as JSON on the draft: the message is rendered now, in the active language.
    return {"code": code, "severity": severity, "message": str(message)}


def worst_severity(findings: Iterable[Finding]) -> str | None:
    severities = [f["severity"] for f in findings]
    return min(severities, key=SEVERITY_ORDER.__getitem__) if severities else None
