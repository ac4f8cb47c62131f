"""Plan: the campaign's top consenting ideas become points, one feature each.

A point is what one sentence of a draft says, with the idea(s) it comes
from. Ideas come in ranking order (generation.selectors.drafting_input); a
duplicate merged into an idea is a source of its survivor's point, and two
ideas of one theme that say nearly the same words make one point, so a
draft does not say a thing twice. An idea that gives a model orders (a
prompt injection) makes no point. Variants differ by which point leads,
not by luck.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from generation.drafting.types import DraftingInput, IdeaInput, SourceKind, SourceText
from generation.guardrails import instructs_model, personal_sentences_removed
from generation.guardrails.text import CJK_RE
from generation.models import Length
from generation.prompts import quote

# Points per length: about one sentence of ~17 words each against the
# length's word target (generation.models.TARGET_WORDS: 50, 80, 110), the
# opening and closing sentences included.
POINTS_PER_LENGTH: dict[str, int] = {Length.SHORT: 3, Length.MEDIUM: 4, Length.LONG: 5}
# Coverage counts the points of the campaign's top ideas (the measure).
COVERED_TOP_IDEAS = 3
# Two ideas of one theme whose content words overlap this much (Jaccard) say
# the same thing: the lower-ranked one becomes a second source of the first.
NEAR_DUPLICATE_OVERLAP = 0.5
# An idea quoted in a sentence prompt: its title and the start of its body,
# enough for one sentence's facts and short enough to keep the prompt small.
IDEA_QUOTE_CHARS = 300

_CJK_ENDS = ("。", "！", "？", "：")
_SENTENCE_ENDS = (".", "!", "?", ":", *_CJK_ENDS)
_WORD_RE = re.compile(r"[^\W\d_]{4,}|[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Point:
    """One feature to write as one sentence: the idea it is written from first,
    then any duplicates and near-duplicates that say the same."""

    sources: tuple[SourceText, ...]
    title: str  # the leading idea's title (redacted), for a fallback sentence
    rank: int

    @property
    def text(self) -> str:
        return self.sources[0].text


def idea_source(idea: IdeaInput, names: frozenset[str]) -> SourceText:
    """An idea as a sentence's source: title and body, one line. The body's
    sentences that hold personal data are left out whole, not replaced by
    placeholders: the feature is in the others, and a small model copies a
    placeholder ("write to [email]") into its sentence, which the checks
    then reject."""
    title = quote(idea.title, names=names, limit=IDEA_QUOTE_CHARS)
    body = quote(personal_sentences_removed(idea.body, names=names), names=names, limit=IDEA_QUOTE_CHARS)
    if not body:
        return SourceText(SourceKind.IDEA, idea.pk, title, rank=idea.rank)
    if title.endswith(_SENTENCE_ENDS):
        separator = "" if CJK_RE.search(title[-1]) or title.endswith(_CJK_ENDS) else " "
    else:
        separator = "。" if CJK_RE.search(title[-1]) else ". "
    return SourceText(SourceKind.IDEA, idea.pk, f"{title}{separator}{body}", rank=idea.rank)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD_RE.findall(text)}


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def plan_points(data: DraftingInput, *, length: str) -> list[Point]:
    """The points of a draft, in rank order: at most POINTS_PER_LENGTH[length]."""
    theme_of = {pk: n for n, theme in enumerate(data.themes) for pk in theme.get("idea_ids", ())}
    points: list[Point] = []
    for idea in data.ideas:
        if instructs_model(f"{idea.title}\n{idea.body}"):
            continue  # orders to a model are no feature; the idea stays on the review page
        source = idea_source(idea, data.member_names)
        extra = tuple(idea_source(d, data.member_names) for d in idea.duplicates)
        same = next(
            (
                n
                for n, point in enumerate(points)
                if theme_of.get(idea.pk) is not None
                and theme_of.get(idea.pk) == theme_of.get(point.sources[0].pk)
                and _overlap(point.text, source.text) >= NEAR_DUPLICATE_OVERLAP
            ),
            None,
        )
        if same is not None:
            point = points[same]
            points[same] = Point((*point.sources, source, *extra), point.title, point.rank)
            continue
        if len(points) == POINTS_PER_LENGTH[length]:
            break
        title = quote(idea.title, names=data.member_names, limit=IDEA_QUOTE_CHARS)
        points.append(Point((source, *extra), title, idea.rank))
    return points


def variant_order(points: Sequence[Point], variant: int) -> list[Point]:
    """Variant 0 in rank order; variant n leads with the (n+1)-th point, the
    others following in rank order."""
    if not points:
        return []
    lead = variant % len(points)
    return [points[lead], *points[:lead], *points[lead + 1 :]]


def top_point_count(points: Sequence[Point]) -> int:
    """How many points hold the campaign's COVERED_TOP_IDEAS top ideas."""
    return sum(1 for p in points if p.rank <= COVERED_TOP_IDEAS)
