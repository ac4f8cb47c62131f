"""Prompts for the drafting model, built from plain data (no database).

generation.selectors.drafting_input() gathers what a campaign's drafts are
written from (ranked consenting ideas, quotable comments, themes, the brief)
into a DraftingInput; everything here is a pure function of it, so prompts are
tested without a database.

Community text is data, never instructions: personal data is redacted first
(generation.guardrails.redact), every angle bracket in it is replaced so no
quote can close its fence, and each quote sits in its own
<idea n="..."> / <comment ...> element inside one <community_input> block that
the system message declares to be quoted data. The grounded pipeline
(generation/drafting/) quotes one idea per prompt with the same helpers.

One template file per kind and version in prompt_templates/; the version and
the full prompt text are stored on the request, so any draft can be traced to
the exact words the model saw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any, Protocol

from django.conf import settings
from django.utils import translation

from generation.drafting.types import CommentInput, DraftingInput, IdeaInput, SourceKind, SourceText
from generation.guardrails import redact
from generation.models import TARGET_WORDS, Kind

TEMPLATES_DIR = Path(__file__).parent / "prompt_templates"
# The template each kind uses now; a new wording is a new file and version,
# and the old files stay (a request's stored version names its template).
# v2: half the fixed tokens of v1 (147 against 299/318) and the task stated
# last, plainly: the 135M model wrote about half as many drafts about the task
# instead of the text (BENCHMARKS.md, "Draft quality"), and the prompt pass is
# most of CPU time. A wording that also asked for the third person and a reply
# starting with the product name did no better than v1 and was dropped.
TEMPLATE_VERSIONS = {
    Kind.PRODUCT_DESCRIPTION: "product_description.v2",
    Kind.USER_STORY: "user_story.v2",
}
_SECTION_MARKERS = ("=== system ===", "=== user ===")

# Excerpts keep the prompt short: SmolLM2 writes worse and slower from long
# contexts, and the gist of an idea is in its first few sentences.
IDEA_EXCERPT_CHARS = 400
COMMENT_EXCERPT_CHARS = 200
# Comments quoted per stance (for, against, neutral): enough to show the mood.
COMMENTS_PER_STANCE = 2
# The largest community themes summarised in a prompt: enough to show what
# most people talk about, few enough to keep a small model's prompt short.
TOP_THEMES = 3
# Community text may not open or close a fence: angle brackets become look-alikes.
_FENCE_NEUTRALISER = str.maketrans({"<": "‹", ">": "›"})
LANGUAGE_NAMES = {"en": "English", "zh-hans": "Simplified Chinese (简体中文)"}


class _Campaignish(Protocol):
    # Read-only, so frozen plain data (DraftingInput) fits as well as a row.
    @property
    def title(self) -> str: ...
    @property
    def product_name(self) -> str: ...
    @property
    def brief(self) -> str: ...


@dataclass(frozen=True)
class BuiltPrompt:
    messages: list[dict[str, str]]
    version: str
    ideas: tuple[IdeaInput, ...]
    comments: tuple[CommentInput, ...]
    # What the draft's claims may rest on (see supporting_texts()).
    supporting_texts: tuple[str, ...]

    @property
    def text(self) -> str:
        """The full prompt as stored on the request."""
        return prompt_text(self.messages)

    @property
    def sources(self) -> list[SourceText]:
        """The quoted ideas (ranked), then the quoted comments (ranked as their idea)."""
        rank = {i.pk: i.rank for i in self.ideas}
        return [
            *(SourceText(SourceKind.IDEA, i.pk, f"{i.title}\n{i.body}", rank=i.rank) for i in self.ideas),
            *(
                SourceText(SourceKind.COMMENT, c.pk, c.body, rank=rank.get(c.idea_pk, 0))
                for c in self.comments
            ),
        ]


def prompt_text(messages: Iterable[dict[str, str]]) -> str:
    """Chat messages as one text, as stored on the request."""
    return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages)


def supporting_texts(
    *, campaign: _Campaignish, keywords: Iterable[str], sources: Iterable[Any]
) -> tuple[str, ...]:
    """Everything a draft's claims may rest on: the brand's own words and the
    original (unredacted) community text the prompt quoted. `sources` are
    ideas (title and body) or comments (body), rows or plain data alike."""
    community = [f"{s.title}\n{s.body}" if hasattr(s, "title") else s.body for s in sources]
    return (campaign.title, campaign.product_name, campaign.brief, *keywords, *community)


@cache
def _template(version: str) -> tuple[Template, Template]:
    raw = (TEMPLATES_DIR / f"{version}.txt").read_text(encoding="utf-8")
    system_marker, user_marker = _SECTION_MARKERS
    before, _, rest = raw.partition(system_marker)
    system, _, user = rest.partition(user_marker)
    if before.strip() or not system.strip() or not user.strip():
        raise ValueError(f"prompt template {version} needs a system and a user section")
    return Template(system.strip()), Template(user.strip())


def plain(text: str) -> str:
    """One line without fence characters."""
    return " ".join(text.translate(_FENCE_NEUTRALISER).split())


def quote(text: str, *, names: Iterable[str], limit: int) -> str:
    """Community text as quoted data: redacted, one line, at most `limit` characters."""
    text = plain(redact(text, names=names))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _community_input(
    data: DraftingInput, ideas: Iterable[IdeaInput], comments: Iterable[CommentInput]
) -> str:
    ideas = list(ideas)
    if not ideas:
        return "(No ideas yet.)"
    names = data.member_names
    number = {idea.pk: n for n, idea in enumerate(ideas, start=1)}
    lines = [
        f'<idea n="{number[idea.pk]}" votes="{idea.vote_count}">'
        f"{quote(idea.title, names=names, limit=IDEA_EXCERPT_CHARS)}: "
        f"{quote(idea.body, names=names, limit=IDEA_EXCERPT_CHARS)}</idea>"
        for idea in ideas
    ]
    lines += [
        f'<comment on_idea="{number[c.idea_pk]}" stance="{c.stance}">'
        f"{quote(c.body, names=names, limit=COMMENT_EXCERPT_CHARS)}</comment>"
        for c in comments
        if c.idea_pk in number
    ]
    # A theme's label is an idea title: quoted only if its author allowed AI use.
    lines += [
        f'<theme n="{n}" size="{t["size"]}" for="{t["stance"]["for"]:.0%}" '
        f'against="{t["stance"]["against"]:.0%}">'
        f"{quote(t['label'], names=names, limit=IDEA_EXCERPT_CHARS) if t['label_consent_ai'] else '-'}"
        "</theme>"
        for n, t in enumerate(data.themes[:TOP_THEMES], start=1)
    ]
    return "\n".join(lines)


def prompt_build(
    *,
    data: DraftingInput,
    kind: str,
    tone: str,
    length: str,
    keywords: list[str],
    language: str,
    version: str | None = None,
) -> BuiltPrompt:
    """The legacy whole-draft prompt: the chat messages for the engine and the
    ideas and comments they quote, in the kind's current template or an older
    `version` of it (comparisons)."""
    ideas = data.ideas[: settings.GENERATION_TOP_K_IDEAS]
    quoted = {i.pk for i in ideas}
    comments = tuple(c for c in data.comments if c.idea_pk in quoted)
    version = version or TEMPLATE_VERSIONS[Kind(kind)]
    if not version.startswith(f"{kind}."):
        raise ValueError(f"template {version} is not a {kind} template")
    system, user = _template(version)
    # The instructions are English whatever language the merchant's admin uses;
    # the output language is a parameter.
    with translation.override("en"):
        values = {
            "brand": plain(data.brand_name),
            "product_name": plain(data.product_name),
            "campaign_title": plain(data.title),
            "brief": data.brief.translate(_FENCE_NEUTRALISER).strip(),
            "community_input": _community_input(data, ideas, comments),
            "language_name": LANGUAGE_NAMES[language],
            # Campaign.Tone values are the English words for the tones.
            "tone": tone,
            "target_words": TARGET_WORDS[length],
            "keywords": ", ".join(plain(k) for k in keywords) or "none",
        }
    messages = [
        {"role": "system", "content": system.substitute(values)},
        {"role": "user", "content": user.substitute(values)},
    ]
    return BuiltPrompt(
        messages=messages,
        version=version,
        ideas=ideas,
        comments=comments,
        supporting_texts=supporting_texts(campaign=data, keywords=keywords, sources=[*ideas, *comments]),
    )
