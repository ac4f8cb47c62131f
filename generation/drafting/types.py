"""What the grounded drafting pipeline works on and hands back. Plain data,
no ORM: the services turn campaign rows into `SourceText`s, and store each
`ComposedDraft` with its sentences and their sources (generation/services.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
    # Guardrail findings on this sentence alone (generation.guardrails.Finding dicts).
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ComposedDraft:
    """One variant: its sentences in order, and what the ranking needs."""

    sentences: list[ComposedSentence]
    language: str
    # Share (0..1) of the top ideas' points that a sentence of this draft realises.
    coverage: float
    # Findings on the whole text (generation.guardrails.check_draft).
    findings: list[dict[str, Any]] = field(default_factory=list)
    perplexity: float | None = None
    prompt_tokens: int = 0
    new_tokens: int = 0

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences if s.text)
