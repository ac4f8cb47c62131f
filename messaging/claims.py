"""What a personalised line claims about its recipient, parsed and matched
against that recipient's facts. Pure: no ORM, no torch.

A line is read clause by clause, and every clause must be one the grammar
below knows; a clause it cannot read might state anything, so it fails the
line, as does any claim that does not match a fact:

- **relation**: what the person did ("you suggested X", "you voted for X",
  "you discussed X", "thank you for voting for X", "the X you suggested").
  The action must be the fact's relation, and X must name one of their
  ideas of that relation.
- **product**: what the product now has ("the P now has it / X",
  "it is now on the P", "X made it into the P"). P must be the campaign's
  product; "it" must point back to an idea the line has already matched,
  and a named X must be one of the person's (adopted) ideas.
- **frame**: words that state no personal fact ("thank you", "the P you
  helped shape is here"); those that say the product launched only on a
  launch, those that thank for a vote or an idea only someone who did so.

An idea is named when the words naming it carry the idea's feature: the
same content words as its title, in the same order (stems compared,
articles, pronouns and linking prepositions aside), no fewer ("a phone" for "Hip-belt pocket for a
phone" narrows it) and no more ("quiet buckles and a rain cover" adds one).
A quoted name must be the title itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.text import CJK_RE, phrase_pattern
from generation.guardrails.words import stem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

AUTHORED, VOTED, DISCUSSED = "authored", "voted", "discussed"
LAUNCH = "launch"


@dataclass(frozen=True)
class Person:
    """The facts a claim is matched against (messaging.lines.Facts has them)."""

    product: str
    campaign: str
    occasion: str
    ideas: dict[str, tuple[str, ...]]  # relation -> titles

    def titles(self) -> list[str]:
        return [t for titles in self.ideas.values() for t in titles]

    def names(self) -> list[str]:
        """What a line may quote as written: the campaign's names and the person's idea titles."""
        return [self.product, self.campaign, *self.titles()]


def without_names(text: str, names: Iterable[str]) -> str:
    """`text` with each of `names` taken out: what is left is the line's own
    words, whose script says the line's language ("Quiet buckles" quoted in a
    Chinese line keeps its English). Longest first, so a product named inside
    a title goes with the title."""
    for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        text = phrase_pattern(name).sub(" ", text)
    return text


# --- naming an idea ------------------------------------------------------------------------------

# Words that carry no feature: articles, pronouns, auxiliaries, linking
# prepositions, intensifiers. Prepositions that place or negate a feature
# ("above", "under", "without") are not here: they change what it is.
STOPWORDS = frozenset(
    """a an the this that these those it its they them their which who whom whose
    i me my mine you your yours we us our ours he she his her
    is are was were be been being am do does did have has had can could will would should may might
    for of with to in on at by from as and or
    so such very really actually just still even also too quite please own""".split()
)
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_QUOTED_RE = re.compile(r"^[\"“”‘’'「『](.+?)[\"“”‘’'」』]$")
_NOT_RE = re.compile(r"(?<=\w)n['’]t\b", re.I)
_IRREGULAR_NOT = {"can't": "can not", "won't": "will not", "can’t": "can not", "won’t": "will not"}
_LIST_SEP_RE = re.compile(r",\s*(?:and\s+)?|\s+and\s+", re.I)


def _squeezed(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _content(text: str) -> list[str]:
    """The words of a name that carry its feature, in order."""
    lowered = text.casefold()
    for short, long in _IRREGULAR_NOT.items():
        lowered = lowered.replace(short, long)
    lowered = _NOT_RE.sub(" not", lowered)
    return [w for w in _TOKEN_RE.findall(lowered.replace("-", " ")) if w not in STOPWORDS]


def names_idea(words: str, title: str) -> bool:
    """Whether `words` name the idea `title` with its whole feature and nothing more."""
    quoted = _QUOTED_RE.match(words.strip())
    if quoted:
        return _squeezed(quoted.group(1)) == _squeezed(title)
    if CJK_RE.search(words) or CJK_RE.search(title):
        return _squeezed(words) == _squeezed(title)
    named, feature = _content(words), _content(title)
    if not named:
        return False
    # In order: "a phone with a pocket" is not "Pocket for a phone".
    if [stem(w) for w in named] == [stem(w) for w in feature]:
        return True
    # "leakproof lid" for "Leak-proof lid": the same words, joined differently.
    return "".join(named) == "".join(feature)


def _matched_titles(words: str, titles: Iterable[str]) -> list[str] | None:
    """The titles `words` name: one idea, or a list of ideas ("X and Y"),
    each item naming one whole; None if any part names none."""
    titles = list(titles)
    whole = [t for t in titles if names_idea(words, t)]
    if whole:
        return whole[:1]
    items = [i for i in _LIST_SEP_RE.split(words) if i.strip()]
    if len(items) < 2:
        return None
    matched = []
    for item in items:
        found = [t for t in titles if names_idea(item, t)]
        if not found:
            return None
        matched.append(found[0])
    return matched


# --- the grammar ----------------------------------------------------------------------------------

_VERBS = {
    AUTHORED: r"suggested|proposed|submitted|came up with|asked for|requested|thought of",
    VOTED: r"voted for|backed|supported|upvoted",
    DISCUSSED: r"discussed|commented on|talked about|weighed in on",
}
_GERUNDS = {
    AUTHORED: r"suggesting|proposing|submitting|coming up with|asking for|requesting",
    VOTED: r"voting for|backing|supporting|upvoting",
    DISCUSSED: r"discussing|commenting on|talking about|weighing in on",
}
# "your idea" thanks the author, "your vote" the voter.
_NOUNS = {
    AUTHORED: r"idea|ideas|suggestion|suggestions|proposal|proposals",
    VOTED: r"vote|votes|support",
    DISCUSSED: r"comment|comments|feedback",
}


def _alternatives(table: dict[str, str]) -> str:
    return "|".join(f"(?P<{relation}>{words})" for relation, words in table.items())


_NOW = r"(?:(?:now|finally|officially|already)\s+)?"
_LATER = r"(?:\s+(?:now|too|as well))?"
_HAS = r"(?:has|have|comes with|come with|features|includes|offers|got|gets)"
_IN = r"(?:in|on|into|part of|built into|available (?:in|on)|a part of|a feature of)"
_BE = r"(?:is|are|has been|have been|made it|went)"
_ANAPHORS = frozenset({"it", "them", "one", "they", "that", "this", "these", "those", "both", "both of them"})
_OPENERS_RE = re.compile(r"^(?:(?:and|so|now|plus|and now|so now)\s+)+", re.I)
_DOER = rf"^you\s+(?:have\s+|had\s+)?(?:{_alternatives(_VERBS)})\s+(?P<obj>.+)$"
_THANKS = r"(?:thank you|thanks)(?: so much| again)?"
_THANKS_FOR_DOING = rf"^{_THANKS} for (?:{_alternatives(_GERUNDS)}) (?P<obj>.+)$"
# Clause ends: a sentence end, ";", ":", a dash, or a comma or "and" that
# starts a new statement (", and the ...", " and it ...").
_CLAUSE_SPLIT_RE = re.compile(
    r"\s*(?:(?<=[.!?])\s+|[;:—–]\s*|\s-\s|,\s*(?:and|so|which|where)\s+|,\s+(?=(?:now\s+)?(?:the|it|they|we)\b)"
    r"|\s+and\s+(?=(?:now\s+)?(?:the|it|they|you)\b))\s*",
    re.I,
)
_SECOND_DOING_RE = re.compile(rf"\band\s+(?=(?:{'|'.join(_VERBS.values())})\b)", re.I)
_GREETINGS_RE = re.compile(r"^(?:great news|good news|hi|hello|hi there|hello there|guess what)$", re.I)


@dataclass(frozen=True)
class _Frame:
    pattern: str  # {product}, {campaign}: the campaign's names, escaped
    occasion: str | None = None  # true only on this occasion
    relation: str | None = None  # true only of someone with a fact of this relation


_FRAMES = (
    _Frame(rf"{_THANKS}"),
    _Frame(rf"{_THANKS} for (?:your (?:input|help|ideas and votes|time)|taking part|being part of this)"),
    _Frame(rf"{_THANKS} for helping(?: to)? shape (?:the )?{{product}}"),
    _Frame(rf"{_THANKS} for your (?:{_NOUNS[AUTHORED]})", relation=AUTHORED),
    _Frame(rf"{_THANKS} for your (?:{_NOUNS[VOTED]})", relation=VOTED),
    _Frame(rf"{_THANKS} for your (?:{_NOUNS[DISCUSSED]})", relation=DISCUSSED),
    _Frame(r"thanks to (?:you|your (?:input|help))"),
    _Frame(rf"thanks to your (?:{_NOUNS[AUTHORED]})", relation=AUTHORED),
    _Frame(rf"thanks to your (?:{_NOUNS[VOTED]})", relation=VOTED),
    _Frame(rf"thanks to your (?:{_NOUNS[DISCUSSED]})", relation=DISCUSSED),
    _Frame(r"you helped(?: to)? shape (?:the )?{product}"),
    _Frame(r"(?:the )?{product}(?: you helped(?: to)? shape)? is (?:now )?(?:here|out|available)", LAUNCH),
    _Frame(r"(?:the )?{product} (?:has )?(?:just )?launched", LAUNCH),
    _Frame(r"we are looking for volunteers to test the {product} prototype", "prototype_volunteers"),
    _Frame(r"the {campaign} campaign has closed", "campaign_closed"),
)
_PRODUCT_HAS = rf"^(?:the )?(?P<product>.+?) {_NOW}{_HAS} {_NOW}(?P<obj>.+?){_LATER}$"
_IS_IN_PRODUCT = rf"^(?P<obj>.+?) {_NOW}{_BE} {_NOW}{_IN} (?:the )?(?P<product>.+?){_LATER}$"
# "the X you voted for" / "X that you suggested": a name with the person's relation to it.
_RELATIVE = rf"^(?:the )?(?P<obj>.+?) (?:that |which )?you (?:{_alternatives(_VERBS)})$"
_YOUR = rf"^your (?:{_alternatives(_NOUNS)})(?:,| of| for|:)? (?P<obj>.+?),?$"
# Trailing words that say nothing checkable: "thanks to you", "as you asked".
_TAIL_RE = re.compile(r",?\s+(?:thanks to you|as you asked|just as you asked|for you)$", re.I)

_ZH_VERBS = {
    AUTHORED: r"提出|建议|提议|想出",
    VOTED: r"投票支持|投票给|支持|投票",
    DISCUSSED: r"讨论|评论",
}
_ZH_FACT_RE = re.compile(
    rf"^你(?:{_alternatives(_ZH_VERBS)})(?:过)?的(?P<obj>[“\"「『].+?[”\"」』])"
    r"(?:已经|现在|如今)?(?:用在了|用在|加入了|被用在了|被用在|出现在|进入了)(?P<product>.+?)(?:上|中|里)?$"
)


@dataclass
class _Reading:
    """What the clauses read so far have established."""

    person: Person
    findings: list[Finding]
    matched: list[str]  # ideas of the person the line has named, in order

    def fail(self, code: str, message: StrOrPromise) -> None:
        self.findings.append(make_finding(code, SEVERITY_HIGH, message))


_RELATION_MESSAGES = {
    AUTHORED: _("The line says the person suggested an idea they did not."),
    VOTED: _("The line says the person voted for an idea they did not."),
    DISCUSSED: _("The line says the person discussed an idea they did not."),
}
_UNREADABLE = _("The line says something the check cannot match to a fact.")


def _relation_of(match: re.Match[str]) -> str:
    return next(r for r in (AUTHORED, VOTED, DISCUSSED) if match.groupdict().get(r))


def _relation_claim(reading: _Reading, relation: str, words: str) -> None:
    """The person did `relation` to the ideas `words` name."""
    person = reading.person
    words = _strip_product_tail(words, person)
    titles = _matched_titles(words, person.ideas.get(relation, ()))
    if titles is not None:
        reading.matched.extend(titles)
    elif _matched_titles(words, person.titles()) is not None or not person.ideas.get(relation):
        reading.fail("false_relation", _RELATION_MESSAGES[relation])
    else:
        reading.fail("unmatched_idea", _("The line names an idea otherwise than the person's idea reads."))


def _strip_product_tail(words: str, person: Person) -> str:
    """ "quiet buckles for the Ridgeline 30L": the product is where the idea went, not part of it."""
    tail = re.compile(rf"\s+(?:for|on|in|to) (?:the )?{re.escape(person.product)}$", re.I)
    return tail.sub("", words)


def _product_named(reading: _Reading, name: str) -> bool:
    if _squeezed(re.sub(r"^the\s+", "", name, flags=re.I)) == _squeezed(reading.person.product):
        return True
    reading.fail("wrong_product", _("The line names another product than the campaign's."))
    return False


def _has_object(reading: _Reading, words: str) -> None:
    """The product has `words`: what the line named before ("it"), or one of the person's ideas."""
    if words.casefold() in _ANAPHORS:
        if not reading.matched:
            reading.fail("unparsed", _UNREADABLE)
        return
    for pattern in (_RELATIVE, _YOUR):
        found = re.match(pattern, words, re.I)
        if found:
            _relation_claim(reading, _relation_of(found), found.group("obj"))
            return
    titles = _matched_titles(words, reading.person.titles())
    if titles is None:
        reading.fail("unmatched_idea", _("The line names a feature that is not one of the person's ideas."))
    else:
        reading.matched.extend(titles)


def _frame(reading: _Reading, clause: str) -> bool:
    person = reading.person
    names = {"product": re.escape(person.product), "campaign": re.escape(person.campaign)}
    for frame in _FRAMES:
        if re.fullmatch(frame.pattern.format(**names), clause, re.I):
            if frame.occasion and frame.occasion != person.occasion:
                reading.fail("wrong_occasion", _("The line says something this occasion does not."))
            if frame.relation and not person.ideas.get(frame.relation):
                reading.fail("false_relation", _RELATION_MESSAGES[frame.relation])
            return True
    return bool(_GREETINGS_RE.match(clause))


def _english_clause(reading: _Reading, clause: str) -> None:
    if _frame(reading, clause):
        return
    doer = re.match(_DOER, clause, re.I) or re.match(_THANKS_FOR_DOING, clause, re.I)
    if doer:
        _relation_claim(reading, _relation_of(doer), doer.group("obj"))
        return
    # "it is now on the P" before "the P has it": "has" may sit inside an idea's name.
    for pattern in (_IS_IN_PRODUCT, _PRODUCT_HAS):
        found = re.match(pattern, clause, re.I)
        if found:
            if _product_named(reading, found.group("product")):
                _has_object(reading, found.group("obj"))
            return
    reading.fail("unparsed", _UNREADABLE)


def _chinese_clause(reading: _Reading, clause: str) -> None:
    found = _ZH_FACT_RE.match(clause)
    if found is None:
        reading.fail("unparsed", _UNREADABLE)
        return
    if _product_named(reading, found.group("product")):
        _relation_claim(reading, _relation_of(found), found.group("obj"))


def _expanded(line: str) -> str:
    """One form for the grammar: "it's" as "it is", "they're" as "they are",
    "you suggested X and voted for Y" as "... and you voted for Y"."""
    line = re.sub(r"\b(it|that|this|there)['’]s\b", r"\1 is", line, flags=re.I)
    line = re.sub(r"\b(they|you|we)['’]re\b", r"\1 are", line, flags=re.I)
    return _SECOND_DOING_RE.sub("and you ", line)


def claim_findings(text: str, person: Person, *, approved: Iterable[str] = ()) -> list[Finding]:
    """A finding for each claim of `text` that is not a fact of `person`, and
    for each part that states something the grammar cannot read. `approved`
    lines (the occasion's template) are true of everyone in the audience.
    The line is read with the Chinese grammar when its own words, the names
    it quotes aside, are Chinese."""
    line = text.strip()
    if any(line == a.strip() for a in approved):
        return []
    reading = _Reading(person=person, findings=[], matched=[])
    if CJK_RE.search(without_names(line, person.names())):
        for clause in re.split(r"[。！!；;，,]+", line):
            if clause.strip():
                _chinese_clause(reading, clause.strip())
        return reading.findings
    for clause in _CLAUSE_SPLIT_RE.split(_expanded(line)):
        clause = _TAIL_RE.sub("", _OPENERS_RE.sub("", clause.strip().rstrip(".!?,"))).strip()
        if clause:
            _english_clause(reading, clause)
    if not line:
        reading.fail("unparsed", _UNREADABLE)
    return reading.findings
