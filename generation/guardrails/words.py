"""Words as the content checks see them: tokens, frequencies, content words and stems.

Frequencies come from wordfreq (Zipf scale: 7 is "the", 3 a word seen once
per million words, 0 a word it has never seen); Chinese is segmented by jieba,
whose part-of-speech tags also tell names, places and organisations apart.
Neither downloads anything: both ship their data in the package.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba
import jieba.posseg
from wordfreq import zipf_frequency

from generation.guardrails.text import CJK, CJK_RE
from generation.guardrails.units import UNIT_OF, WORD_NUMBERS

# Words at least this frequent are function words or the commonest words of
# the language ("the", "with", "make", "great", "day"; "的", "我们", "需要"):
# they carry no checkable fact. Measured on copy words: product features and
# materials sit below it ("leather" 4.4, "seat" 4.8, "皮革" 3.8), generic verbs
# and adjectives partly above ("design" 5.2, "perfect" 5.2).
FUNCTION_WORD_ZIPF = 5.0
# Inside a feature slot (what follows "comes with", "has", "includes", 带,
# 配有, ...; see FEATURE_TRIGGERS) a word must be at least this frequent to
# pass unsupported. Measured on wordfreq's English list: the commonest
# concrete nouns that name a feature ("water", "car", "phone", "light",
# "cup", "door", "box"; 手机, 音乐) sit between FUNCTION_WORD_ZIPF and it;
# above it are articles, pronouns, prepositions and auxiliaries, the most
# general nouns ("thing", "place", "life", "home") and evaluative adjectives
# ("great", "big", "real"), none of which names a feature. The closed-class
# words below it are FEATURE_SLOT_DETERMINERS.
FEATURE_SLOT_ZIPF = 5.6
# Words of the copy of any product, which state no fact of their own
# ("comfortable", "adventure", "体验"): kept as data beside the other lexicons.
COPY_WORDS_PATH = Path(__file__).resolve().parent.parent / "data" / "copy_words.txt"
# Latin words compare by this many leading letters after their suffix is cut,
# a stemmer small enough to trust: "pockets" and "pocketed" meet "pocket".
STEM_CHARS = 6
# Stems this long may meet by one starting the other ("align", "alignm");
# shorter ones must be equal ("car" is not "carry").
PREFIX_MIN_CHARS = 5
_SUFFIXES = ("'s", "’s", "ies", "es", "s", "ing", "ed", "ly")
# Letters of one Latin word; an apostrophe or hyphen keeps a word whole.
LATIN_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_CJK_RUN_RE = re.compile(f"[{CJK}]+")
# jieba's tags for the kinds of Chinese words that can state a fact: nouns (n,
# nz other proper nouns, vn verbal nouns, an adjectival nouns), verbs (v: a
# feature is often one, 加热 "heats", 按摩 "massages"; the common ones are
# generic by frequency), idioms and abbreviations (l, j), and Latin words
# (eng); person (nr, nrfg, nrt), place (ns) and organisation (nt) names are
# names. Adjectives, adverbs, particles and numerals are not content words here.
_ZH_NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt"})
_ZH_CONTENT_TAGS = frozenset({"n", "nz", "v", "vn", "an", "l", "j", "ng", "nl", "eng"}) | _ZH_NAME_TAGS
# Tags of characters that never join a neighbour into a word: particles,
# prepositions, conjunctions, pronouns, adverbs, numerals, measure words,
# punctuation and interjections.
_ZH_FUNCTION_TAGS = frozenset(
    {"u", "uj", "ul", "uz", "ug", "uv", "ud", "p", "c", "r", "d", "m", "q", "x", "y", "e", "o", "f"}
)

# Words that introduce a feature: what follows them, up to a clause's end, is
# a feature slot. "with" covers "comes with", "equipped with", "fitted with";
# "built" counts only before "in" ("built-in"). Chinese: 带 "comes with", 配有
# "is fitted with", 内置 "built-in", 还有 "also has" and their kin.
FEATURE_TRIGGERS = frozenset(
    {
        "with",
        "has",
        "have",
        "had",
        "include",
        "includes",
        "included",
        "including",
        "feature",
        "features",
        "featured",
        "featuring",
        "offer",
        "offers",
        "offering",
        "add",
        "adds",
        "adding",
        "boast",
        "boasts",
        "boasting",
        "带",
        "带有",
        "配",
        "配有",
        "配备",
        "配置",
        "搭配",
        "附带",
        "附有",
        "附送",
        "内置",
        "内设",
        "自带",
        "具有",
        "具备",
        "设有",
        "拥有",
        "装有",
        "含有",
        "包含",
        "有",
        "还有",
        "更有",
    }
)
# Words that end an English feature slot: conjunctions, relative and
# subordinating words, prepositions (other than "of", inside the noun phrase:
# "a set of cups"), pronouns that start a clause, auxiliaries and the
# adverbs that stand between "has" and a participle ("has always been").
# A comma, a colon, a sentence end or a contraction ("can't", "it's") ends it too.
FEATURE_SLOT_ENDS = frozenset(
    "and or but nor so yet that which who whom whose where when while because as if than then "
    "to for in on at from by into onto over under through across around between during after before "
    "until since without within inside outside about like against along among toward towards via per "
    "it you i we they he she there here "
    "is are was were be been being am can could will would shall should may might must do does did "
    "not just also even too very really always never often already ever still once usually sometimes "
    "together again".split()
)
# Closed-class words that stand in a feature slot without naming anything
# and are rarer than FEATURE_SLOT_ZIPF: determiners, quantifiers, the
# indefinite pronouns and the words of identity ("the same", "different").
FEATURE_SLOT_DETERMINERS = frozenset(
    "these those each every both either neither several various enough few fewer many much own another "
    "same different such else lot lots plenty couple bit everything something nothing anything everyone "
    "someone".split()
)
# Irregular past participles: after "has", "have" or "had" ("has made",
# "have got") a participle is a verb, not a feature; after a noun ("liners
# made from wax", "a light called X") it starts a clause. Regular ones end in -ed.
_PARTICIPLES = frozenset(
    "made got gotten become come done gone kept found given taken brought put seen shown held left lost won "
    "built bought told said thought known heard felt grown run sold written chosen driven eaten fallen "
    "forgotten hidden ridden spoken worn torn broken frozen woven sewn drawn thrown blown flown begun "
    "paid laid meant met sent spent stood understood taught caught sought".split()
)
# Words after which a participle is an adjective inside the noun phrase
# ("a padded seat", "with padded straps", "two folded towels").
_NOUN_PHRASE_OPENERS = frozenset("a an the no your its my our their his her this that some any one".split())
# "and" or "or" followed by an indefinite article lists another feature ("a
# cup holder and a phone mount"); otherwise it starts a clause.
_SLOT_LIST_ARTICLES = frozenset({"a", "an"})
_HAVE = frozenset({"has", "have", "had"})
# "can't", "it's", "you'll": a pronoun or an auxiliary, which starts a clause.
_CONTRACTION_RE = re.compile(r"n['’]t$|^(?:it|you|i|we|they|he|she|that|there|here|what)['’]")
_SLOT_MARK_RE = re.compile(r"[,;:.!?。！？：；，、()\[\]\"“”—–]")
_LATIN_TOKEN_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|[.!?。！？:：]|[,;，；、()\[\]\"“”—–]")
_SENTENCE_STOP_RE = re.compile(r"[.!?。！？:：]")

jieba.setLogLevel(logging.WARNING)


def wordfreq_language(language: str) -> str:
    """The campaign's language code as wordfreq names it."""
    return "zh" if language.startswith("zh") else language.split("-")[0]


@cache
def zipf(word: str, language: str) -> float:
    return zipf_frequency(word, wordfreq_language(language))


@cache
def _copy_words() -> frozenset[str]:
    lines = COPY_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def stem(word: str) -> str:
    """ "hikes", "hiking", "hiked" and "hike" all make "hik"."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            # "carries" meets "carry".
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word.removesuffix("e")[:STEM_CHARS]


def base_forms(word: str) -> list[str]:
    """What an English word may be an inflection of: "placed" -> "place",
    "stopped" -> "stop", "lets" -> "let", "carries" -> "carry"."""
    forms = []
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith(("es", "ed")):
        forms += [word[:-2], word[:-1]]
    elif word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if word.endswith("ing"):
        forms += [word[:-3], word[:-3] + "e"]
    for suffix in ("ed", "ing"):
        # A doubled last consonant: "stopped", "shipping".
        stem_end = len(word) - len(suffix)
        if word.endswith(suffix) and stem_end >= 3 and word[stem_end - 1] == word[stem_end - 2]:
            forms.append(word[: stem_end - 1])
    return [f for f in forms if len(f) >= 2]


def _agent_bases(word: str) -> list[str]:
    """ "zippers" -> "zip", "holder" -> "hold", "charger" -> "charge"."""
    word = word.removesuffix("s")
    if not word.endswith("er") or len(word) < 5:
        return []
    base = word[:-2]
    undoubled = [base[:-1]] if base[-1] == base[-2] else []
    return [base, base + "e", *undoubled]


def is_generic(word: str, language: str, *, in_feature_slot: bool = False) -> bool:
    """A function word, a very common word or an inflection of one ("placed",
    "lets"), a unit or number word (figures are compared by value elsewhere)
    or a word of any product's copy. In a feature slot a word must be
    FEATURE_SLOT_ZIPF frequent, or a determiner, to count as common: there
    "cup" or "phone" names a feature."""
    lowered = word.lower()
    threshold = FEATURE_SLOT_ZIPF if in_feature_slot else FUNCTION_WORD_ZIPF
    return (
        zipf(lowered, language) >= threshold
        or (lowered.isascii() and any(zipf(f, language) >= threshold for f in base_forms(lowered)))
        or (in_feature_slot and lowered in FEATURE_SLOT_DETERMINERS)
        # "comes with", 配有: the construction that introduces a feature, not one.
        or lowered in FEATURE_TRIGGERS
        or lowered in UNIT_OF
        or lowered in WORD_NUMBERS
        or lowered in _copy_words()
        or stem(lowered) in _copy_stems()
        or (lowered.isascii() and lowered.endswith("ly"))
    )


@cache
def _copy_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in _copy_words() if w.isascii())


@dataclass(frozen=True)
class Word:
    text: str
    # "name": a person, place, organisation or brand (capitalised inside an
    # English sentence, unknown to the language, or tagged so in Chinese).
    name: bool


def _is_participle(word: str) -> bool:
    return word in _PARTICIPLES or (word.endswith("ed") and len(word) > 4)


def _opens_noun_phrase(word: str) -> bool:
    """Whether a participle after this word is an adjective: "a padded seat",
    "with padded straps", "two folded towels" (not "has made", "a light called")."""
    return (
        word in _NOUN_PHRASE_OPENERS
        or word in WORD_NUMBERS
        or (word in FEATURE_TRIGGERS and word not in _HAVE)
    )


def _latin_tokens(text: str) -> list[tuple[str, bool]]:
    """English words and marks, each word with whether it stands in a feature
    slot: after a FEATURE_TRIGGERS word, up to a FEATURE_SLOT_ENDS word, a
    participle that follows a noun or "has" ("has made", "a light called"),
    or a mark. The word before "of" there is a quantity ("a set of", "a lot
    of"), not the feature, and keeps the ordinary threshold."""
    tokens = [m.group(0) for m in _LATIN_TOKEN_RE.finditer(text)]
    lowered = [t.lower() for t in tokens]
    marked = []
    slot = False
    for n, word in enumerate(lowered):
        following = lowered[n + 1] if n + 1 < len(lowered) else ""
        previous = lowered[n - 1] if n else ""
        if _SLOT_MARK_RE.fullmatch(word) or _CONTRACTION_RE.search(word):
            slot = False
        elif word in FEATURE_TRIGGERS or (word == "in" and previous == "built"):
            slot = True
        elif word in ("and", "or") and slot and following in _SLOT_LIST_ARTICLES:
            pass
        elif word in FEATURE_SLOT_ENDS or (
            slot and _is_participle(word) and not _opens_noun_phrase(previous)
        ):
            slot = False
        built_in = (word, following) == ("built", "in") or (previous, word) == ("built", "in")
        marked.append(
            (tokens[n], slot and not built_in and word not in FEATURE_TRIGGERS and following != "of")
        )
    return marked


def _latin_words(text: str, language: str) -> list[Word]:
    words = []
    sentence_start = True
    for word, in_slot in _latin_tokens(text):
        if not word[0].isalpha():
            sentence_start = sentence_start or bool(_SENTENCE_STOP_RE.fullmatch(word))
            continue
        if len(word) > 1 and not is_generic(word, "en", in_feature_slot=in_slot):
            unknown = zipf(word.lower(), "en") == 0
            capitalised = word[0].isupper() and not sentence_start and word != "I"
            words.append(Word(word, name=unknown or capitalised))
        sentence_start = False
    return words


def _zh_pieces(run: str) -> list[tuple[str, str, bool]]:
    """jieba's words of a run of Chinese, with single characters that stand
    side by side joined into one word when one of them is a content word:
    a word jieba's dictionary lacks comes out as characters (美白 "whitening"
    as 美 "beautiful", tagged a place, and 白 "white"), and one character on
    its own says too little to be checked. Each word comes with whether it
    stands in a feature slot: after a FEATURE_TRIGGERS word, to the run's end
    (the next punctuation)."""
    pieces: list[tuple[str, str, bool]] = []
    singles: list[tuple[str, str]] = []
    slot = False

    def flush() -> None:
        if len(singles) > 1 and any(flag in _ZH_CONTENT_TAGS for _, flag in singles):
            pieces.append(("".join(word for word, _ in singles), "n", slot))
        singles.clear()

    for pair in jieba.posseg.cut(run, HMM=False):
        if pair.word in FEATURE_TRIGGERS:
            # A trigger is never joined to a neighbour: "伞带手机" is 伞, 带, 手机.
            flush()
            pieces.append((pair.word, pair.flag, slot))
            slot = True
            continue
        if len(pair.word) == 1 and pair.flag not in _ZH_FUNCTION_TAGS:
            singles.append((pair.word, pair.flag))
            continue
        flush()
        pieces.append((pair.word, pair.flag, slot))
    flush()
    return pieces


def _chinese_words(text: str) -> list[Word]:
    words = []
    for run in _CJK_RUN_RE.findall(text):
        for word, flag, in_slot in _zh_pieces(run):
            if (
                flag in _ZH_CONTENT_TAGS
                and len(word) > 1
                and not is_generic(word, "zh", in_feature_slot=in_slot)
            ):
                words.append(Word(word, name=flag in _ZH_NAME_TAGS))
    return words


def content_words(text: str, language: str) -> list[Word]:
    """The words of a text that can state a fact: not function words, not
    the generic words of copy, in order, once each."""
    words = _latin_words(text, language)
    if language.startswith("zh") or CJK_RE.search(text):
        words += _chinese_words(text)
    return list({w.text.lower(): w for w in words}.values())


class Support:
    """What a text may draw its words from: words, stems and characters."""

    def __init__(self, texts: Iterable[str]) -> None:
        joined = "\n".join(texts)
        self.lowered = joined.lower()
        self.squeezed = re.sub(r"[\s'’-]+", "", self.lowered)
        words = [w.lower() for w in LATIN_WORD_RE.findall(joined)]
        # A "zipper" in the text holds "zips" as well.
        self.stems = {stem(w) for w in words} | {stem(b) for w in words for b in _agent_bases(w)}
        self.long_stems = [s for s in self.stems if len(s) >= PREFIX_MIN_CHARS]
        self.characters = set(CJK_RE.findall(joined))

    def holds(self, word: str) -> bool:
        lowered = word.lower()
        if CJK_RE.match(lowered):
            # A Chinese word is there as such, or all its characters are ("雨罩" in "防雨罩").
            return lowered in self.lowered or set(lowered) <= self.characters
        word_stem = stem(lowered)
        return (
            word_stem in self.stems
            # "zipper" for "zip", "holder" for "hold": a thing named after what it does.
            or any(stem(base) in self.stems for base in _agent_bases(lowered))
            or lowered in self.squeezed
            # "aligned" meets "alignment": one stem starts the other.
            or (
                len(word_stem) >= PREFIX_MIN_CHARS
                and any(s.startswith(word_stem) or word_stem.startswith(s) for s in self.long_stems)
            )
        )
