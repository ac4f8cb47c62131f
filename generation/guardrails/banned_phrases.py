"""The brand's rules: phrases it does not allow in its copy."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.text import phrase_pattern


def check_banned_phrases(text: str, banned_phrases: str) -> list[Finding]:
    """Brand.banned_phrases: one phrase per line, matched as whole words."""
    findings = []
    for phrase in dict.fromkeys(line.strip() for line in banned_phrases.splitlines()):
        if phrase and phrase_pattern(phrase).search(text):
            findings.append(
                make_finding(
                    "banned_phrase",
                    SEVERITY_HIGH,
                    _("The text says “%(phrase)s”, which the brand does not allow in its copy.")
                    % {"phrase": phrase},
                )
            )
    return findings
