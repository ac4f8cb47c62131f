"""What the grounded drafting pipeline works on and hands back. Plain data,
no ORM: the services turn campaign rows into `SourceText`s, and store each
`ComposedDraft` with its sentences and their sources (generation/services.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    # Only for annotations: generation.models imports this module.
    from generation.guardrails.findings import Finding


class GenerationOutput(Protocol):
    # Read-only, as the engine's frozen GenerationOutput has them.
    @property
    def text(self) -> str: ...
    @property
    def prompt_tokens(self) -> int: ...
    @property
    def new_tokens(self) -> int: ...
    @property
    def perplexity(self) -> float | None: ...  # None when not measured


class Generator(Protocol):
    """What generation.inference.TextGenerator offers; tests pass a fake.
    `temperature` 0 decodes greedily."""

    model_name: str

    def generate(
        self,
        prompts: list[list[dict[str, str]]],
        *,
        max_new_tokens: int = ...,
        temperature: float = ...,
        repetition_penalty: float = ...,
        seed: int | None = ...,
    ) -> Sequence[GenerationOutput]: ...


class SourceKind(StrEnum):
    IDEA = "idea"
    COMMENT = "comment"


@dataclass(frozen=True)
class SourceText:
    """One piece of community input a sentence may rest on (already redacted)."""

    kind: SourceKind
    pk: int
    text: str
    # Rank of the idea in the campaign (1 = top) or of the comment's idea.
    rank: int = 0


class SentenceOrigin(StrEnum):
    MODEL = "model"  # written by the model and verified against its sources
    FALLBACK = "fallback"  # the model's attempts failed: built from the idea's own words
    TEMPLATE = "template"  # a fixed per-language frame (opening, closing, story frame)
    COMMUNITY = "community"  # the community's own words, in a language the model does not write
    EDITED = "edited"  # written or changed by a reviewer


@dataclass
class ComposedSentence:
    text: str
    origin: SentenceOrigin
    sources: list[SourceText] = field(default_factory=list)
    # Guardrail findings on this sentence alone.
    findings: list[Finding] = field(default_factory=list)


@dataclass
class ComposedDraft:
    """One variant: its sentences in order, and what the ranking needs."""

    sentences: list[ComposedSentence]
    language: str
    # Share (0..1) of the top ideas' points that a sentence of this draft realises.
    coverage: float
    # Findings on the whole text (generation.guardrails.check_draft).
    findings: list[Finding] = field(default_factory=list)
    perplexity: float | None = None
    prompt_tokens: int = 0
    new_tokens: int = 0
    # False when the campaign's language is one the model does not write: the
    # draft is the community's own words in per-language templates, and the
    # review page says so.
    model_written: bool = True

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences if s.text)


# --- What the selector gathers for a draft (generation.selectors.drafting_input) ---


@dataclass(frozen=True)
class IdeaInput:
    """A ranked idea whose author allowed AI use, as written (not yet redacted)."""

    pk: int
    title: str
    body: str
    rank: int
    vote_count: int = 0
    # Consenting ideas merged into this one: their words are sources of its point.
    duplicates: tuple[IdeaInput, ...] = ()


@dataclass(frozen=True)
class CommentInput:
    """A published comment that may be quoted, as written (not yet redacted)."""

    pk: int
    idea_pk: int
    body: str
    stance: str


@dataclass(frozen=True)
class DraftingInput:
    """Everything a campaign's drafts are written from, as plain data, so that
    prompts and the pipeline are pure functions (no database)."""

    campaign_pk: int
    title: str
    product_name: str
    brand_name: str
    brief: str
    banned_phrases: str
    ideas: tuple[IdeaInput, ...]
    comments: tuple[CommentInput, ...] = ()
    # campaign_top_themes(): label, size, stance shares, idea ids...
    themes: tuple[dict[str, Any], ...] = ()
    # Usernames of everyone quoted: redacted wherever they appear.
    member_names: frozenset[str] = frozenset()
