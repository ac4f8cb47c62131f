"""Verify: each sentence against its own sources and the brand's support.

A sentence is kept when no check finds anything high (blocking). The checks
are generation.guardrails' sentence checks; a sentence the model wrote is
first cut to one clean sentence (the model sometimes labels it, or runs on).
A point whose sentences all fail falls back to the idea's own words
(fallback_sentence), checked the same way; a fallback that still fails (an
idea that itself asks for a guarantee) is dropped, and the point counts as
not covered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import jieba
from django.utils.translation import gettext_lazy as _

from generation import guardrails
from generation.drafting.languages import as_sentence
from generation.drafting.plan import Point
from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.length import SENTENCE_END
from generation.guardrails.text import CJK
from generation.guardrails.words import LATIN_WORD_RE, Support, zipf

# A sentence longer than this many words is no longer "one sentence about a
# feature": it is cut at its first sentence end, or rejected.
SENTENCE_MAX_WORDS = 40
# Fewer words than this are a fragment ("Microwave-safe inner boxes."), not
# a sentence about a feature.
SENTENCE_MIN_WORDS = 5
# The same run of this many words twice in one sentence is a stammer.
REPEATED_WORDS = 3
# ... when one of them has at least this many letters.
STAMMER_MIN_CHARS = 4
# A leading "Xxx:" of at most this many words is a label, not text.
LABEL_MAX_WORDS = 3
# A point's sentence keeps its feature when it holds at least this share of
# the weight of the feature's words: those of the idea's title (its name for
# the feature), or, for a title that names none, those of the idea's own
# sentence (fallback_sentence).
FEATURE_MIN_SHARE = 0.5
# A word weighs this ceiling less its Zipf frequency (wordfreq), so that
# "the", "with", "want" (6 and above) weigh nothing, "phone" or "water"
# little, and "handlebar", "枕套" most: the rare words are the feature.
FEATURE_ZIPF_CEILING = 6.0
# A title whose words weigh less than this names no feature ("My idea!"):
# only the idea's own sentence counts.
TITLE_MIN_WEIGHT = 1.0
_CJK_RUN_RE = re.compile(f"[{CJK}]+")
# "it must fold", "they should grip": the idea's demand copied into copy,
# where the product simply does it.
_DEMAND_RE = re.compile(
    r"\b(it|they)\s+(?:must|should|has\s+to|have\s+to|needs\s+to|need\s+to)\b", re.IGNORECASE
)
_LABEL_RE = re.compile(r"^\s*(?:[\w ,.'’-]{1,60}?):\s+(?=\S)")
# A sentence ends at a Latin mark before a space (not "1.2 L"), or at a Chinese one.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")


def clean_sentence(text: str, *, product: str) -> str:
    """The model's answer as one sentence: its first line, without a leading
    "Product:" label, cut at its first sentence end (what follows is the
    model running on: "… claims it. Few manage it."), with a customer's
    demand said as what the product does ("so it must switch" -> "so it can
    switch")."""
    line = next((line.strip() for line in text.strip().splitlines() if line.strip()), "")
    line = line.strip("\"'“”")
    label = _LABEL_RE.match(line)
    if label and _is_label(label.group(0), product):
        line = line[label.end() :]
    line = _SENTENCE_END_RE.split(line, maxsplit=1)[0]
    if product:
        # The product's name as the brand writes it ("Asana works" -> "Asana Works").
        line = re.sub(re.escape(product), lambda _: product, line, flags=re.IGNORECASE)
    return _DEMAND_RE.sub(r"\1 can", line.strip())


def _is_label(prefix: str, product: str) -> bool:
    """Whether the text before a colon is a label ("Ridgeline 30L:", "Pockets:"),
    not the start of the sentence ("It is made of X and has this:")."""
    words = prefix.rstrip(": ").lower().removeprefix("the ").split()
    return len(words) <= LABEL_MAX_WORDS or " ".join(words) in product.lower()


def sentence_findings(
    text: str, *, sources: Sequence[str], support: Sequence[str], language: str
) -> list[Finding]:
    """Every check on one sentence, against its own sources and the support
    (brief, product and brand names, keywords)."""
    findings = guardrails.check_sentence(text, sources=sources, support=support, language=language)
    if not text.strip():
        findings.append(make_finding("empty", SEVERITY_HIGH, _("The model returned no text.")))
    return findings


# A user story's frame is first person, "As a ..., I ...": the opening that
# makes it a story. In a language without such a rule, anything passes.
FRAME_OPENERS = {"en": ("As a ", "As an ", "As someone ")}


def fits_role(text: str, role: str, language: str, *, product: str = "") -> bool:
    """Whether a sentence does its job: it is a sentence (starts with a
    capital, ends, as a row cut at the token limit does not, and has at least
    SENTENCE_MIN_WORDS words),
    that names the product at most once ("With the X, my X, ..." is a
    stammer) and repeats no run of words, and a story frame starts as one, about a person, not the product."""
    if not text.rstrip().endswith(SENTENCE_END) or guardrails.word_count(text) < SENTENCE_MIN_WORDS:
        return False
    if text[:1].islower():
        # What was left after a label was cut: "…kettle: a compact kettle for hotels."
        return False
    if (product and text.lower().count(product.lower()) > 1) or _repeats_itself(text):
        return False
    openers = FRAME_OPENERS.get(language)
    if role != "frame" or not openers:
        return True
    who = text.split(",", 1)[0].lower()
    return text.startswith(openers) and not (product and product.split()[0].lower() in who)


def _repeats_itself(text: str) -> bool:
    """Whether a sentence says the same REPEATED_WORDS words twice ("…for 30
    minutes, so it keeps it warm for 30 minutes"): a model running in a loop."""
    words = re.findall(r"\w+", text.lower())
    runs = [tuple(words[n : n + REPEATED_WORDS]) for n in range(len(words) - REPEATED_WORDS + 1)]
    # Runs of short words only ("a usb c", "it is a") are how English is built.
    runs = [run for run in runs if any(len(word) >= STAMMER_MIN_CHARS for word in run)]
    return len(set(runs)) < len(runs)


def feature_words(text: str, *, language: str, leave_out: Iterable[str] = ()) -> dict[str, float]:
    """The words of a text that can carry a feature, each with its weight
    (FEATURE_ZIPF_CEILING less its frequency), without those of `leave_out`
    (the product and brand names, which any sentence says): Latin words, and
    Chinese words as jieba segments them."""
    known = Support(leave_out)
    words: dict[str, float] = {}
    found = [(w.lower(), "en") for w in LATIN_WORD_RE.findall(text) if len(w) > 1]
    found += [(w, "zh") for run in _CJK_RUN_RE.findall(text) for w in jieba.cut(run, HMM=False)]
    for word, word_language in found:
        weight = FEATURE_ZIPF_CEILING - zipf(word, word_language)
        if weight > 0 and not known.holds(word):
            words[word] = weight
    return words


def _share_held(words: dict[str, float], held: Support) -> float:
    total = sum(words.values())
    return sum(w for word, w in words.items() if held.holds(word)) / total if total else 0.0


def keeps_feature(text: str, point: Point, *, language: str, leave_out: Iterable[str] = ()) -> bool:
    """Whether a sentence still says its point's feature, in any word form
    ("grips" for "grip", "雨罩" for "防雨罩"): it holds FEATURE_MIN_SHARE of
    the weight of the idea title's words (the community's name for the
    feature), or, under a title that names none ("My idea!"), of the idea's
    own sentence's. A sentence that keeps only the product's name, or the
    details around the feature ("windows of cars ... at junctions" for
    "Side visibility"), does not."""
    leave_out = list(leave_out)
    held = Support([text])
    title = feature_words(point.title, language=language, leave_out=leave_out)
    if sum(title.values()) >= TITLE_MIN_WEIGHT:
        return _share_held(title, held) >= FEATURE_MIN_SHARE
    own = feature_words(fallback_sentence(point, language=language), language=language, leave_out=leave_out)
    return _share_held(own, held) >= FEATURE_MIN_SHARE


def blocking(findings: Sequence[Finding]) -> bool:
    return any(f["severity"] == SEVERITY_HIGH for f in findings)


def fallback_sentence(point: Point, *, language: str) -> str:
    """The idea's own words as one sentence: its title, and the first sentence
    of its body when that keeps within SENTENCE_MAX_WORDS."""
    title = as_sentence(point.title, language)
    body = point.text[len(point.title) :].lstrip(" .:：。")
    first = _SENTENCE_END_RE.split(body, maxsplit=1)[0] if body else ""
    first = as_sentence(first, language)
    joined = f"{title} {first}" if language != "zh-hans" else f"{title}{first}"
    return joined.strip() if first and guardrails.word_count(joined) <= SENTENCE_MAX_WORDS else title
