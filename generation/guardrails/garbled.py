"""Garbled text: characters that are not text, letters of a script the
language does not use, and words that are not words of the language.

A small model asked for a language it does not write answers with
replacement characters (U+FFFD, the decoder's mark for broken bytes), runs
of rare characters and made-up words; none of that may reach review unflagged.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.text import CJK_RE
from generation.guardrails.words import LATIN_WORD_RE, Support, zipf

# Scripts each language's copy is written in: Chinese copy has Latin brand
# names and units ("USB接口", "30L"); English copy quotes no other script.
SCRIPTS = {"en": frozenset({"LATIN"}), "zh-hans": frozenset({"CJK", "LATIN"})}
# Unicode categories that are never text: controls, private use, unassigned, surrogates.
_NOT_TEXT_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})
_ALLOWED_CONTROLS = frozenset("\n\t\r")
REPLACEMENT_CHARACTER = "\ufffd"
# A word unknown to the language's frequency list (and to the sources) is a
# non-word; a text of at least NONWORD_MIN_WORDS words is garbled when more
# than NONWORD_MAX_SHARE of them are. One invented name in a sentence stays
# under it (that is the invented-content check's); a typo-ridden or
# made-up sentence does not.
NONWORD_MAX_SHARE = 0.25
NONWORD_MIN_WORDS = 4
# Chinese characters rarer than this (Zipf) are not the characters of
# everyday copy (the rarest in a product sentence measured 3.5; random CJK
# code points are mostly under 2).
RARE_CHARACTER_ZIPF = 2.5
# Characters of a kind quoted in a finding.
QUOTED_CHARACTERS = 5


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return "CJK" if CJK_RE.match(char) else name.split(" ", 1)[0]


def _not_text(text: str) -> list[str]:
    return [
        char
        for char in text
        if char == REPLACEMENT_CHARACTER
        or (unicodedata.category(char) in _NOT_TEXT_CATEGORIES and char not in _ALLOWED_CONTROLS)
    ]


def _foreign_letters(text: str, language: str, support: Support) -> list[str]:
    allowed = SCRIPTS.get(language, SCRIPTS["en"])
    return [
        char
        for char in dict.fromkeys(text)
        if unicodedata.category(char).startswith("L")
        and _script(char) not in allowed
        and char.lower() not in support.lowered
    ]


def _non_words(text: str, language: str, support: Support) -> tuple[list[str], int]:
    """The non-words of a text and how many words it has: Latin words unknown
    to English, and in Chinese also characters too rare for copy."""
    latin = [w for w in LATIN_WORD_RE.findall(text) if len(w) > 1]
    non_words = [w for w in latin if zipf(w.lower(), "en") == 0 and not support.holds(w)]
    units = len(latin)
    if language.startswith("zh"):
        characters = CJK_RE.findall(text)
        units += len(characters)
        non_words += [
            c for c in characters if zipf(c, "zh") < RARE_CHARACTER_ZIPF and c not in support.characters
        ]
    return non_words, units


def _quoted(chars: Iterable[str]) -> str:
    shown = list(dict.fromkeys(chars))[:QUOTED_CHARACTERS]
    return ", ".join(
        f"U+{ord(c):04X}" if not c.isprintable() or c == REPLACEMENT_CHARACTER else c for c in shown
    )


def check_garbled(text: str, language: str, supporting_texts: Iterable[str] = ()) -> list[Finding]:
    support = Support(supporting_texts)
    messages = []
    if not_text := _not_text(text):
        messages.append(
            _("The text contains characters that are not text (%(chars)s): the model's output is garbled.")
            % {"chars": _quoted(not_text)}
        )
    if foreign := _foreign_letters(text, language, support):
        messages.append(
            _("The text mixes in letters of a script the language does not use (%(chars)s): garbled output?")
            % {"chars": _quoted(foreign)}
        )
    non_words, units = _non_words(text, language, support)
    if units >= NONWORD_MIN_WORDS and len(non_words) / units > NONWORD_MAX_SHARE:
        messages.append(
            _("%(share)s of the words are not words of the language (“%(words)s”): the text looks garbled.")
            % {
                "share": f"{len(non_words) / units:.0%}",
                "words": "”, “".join(list(dict.fromkeys(non_words))[:5]),
            }
        )
    return [make_finding("garbled", SEVERITY_HIGH, message) for message in messages]
