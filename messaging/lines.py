"""Personalised lines: what a message says to one person, from facts true of
that person only. Pure: no ORM, no torch.

- In a language the model writes, the model writes one sentence from the
  person's facts (their adopted ideas, the adopted ideas they voted for);
  the sentence is verified with the grounded-drafting sentence checks
  against those facts alone, and every claim it makes (what the person did,
  to which idea, what the product now has) must match one of their facts
  (messaging.claims). Any line that fails falls back to the occasion's
  approved template line.
- In a language the model does not write, the line is the language's
  template filled with the person's facts, read by the same claim check.

Templates are message text in the recipient's language, not interface
strings: they do not follow the reader's session language, so they are not
gettext messages (like generation/drafting/languages.py's frames).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from generation import guardrails
from generation.drafting.verify import blocking
from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.prompts import quote
from messaging import claims

# One sentence: the model stops after 20-35 tokens; a batch decodes until its
# longest row stops, so a cap keeps one run-on row from costing every row.
LINE_MAX_NEW_TOKENS = 40
LINE_MAX_WORDS = 35
# The facts named in one prompt: a person with many adopted ideas is thanked
# for the first few; more would make the sentence a list.
FACTS_IN_PROMPT = 2
# An idea title as quoted in a prompt: titles are short; this cuts a pasted essay.
IDEA_QUOTE_CHARS = 120
GREEDY = 0.0
NO_REPETITION_PENALTY = 1.0
# The sentence checks' language finding, replaced by one on the line's own words.
WRONG_LANGUAGE = "wrong_language"

AUTHORED, VOTED, DISCUSSED, GENERIC = claims.AUTHORED, claims.VOTED, claims.DISCUSSED, "generic"


@dataclass(frozen=True)
class Facts:
    """What is true of one recipient, as the line may state it."""

    language: str
    product: str
    campaign: str
    brand: str
    occasion: str
    authored: tuple[str, ...] = ()  # titles of their adopted ideas
    voted: tuple[str, ...] = ()  # titles of adopted ideas they voted for
    discussed: tuple[str, ...] = ()  # titles of adopted ideas they commented on
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return AUTHORED if self.authored else VOTED if self.voted else GENERIC

    def sources(self) -> list[str]:
        return list(dict.fromkeys([*self.authored, *self.voted, *self.discussed]))

    def person(self) -> claims.Person:
        ideas = {AUTHORED: self.authored, VOTED: self.voted, DISCUSSED: self.discussed}
        return claims.Person(self.product, self.campaign, self.occasion, ideas)

    def names(self) -> list[str]:
        """What a line quotes as written, in whatever language it was written."""
        return [self.brand, *self.person().names()]

    def support(self) -> list[str]:
        """The brand's names, its approved lines in the person's language (the
        occasion's, and the template of each relation the person has), and
        the words that say how the person took part: only the relations true
        of them, so "you voted" ("投票") is invented for an author who did not
        vote, on top of the claim check."""
        relations = [r for r, ideas in self.person().ideas.items() if ideas]
        templates = _in_language(FACT_LINES, self.language)
        own = [templates[r].format(idea="", product=self.product) for r in relations if r in templates]
        words = [RELATION_WORDS[r] for r in relations]
        return [self.product, self.campaign, self.brand, FRAME_WORDS, occasion_line(self), *own, *words]


# Words of a thank-you line that are not features: the sentence checks take
# them as the brand's own words (support).
FRAME_WORDS = (
    "thank you, thanks, helped shape, now has it, has them, is here, made it into, your input, we built"
)
RELATION_WORDS = {
    AUTHORED: "you suggested, proposed, your idea",
    VOTED: "you voted for, backed, supported",
    DISCUSSED: "you discussed, commented on",
}

# {product}, {campaign}: the campaign's names. The approved template line of
# each occasion: no personal fact, so it is true of everyone in the audience.
OCCASION_LINES: dict[str, dict[str, str]] = {
    "en": {
        "launch": "The {product} you helped shape is here.",
        "prototype_volunteers": "We are looking for volunteers to test the {product} prototype.",
        "campaign_closed": "The {campaign} campaign has closed; thank you for taking part.",
        "thank_you_reward": "Thank you for helping shape the {product}.",
    },
    "zh-hans": {
        "launch": "你参与塑造的{product}已经上市。",
        "prototype_volunteers": "我们正在招募志愿者试用{product}的原型。",
        "campaign_closed": "“{campaign}”活动已结束，感谢你的参与。",
        "thank_you_reward": "感谢你帮助塑造{product}。",
    },
}
# {idea}: one of the recipient's facts. For languages the model does not write.
FACT_LINES: dict[str, dict[str, str]] = {
    "en": {
        AUTHORED: "You suggested “{idea}”, and the {product} has it.",
        VOTED: "You voted for “{idea}”, and the {product} has it.",
    },
    "zh-hans": {
        AUTHORED: "你提出的“{idea}”已经用在了{product}上。",
        VOTED: "你投票支持的“{idea}”已经用在了{product}上。",
    },
}
DEFAULT_LANGUAGE = "en"

SYSTEM = (
    "You write one short, friendly sentence to a community member of a brand. "
    "Use only the facts given. Do not add features, numbers, prices or promises. "
    # The claim check matches an idea by its title's words: a paraphrase falls back.
    "Name each idea in its own words."
)
_EXAMPLE_USER = 'Product: Commuter lunch box. Fact: you suggested "Leak-proof lid". Write one sentence.'
_EXAMPLE_ANSWER = "You suggested a leak-proof lid, and the Commuter lunch box now has one."


def _in_language(table: dict[str, dict[str, str]], language: str) -> dict[str, str]:
    """A table's templates in `language`, or in the default language where it has none."""
    return table.get(language, table[DEFAULT_LANGUAGE])


def occasion_line(facts: Facts) -> str:
    lines = _in_language(OCCASION_LINES, facts.language)
    return lines[facts.occasion].format(product=facts.product, campaign=facts.campaign)


def template_line(facts: Facts) -> str:
    """The language template filled with the person's first fact, or the
    occasion line for someone with none."""
    if facts.kind == GENERIC:
        return occasion_line(facts)
    lines = _in_language(FACT_LINES, facts.language)
    idea = (facts.authored or facts.voted)[0]
    return lines[facts.kind].format(idea=idea, product=facts.product)


def _quoted(title: str) -> str:
    return f'"{quote(title, names=(), limit=IDEA_QUOTE_CHARS)}"'


def prompt(facts: Facts) -> list[dict[str, str]]:
    """One chat prompt; the ideas are community text, quoted as data."""
    if facts.authored:
        fact = "; ".join(f"you suggested {_quoted(t)}" for t in facts.authored[:FACTS_IN_PROMPT])
    else:
        fact = "; ".join(f"you voted for {_quoted(t)}" for t in facts.voted[:FACTS_IN_PROMPT])
    user = f"Product: {facts.product}. Fact: {fact}. Write one sentence."
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": _EXAMPLE_USER},
        {"role": "assistant", "content": _EXAMPLE_ANSWER},
        {"role": "user", "content": user},
    ]


def clean(text: str) -> str:
    """The model's answer as one line: its first non-empty line, unquoted."""
    line = next((line.strip() for line in text.strip().splitlines() if line.strip()), "")
    return line.strip("\"'“” ")


def claim_findings(text: str, facts: Facts) -> list[Finding]:
    """Each claim of the line that is not one of the person's facts."""
    return claims.claim_findings(text, facts.person(), approved=[occasion_line(facts)])


def line_findings(text: str, facts: Facts) -> list[Finding]:
    """Every check a line must pass: the drafting sentence checks against the
    person's own facts, and every claim it makes matched to one of them.

    The language is judged on the line's own words: a name it quotes keeps
    the language it was written in (an English idea title in a Chinese
    line), and in a short line the names could outweigh the rest."""
    findings = [
        *guardrails.check_language(claims.without_names(text, facts.names()), facts.language),
        *(
            finding
            for finding in guardrails.check_sentence(
                text, sources=facts.sources(), support=facts.support(), language=facts.language
            )
            if finding["code"] != WRONG_LANGUAGE
        ),
    ]
    if not text.strip():
        findings.append(make_finding("empty", SEVERITY_HIGH, _("The model returned no text.")))
    if guardrails.word_count(text) > LINE_MAX_WORDS:
        findings.append(make_finding("too_long", SEVERITY_HIGH, _("The line is longer than one sentence.")))
    return findings + claim_findings(text, facts)


def sendable(text: str, facts: Facts, *, model_languages: Collection[str]) -> bool:
    """Whether `text` passes what a line to this person must pass: in a
    language the model writes, every check a model's line gets; in another,
    the claim check a template gets."""
    checks = line_findings if facts.language in model_languages else claim_findings
    return not blocking(checks(text, facts))


@dataclass(frozen=True)
class Line:
    text: str
    origin: str  # Recipient.LineOrigin
    findings: list[Finding]


def choose(written: str | None, facts: Facts, *, model_languages: Collection[str]) -> Line:
    """The line a recipient gets: the model's if it passes every check, else
    the approved template; the language template where the model does not write."""
    if facts.language not in model_languages or facts.kind == GENERIC:
        # The template's own words are approved; its claims are still read,
        # so an idea title that breaks the sentence cannot make it say more.
        text = template_line(facts)
        if blocking(claim_findings(text, facts)):
            return Line(occasion_line(facts), "fallback", line_findings(text, facts))
        return Line(text, "template", line_findings(text, facts))
    text = clean(written or "")
    findings = line_findings(text, facts)
    if blocking(findings):
        return Line(occasion_line(facts), "fallback", findings)
    return Line(text, "model", findings)
