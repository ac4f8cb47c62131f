"""Validators for text people type: titles, bodies, comments and usernames.

One module, so the site's forms, the API's serializers and the services'
full_clean (through the models' validators) refuse the same things with the
same message:

- text with nothing visible in it: only spaces, zero-width and other format
  characters (U+200B, U+FEFF, ...) or blank "letters" such as U+3164;
- bidirectional embedding, override and isolate controls (U+202A-U+202E,
  U+2066-U+2069): they make a text display in another order than it reads
  ("Trojan Source"), so a title can show one thing and mean another;
- usernames that mix scripts the way impersonation does (Cyrillic "с" in
  "сustomer"), judged on the Unicode script data of confusable-homoglyphs.
  The mixes people really use stay allowed: Latin with Han (and with Kana or
  Hangul), following the "highly restrictive" level of Unicode TR 39.

Usernames are also compared after NFKC and case folding (`username_key`),
so "ｃustomer" (full-width c) and "Customer" are the same name as "customer".
"""

from __future__ import annotations

import unicodedata

from confusable_homoglyphs import categories
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidirectional embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])

# Characters Unicode files as letters or symbols that render as nothing.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")

# Scripts that go with any other: digits, punctuation, combining marks.
SHARED_SCRIPTS = frozenset({"COMMON", "INHERITED"})
# Script mixes in everyday use (Unicode TR 39, "highly restrictive"): Latin
# with the scripts of Chinese, Japanese and Korean writing.
ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def _is_invisible(char: str) -> bool:
    # Cf: format characters (zero-width space and joiners, BOM, soft hyphen,
    # direction marks); Z*: separators; Cc: controls (tab, newline).
    return (
        char.isspace()
        or char in BLANK_LETTERS
        or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")
    )


def validate_visible(value: str) -> None:
    if value and all(_is_invisible(char) for char in value):
        raise ValidationError(
            _("Write some visible text: this contains only spaces or invisible characters."),
            code="invisible",
        )


def validate_no_bidi_controls(value: str) -> None:
    if any(char in BIDI_CONTROLS for char in value):
        raise ValidationError(
            _(
                "Remove the text-direction control characters (such as a right-to-left override): "
                "they make text display differently from what it says."
            ),
            code="bidi_control",
        )


def scripts_of(value: str) -> set[str]:
    """The Unicode scripts of the letters in `value`, shared ones left out."""
    return set(categories.unique_aliases(value)) - SHARED_SCRIPTS


def validate_single_script(value: str) -> None:
    scripts = scripts_of(unicodedata.normalize("NFKC", value))
    if len(scripts) > 1 and not any(scripts <= mix for mix in ALLOWED_MIXES):
        raise ValidationError(
            _(
                "Use letters of one alphabet in a username (%(scripts)s are mixed): "
                "mixed alphabets let one name pass for another."
            )
            % {"scripts": ", ".join(sorted(s.title() for s in scripts))},
            code="mixed_script",
        )


def username_key(value: str) -> str:
    """The form two usernames are compared in: NFKC, then case folded."""
    return unicodedata.normalize("NFKC", value).casefold()


# The validators of each kind of field, for models, forms and serializers.
TEXT_VALIDATORS = [validate_visible, validate_no_bidi_controls]
USERNAME_VALIDATORS = [validate_visible, validate_no_bidi_controls, validate_single_script]


def validate_username(value: str) -> None:
    """Django's own username rules apply too (letters, digits and @.+-_)."""
    for validate in USERNAME_VALIDATORS:
        validate(value)
