"""Prompts for the drafting model, built from a campaign and its community.

Community text is data, never instructions: personal data is redacted first
(generation.guardrails.redact), every angle bracket in it is replaced so no
quote can close its fence, and each quote sits in its own
<idea n="..."> / <comment ...> element inside one <community_input> block that
the system message declares to be quoted data.

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
from typing import Any

from django.conf import settings
from django.utils import translation

from intelligence.themes import campaign_top_themes
from campaigns.models import Campaign, Comment, Idea
from campaigns.selectors import idea_list_ranked

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


@dataclass(frozen=True)
class BuiltPrompt:
    messages: list[dict[str, str]]
    version: str
    ideas: list[Idea]
    comments: list[Comment]
    # What the draft's claims may rest on (see supporting_texts()).
    supporting_texts: tuple[str, ...]

    @property
    def text(self) -> str:
        """The full prompt as stored on the request."""
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in self.messages)

    @property
    def sources(self) -> list[Idea | Comment]:
        return [*self.ideas, *self.comments]


def supporting_texts(
    *, campaign: Campaign, keywords: Iterable[str], sources: Iterable[Idea | Comment]
) -> tuple[str, ...]:
    """Everything a draft's claims may rest on: the brand's own words and the
    original (unredacted) community text the prompt quoted."""
    community = [f"{s.title}\n{s.body}" if isinstance(s, Idea) else s.body for s in sources]
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


def _plain(text: str) -> str:
    """One line without fence characters."""
    return " ".join(text.translate(_FENCE_NEUTRALISER).split())


def _quote(text: str, *, names: set[str], limit: int) -> str:
    """Community text as quoted data: redacted, one line, at most `limit` characters."""
    text = _plain(redact(text, names=names))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _representative_comments(ideas: list[Idea]) -> list[Comment]:
    """A few published comments per stance on the chosen ideas. Comments carry
    no consent flag of their own: they are only quoted under ideas whose
    authors allowed AI use."""
    comments: list[Comment] = []
    for stance in Comment.Stance.values:
        comments.extend(
            Comment.objects.filter(idea__in=ideas, status=Comment.Status.PUBLISHED, stance=stance)
            .select_related("author")
            .order_by("created_at", "id")[:COMMENTS_PER_STANCE]
        )
    return comments


def _community_input(ideas: list[Idea], comments: list[Comment], themes: list[dict[str, Any]]) -> str:
    if not ideas:
        return "(No ideas yet.)"
    names = {i.author.username for i in ideas} | {c.author.username for c in comments}
    number = {idea.pk: n for n, idea in enumerate(ideas, start=1)}
    lines = [
        f'<idea n="{number[idea.pk]}" votes="{idea.vote_count}">'
        f"{_quote(idea.title, names=names, limit=IDEA_EXCERPT_CHARS)}: "
        f"{_quote(idea.body, names=names, limit=IDEA_EXCERPT_CHARS)}</idea>"
        for idea in ideas
    ]
    lines += [
        f'<comment on_idea="{number[c.idea_id]}" stance="{c.stance}">'
        f"{_quote(c.body, names=names, limit=COMMENT_EXCERPT_CHARS)}</comment>"
        for c in comments
    ]
    # A theme's label is an idea title: quoted only if its author allowed AI use.
    lines += [
        f'<theme n="{n}" size="{t["size"]}" for="{t["stance"]["for"]:.0%}" '
        f'against="{t["stance"]["against"]:.0%}">'
        f"{_quote(t['label'], names=names, limit=IDEA_EXCERPT_CHARS) if t['label_consent_ai'] else '-'}"
        "</theme>"
        for n, t in enumerate(themes, start=1)
    ]
    return "\n".join(lines)


def prompt_build(
    *,
    campaign: Campaign,
    kind: str,
    tone: str,
    length: str,
    keywords: list[str],
    language: str,
    version: str | None = None,
) -> BuiltPrompt:
    """The chat messages for the engine and the ideas and comments they quote,
    in the kind's current template or an older `version` of it (comparisons)."""
    ideas = list(
        idea_list_ranked(campaign=campaign, sort="top").filter(consent_ai=True)[
            : settings.GENERATION_TOP_K_IDEAS
        ]
    )
    comments = _representative_comments(ideas)
    version = version or TEMPLATE_VERSIONS[Kind(kind)]
    if not version.startswith(f"{kind}."):
        raise ValueError(f"template {version} is not a {kind} template")
    system, user = _template(version)
    # The instructions are English whatever language the merchant's admin uses;
    # the output language is a parameter.
    with translation.override("en"):
        values = {
            "brand": _plain(campaign.brand.name),
            "product_name": _plain(campaign.product_name),
            "campaign_title": _plain(campaign.title),
            "brief": campaign.brief.translate(_FENCE_NEUTRALISER).strip(),
            "community_input": _community_input(ideas, comments, campaign_top_themes(campaign, TOP_THEMES)),
            "language_name": LANGUAGE_NAMES[language],
            "tone": str(Campaign.Tone(tone).label).lower(),
            "target_words": TARGET_WORDS[length],
            "keywords": ", ".join(_plain(k) for k in keywords) or "none",
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
        supporting_texts=supporting_texts(campaign=campaign, keywords=keywords, sources=[*ideas, *comments]),
    )
