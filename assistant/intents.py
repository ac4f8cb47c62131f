"""What a shopper's question asks for, and whether a text states it.

A passage can share a question's words without answering it: "How much will
the Ridgeline cost?" and the FAQ entry saying the Ridgeline is not on sale
yet share the product, not the price. So a question is read for the
attributes it asks about (price, shipping, returns, stock, size, ...) with
small bilingual cue lists, and a passage may answer it only when it states
every one of them; a sentence is quoted only when it states one.

Cues for one intent are synonyms of each other ("包邮", "免运费",
"shipping"; "send it back", "return", "退"), so matching on intents is
also what makes a paraphrase find its passage. The lists, the other
synonyms and the places live in intents.json, one file for all languages.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import jieba.posseg

from assistant.places import cities_in
from generation.guardrails.text import CJK

DATA = Path(__file__).with_name("intents.json")
PRODUCT = "product"
POLICY = "policy"
# "..." in a cue: up to this many words between its two halves ("send it back").
GAP_WORDS = 3
_CJK_RE = re.compile(f"[{CJK}]")


@dataclass(frozen=True)
class Cues:
    """Cues found by a pattern, and one-character Chinese cues ("修", "退",
    "洗") found only as a word of their own: "修" asks for a repair in
    "可以修吗", not in "修改订单"."""

    pattern: re.Pattern[str]
    characters: frozenset[str]

    @classmethod
    def of(cls, cues: list[str], patterns: tuple[str, ...] = ()) -> Cues:
        single = [c for c in cues if len(c) == 1 and _CJK_RE.match(c)]
        rest = [c for c in cues if c not in single]
        return cls(re.compile(_cues_pattern(rest, patterns)), frozenset(single))

    def search(self, lowered: str) -> bool:
        return bool(self.pattern.search(lowered)) or bool(self.characters & _present_words(lowered))

    def remove(self, lowered: str) -> str:
        lowered = self.pattern.sub(" ", lowered)
        if not self.characters & set(chinese_words(lowered)):
            return lowered
        return "".join(" " if w in self.characters else w for w in chinese_words(lowered, whole=True))


@dataclass(frozen=True)
class Intent:
    name: str
    scope: str  # PRODUCT: a fact of one product; POLICY: a rule for all; "modifier": "how long"
    required: bool  # False: ranks passages, need not be stated
    needs_product: bool  # a fact of one item: unanswerable for a question naming none
    about_item: bool  # whether the item is sold or in stock at all
    ask: Cues
    values: Cues  # a value of the attribute named ("steel"): asks only when nothing else is asked
    subsumes: frozenset[str]  # intents that asking this one asks already
    # Rules this one is the more specific of, asked together: a passage on
    # delivery does not say who pays for a return's postage.
    outranks: frozenset[str]
    # Phrases that ask this intent alone, though they hold another's cue: "return postage".
    compounds: Cues
    state: Cues
    expansion: tuple[str, ...]  # cue words added to a retrieval query asking for it


@lru_cache(maxsize=1024)
def _segmented(text: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return tuple(jieba.lcut(text, HMM=False))


def chinese_words(text: str, *, whole: bool = False) -> tuple[str, ...]:
    """The text as jieba's words (`whole`: all of it, Latin and spaces too,
    so that joining them gives the text back); none without Chinese."""
    if not _CJK_RE.search(text):
        return (text,) if whole else ()
    return _segmented(text)


@lru_cache(maxsize=4096)
def names_a_thing(word: str) -> bool:
    """Whether jieba's dictionary tags a Chinese word as a noun of some kind
    (or a verbal noun, or a Latin word among Chinese)."""
    return any(pair.flag.startswith(("n", "vn", "eng")) for pair in jieba.posseg.cut(word, HMM=False))


# Aspect particles after a verb: the act is done ("买了", "用过"), it is not
# being asked for; unless the question ends there ("有卖了吗": is it sold now?).
_DONE_PARTICLES = frozenset("了过")
_QUESTION_ENDS = frozenset({"吗", "呢", "吧", "？", "?", "。", ""})


def _present_words(lowered: str) -> set[str]:
    """jieba's words of a text, less a one-character verb of a finished act:
    "买" asks whether something is sold in "能买吗" and "有卖了吗", not in
    "礼品卡买了能用多久"."""
    words = [*chinese_words(lowered), "", ""]
    return {
        w
        for w, after, then in zip(words, words[1:], words[2:], strict=False)
        if w and not (after in _DONE_PARTICLES and then not in _QUESTION_ENDS)
    }


def _latin_cue(cue: str) -> str:
    pattern = ""
    for word in cue.lower().split():
        if word == "...":
            pattern += rf"(?:\s+\S+){{0,{GAP_WORDS}}}?"
            continue
        piece = re.escape(word.rstrip("*")) + ("[a-z]*" if word.endswith("*") else "")
        pattern += (r"[\s-]+" if pattern else "") + piece
    return pattern


def _cues_pattern(cues: list[str], patterns: tuple[str, ...] = ()) -> str:
    """One pattern for many cues (in their order), so a text is read once."""
    latin = [_latin_cue(c) for c in cues if not _CJK_RE.search(c)]
    parts = [re.escape(c) for c in cues if _CJK_RE.search(c)] + list(patterns)
    if latin:
        # Whole words: "free" is not the end of "BPA-free", "card" is not "cardigan".
        parts.insert(0, rf"(?<![a-z0-9-])(?:{'|'.join(latin)})(?![a-z0-9])")
    return "|".join(f"(?:{p})" for p in parts) or r"(?!)"


@cache
def _data() -> dict[str, object]:
    data: dict[str, object] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


@cache
def intents() -> dict[str, Intent]:
    raw = _data()["intents"]
    assert isinstance(raw, dict)
    out = {}
    for name, spec in raw.items():
        both = list(spec.get("both", []))
        values = sorted(spec.get("values", []), key=len, reverse=True)
        # Longest first, so that taking cues out of a question takes "warranty cover" whole.
        compounds = list(spec.get("compounds", []))
        asks = sorted(both + compounds + list(spec.get("ask", [])), key=len, reverse=True)
        states = sorted(both + values + list(spec.get("state", [])), key=len, reverse=True)
        out[name] = Intent(
            name=name,
            scope=spec["scope"],
            required=spec.get("required", True),
            needs_product=spec.get("needs_product", False),
            about_item=spec.get("about_item", False),
            ask=Cues.of(asks, tuple(spec.get("ask_patterns", []))),
            values=Cues.of(values),
            subsumes=frozenset(spec.get("subsumes", [])),
            compounds=Cues.of(compounds),
            outranks=frozenset(spec.get("outranks", [])),
            state=Cues.of(states, tuple(spec.get("state_patterns", []))),
            expansion=tuple(c.replace("*", "") for c in states if "..." not in c),
        )
    return out


def asked(text: str) -> frozenset[str]:
    """The intents a question asks about: by their cues, or else by a value
    it names ("is it BPA-free?" asks for the material, "is the steel mug
    dishwasher safe?" for the dishwasher only); less those another asked
    intent takes in (the washing of "能放洗碗机里洗吗"). A compound asks for
    its own intent only: "return postage" asks about returns, not shipping."""
    lowered = text.lower()
    named = {i.name for i in intents().values() if i.compounds.search(lowered)}
    for intent in intents().values():
        lowered = intent.compounds.remove(lowered)
    named |= {i.name for i in intents().values() if i.ask.search(lowered)}
    if not named:
        named = {i.name for i in intents().values() if i.values.search(lowered)}
    subsumed = {s for n in named for s in intents()[n].subsumes}
    return frozenset(named - subsumed)


# Texts whose intents a process remembers: retrieval asks again for the
# same passages, question after question.
STATED_CACHE_TEXTS = 8192


@lru_cache(maxsize=STATED_CACHE_TEXTS)
def stated(text: str) -> frozenset[str]:
    """The intents a passage or sentence states."""
    lowered = text.lower()
    return frozenset(i.name for i in intents().values() if i.state.search(lowered))


def must_state(names: frozenset[str]) -> frozenset[str]:
    """Of the intents asked, those a passage must state, every one, to
    answer: the modifiers ("how long"), and a product's facts unless a rule
    is asked about ("can I swap it for another size?" asks about returns)."""
    kept = [n for n in names if intents()[n].required and intents()[n].scope != POLICY]
    if topics(names):
        kept = [n for n in kept if intents()[n].scope != PRODUCT]
    return frozenset(kept)


def topics(names: frozenset[str]) -> frozenset[str]:
    """Of the intents asked, the brand's rules (returns, shipping, payment):
    "can I return it, and is return shipping free?" is answered by a passage
    stating one of them; not one another asked rule outranks ("return
    shipping" is answered by the returns rule, not by delivery times)."""
    return _rules(names) - outranked(names)


def _rules(names: frozenset[str]) -> frozenset[str]:
    return frozenset(n for n in names if intents()[n].required and intents()[n].scope == POLICY)


def ranking(names: frozenset[str]) -> frozenset[str]:
    """The intents asked that no passage must state, yet a sentence stating
    one says more: rules another outranks ("Return shipping is free") and
    the optional ones ("where" of "你们的货是从哪里发出的")."""
    return outranked(names) | frozenset(n for n in names if not intents()[n].required)


def outranked(names: frozenset[str]) -> frozenset[str]:
    """The rules asked that another asked rule outranks: not needed, yet a
    sentence stating one says more ("Return shipping is free")."""
    rules = _rules(names)
    return frozenset(o for n in rules for o in intents()[n].outranks if o in rules)


def brand_wide(names: frozenset[str]) -> bool:
    """Whether any of the intents is one of the brand's rules or places
    (shipping, returns, its warehouse), required or not."""
    return any(intents()[n].scope == POLICY for n in names)


def stated_enough(asked_names: frozenset[str], text: str) -> bool:
    """Whether a passage states what a question asks: every product fact and
    modifier asked, and one of the rules asked if any."""
    stated_names = stated(text)
    rules = topics(asked_names)
    return must_state(asked_names) <= stated_names and (not rules or bool(rules & stated_names))


def needs_product(names: frozenset[str]) -> bool:
    """Whether any of the intents is a fact of one item ("how much is it?"),
    which says nothing without the item."""
    return any(intents()[n].needs_product for n in names)


def about_item(names: frozenset[str]) -> bool:
    """Whether any of the intents asks whether an item is sold or in stock at
    all ("do you sell cutlery sets?"): the item itself is what is asked."""
    return any(intents()[n].about_item for n in names)


def product_scoped(names: frozenset[str]) -> bool:
    """Whether any of the intents is a fact of one product (its price, its
    colours), which a passage about another product or about the brand in
    general does not answer."""
    return any(intents()[n].scope == PRODUCT for n in names)


def expansion(names: frozenset[str]) -> list[str]:
    """Cue words of the intents, to add to a retrieval query."""
    return [cue for n in sorted(names) for cue in intents()[n].expansion]


def without_cues(text: str, names: frozenset[str]) -> str:
    """The question less its intents' cues: what is left names its subject.
    The cues go in the order of intents.json, never in the set's order: one
    cue taken out first can leave another nothing to take ("寄回来" less
    returns' 寄回 or less shipping's 寄), and a set's order changes with the
    process's hash seed, so the same question would be read differently by
    two workers."""
    lowered = text.lower()
    for intent in intents().values():
        if intent.name in names:
            lowered = intent.values.remove(intent.ask.remove(lowered))
    return lowered


@dataclass(frozen=True)
class Term:
    """A word or place a question names, found in a passage by any of its forms."""

    forms: tuple[str, ...]
    pattern: re.Pattern[str]  # finds the term in a question

    @classmethod
    def of(cls, names: list[str], forms: list[str]) -> Term:
        # Longest first, so "保温杯" is taken whole before "杯".
        alternatives = sorted(names, key=len, reverse=True)
        return cls(tuple(f.replace("*", "") for f in forms), re.compile(_cues_pattern(alternatives)))


@cache
def synonyms() -> tuple[Term, ...]:
    """Words that stand for each other in a question and a passage."""
    groups = _data()["synonyms"]
    assert isinstance(groups, list)
    # A form with a gap ("minimum ... spend") finds the term in a question only.
    return tuple(Term.of(group, [f for f in group if "..." not in f]) for group in groups)


@cache
def places() -> tuple[Term, ...]:
    """Countries; a passage naming a region one lies in (or outside of)
    speaks about it too: "rest of Europe" for Germany, "outside Europe" for
    Canada."""
    raw = _data()["places"]
    assert isinstance(raw, dict)
    return tuple(Term.of(c["names"], [*c["names"], *_region_forms(c["in"])]) for c in raw["countries"])


def _region_forms(regions: list[str]) -> list[str]:
    """Every form of the regions named ("europe", "outside the eu")."""
    raw = _data()["places"]
    assert isinstance(raw, dict)
    return [form for region in regions for form in raw["regions"][region]]


def places_in(
    text: str, known: Callable[[str], bool] = lambda name: False
) -> list[tuple[tuple[int, int], Term]]:
    """The countries a text names, and its cities as their country
    (assistant/places.py), with their spans, first found first. A city that
    is `known` (the brand writes it: "our warehouse in Bergen") is the
    brand's place, a name, not a country; nor is a word of the synonym lists."""
    found = find(places(), text.lower())
    taken = [span for span, _term in [*found, *find(synonyms(), text.lower())]]
    for span, city in cities_in(text, chinese_words):
        if not known(city.name) and not any(start < span[1] and span[0] < end for start, end in taken):
            found.append((span, _city_term(city.name.lower(), city.country, city.in_europe)))
    return sorted(found, key=lambda item: item[0])


def known_cities_in(text: str, known: Callable[[str], bool]) -> list[str]:
    """The cities a text names that the brand writes itself ("Bergen", where
    its warehouse is), as written: names, not countries, yet they say where."""
    return [text[start:end] for (start, end), city in cities_in(text, chinese_words) if known(city.name)]


@lru_cache(maxsize=1024)
def _city_term(name: str, country: str, in_europe: bool) -> Term:
    """A city found by its own name, its country's forms and the regions
    those take in; a country intents.json does not list, by its continent."""
    country = country.removeprefix("the ")  # GeoNames' "The Netherlands"
    listed = next((term for term in places() if country in term.forms), None)
    if listed is not None:
        return Term.of([name], [name, *listed.forms])
    around = ["europe"] if in_europe else ["outside europe", "outside the eu"]
    return Term.of([name], [name, country, *_region_forms(around)])


def find(terms: tuple[Term, ...], text: str) -> list[tuple[tuple[int, int], Term]]:
    """The terms a lower-case text names, with their spans, first found first."""
    found = [(m.span(), term) for term in terms for m in term.pattern.finditer(text)]
    return sorted(found, key=lambda item: item[0])
