"""Hybrid retrieval over one brand's passages: BM25 (bm25s) and MiniLM vectors,
merged by reciprocal rank fusion.

BM25 finds the exact words a shopper typed (a product name, "dishwasher",
"退货"); the vectors find the same question asked in other words ("can I wash
it in the machine"). Reciprocal rank fusion merges the two rankings without
calibrating their scores against each other (Cormack et al., 2009):

    score(p) = sum over rankings r of 1 / (RRF_K + rank_r(p))

Chinese has no spaces, so text is tokenised into Latin words and overlapping
pairs of Chinese characters, which BM25 handles without a segmenter. The
BM25 query also carries the cue words of what the question asks (its
intents, assistant/intents.py), and the passages stating it rank first.

The index is per process and per brand, rebuilt when the brand's passage rows
change (`version`: their count and newest stamp); a lookup is a sparse BM25
scoring plus one matrix-vector product. Nothing here reads the ORM.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field

import numpy as np

from assistant import intents
from generation.guardrails.text import CJK
from generation.guardrails.words import zipf

# The constant of reciprocal rank fusion; 60 is the value of the original
# paper, which damps the difference between the first few ranks.
RRF_K = 60
# Candidates each ranking contributes to the fusion.
CANDIDATES_PER_RANKING = 20
# Brands whose index a process keeps; the least recently used goes first.
INDEX_CACHE_BRANDS = 64

_LATIN_RE = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_CJK_RUN_RE = re.compile(f"[{CJK}]+")
# Words that carry no topic: they would make every passage match every question.
STOPWORDS = frozenset(
    """a an the and or but if of to in on at for with from by as is are was were be been being do does did
    can could will would shall should may might must i you he she it we they me my your our their this that
    these those what which who whom whose when where why how there here not no yes so than then too very
    just about into over under up down out off any all some more most such only own same also have has had
    get got please hi hello thanks thank s t its it's i'm don't doesn't many much long often
    haven't hasn't hadn't isn't aren't wasn't weren't won't can't couldn't didn't wouldn't shouldn't
    i've i'd i'll you're you've we're we've they're what's there's that's let's
    im ive id ill youre weve theyre whats theres thats lets dont doesnt didnt isnt arent wasnt
    cant couldnt wont wouldnt shouldnt havent hasnt u ur pls plz thx
    something anything everything nothing else stuff still yet
    put go goes going make take takes want need know tell give come comes ok okay
    find choose pick select check see look another other""".split()
)
# Particles and question words: "可以", "多少", "需要" say nothing of the topic.
_CJK_STOP = frozenset(
    "的了吗呢吧啊是在有和也就都而及与或我你他她它们这那哪什么怎么如何请问可以能会要需多少几么样用"
)
# Latin words compare by this many leading letters, after a plural "s":
# "washing" meets "washable", "items" meets "item".
STEM_CHARS = 6
# Plurals in "-es" after a hissing sound: "boxes" meets "box", "dishes" meets "dish".
_ES_PLURALS = ("xes", "ches", "shes", "sses", "zes")
# Zipf frequencies (wordfreq; 3 is once per million words, 6 is "between",
# "时候") between which a question's word goes from naming its topic to
# naming nothing in particular, and the least weight a common word keeps.
# Chosen over the blind batches (BENCHMARKS.md, "Shopper assistant"): a
# shopper's story ("for my grandson", "good afternoon") weighs less than
# at 4.0 and 6.5, and what they ask about as much.
RARE_ZIPF = 3.5
COMMON_ZIPF = 6.0
INFORMATIVENESS_FLOOR = 0.1
# A Chinese word that jieba's dictionary does not tag as a noun (a verb, an
# adverb: "扔", "直接", "好像") tells what the shopper does, not what they ask
# about: it keeps this share of its weight. English has no such tagger here,
# but an adverb made of a common word ("kindly", "exactly", "roughly")
# keeps the same share.
NOT_A_THING = 0.3
# The root of such an adverb is at least this common (wordfreq's Zipf).
ADVERB_ROOT_MIN_ZIPF = 3.0
# A word of a question that no dictionary and no passage has, this long or
# longer, is read as the brand's word it is this close to (difflib's ratio:
# one letter missing, added or swapped in a word of 8 letters is about 0.9).
RESPELL_MIN_CHARS = 5
# ... and that the language at large sees less often than this (wordfreq's
# Zipf): common slips ("shiping") are in its data, at the rare end.
SLIP_MAX_ZIPF = 2.5
RESPELL_MIN_SIMILARITY = 0.85
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+")
# A full stop between digits ("2.5L") is a decimal point, not the end of a sentence.
SENTENCE_RE = re.compile(r"(?:[^.!?。！？\n]|(?<=\d)\.(?=\d))+[.!?。！？]*")


def _stem(word: str) -> str:
    if word[0].isdigit():
        return word
    if len(word) > 4 and word.endswith(_ES_PLURALS):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:STEM_CHARS]


def tokens(text: str) -> list[str]:
    """Latin words (lower case, stemmed, no stopwords); Chinese characters and
    character pairs (a pair matches a word, a character its paraphrase)."""
    out: list[str] = []
    for word in _LATIN_RE.findall(text.lower()):
        if word not in STOPWORDS:
            out.append(_stem(word))
    for run in _CJK_RUN_RE.findall(text):
        chars = [ch for ch in run if ch not in _CJK_STOP] or list(run)
        out.extend(chars)
        out.extend(a + b for a, b in zip(chars, chars[1:], strict=False))
    return out


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.findall(text) if s.strip()]


@dataclass(frozen=True)
class Passage:
    pk: int
    kind: str
    object_id: int
    language: str
    title: str
    url: str
    text: str

    def citation(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.object_id, "url": self.url, "title": self.title}


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused score
    similarity: float  # cosine of the question and the passage; 0 without vectors
    bm25: float


@dataclass(frozen=True)
class Unit:
    """One thing a question names, with its weight: found in a text by any
    of its forms (a word, its synonyms; a country, the regions it lies in)."""

    forms: tuple[tuple[str, ...], ...]
    weight: float
    # A place must be in the passage itself: a brand's rule known to hold
    # somewhere says nothing of another country.
    place: bool = False

    def found_in(self, present: Vocabulary) -> bool:
        return any(form and present.holds(form) for form in self.forms)


@dataclass(frozen=True)
class Vocabulary:
    """The words of a text, or of all a brand's passages, and the Latin words
    that stand side by side in it: a phrase is there only where its words
    are together ("pay on delivery" is not in "you pay when the order
    ships, not on delivery", nor in one entry saying "pay" and another
    "delivery")."""

    words: Set[str] = frozenset()
    pairs: Set[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, documents: Iterable[Sequence[str]]) -> Vocabulary:
        documents = list(documents)
        return cls(
            frozenset(t for document in documents for t in document),
            frozenset(pair for document in documents for pair in _latin_pairs(document)),
        )

    def holds(self, form: Sequence[str]) -> bool:
        return all(t in self.words for t in form) and all(pair in self.pairs for pair in _latin_pairs(form))


def _latin_pairs(words: Sequence[str]) -> Iterator[tuple[str, str]]:
    latin = [w for w in words if not _CJK_RUN_RE.match(w)]
    return zip(latin, latin[1:], strict=False)


def subject_units(question: str, asked: frozenset[str], weights: Weights) -> list[Unit]:
    """What the question names besides what it asks (its intents' cues), as
    units: places and synonyms first (a place is found by its regions too, a
    city by its country; a synonym group weighs as its best-known form, so
    "store" is not an unseen word where the brand writes "shop"), then each
    remaining word."""
    lowered = question.lower()
    units = []
    for place in (True, False):
        # Synonyms are looked for in what the places left.
        found = (
            intents.places_in(question, weights.knows) if place else intents.find(intents.synonyms(), lowered)
        )
        weigh = _mention_weight if place else _known_form_weight
        for (start, end), term in found:
            if not lowered[start:end].strip():
                continue  # overlaps a term taken before
            forms = tuple(tuple(tokens(f)) for f in term.forms)
            units.append(Unit(forms, weigh(lowered[start:end], forms, weights), place))
            lowered = lowered[:start] + " " * (end - start) + lowered[end:]
    lowered = intents.without_cues(lowered, asked)
    # A lone Chinese character is what is left of a word whose cue was taken
    # out ("期" of "保修期"); a run of particles ("需要", "的") is nothing.
    lowered = _CJK_RUN_RE.sub(lambda m: m.group(0) if len(m.group(0)) > 1 else " ", lowered)
    remaining = {t: word for t, word in _tokens_with_words(lowered) if not all(ch in _CJK_STOP for ch in t)}
    units += [
        Unit(((t,),), _weight(t, weights.idf, weights.unseen) * informativeness(word))
        for t, word in remaining.items()
    ]
    return units


def _tokens_with_words(lowered: str) -> list[tuple[str, str]]:
    """tokens() of a lower-case text, each with the word it comes from: a
    Latin word before stemming; for Chinese, jieba's word, whose characters
    and pairs are the tokens, so that a pair spanning two words ("候加" of
    "时候加") names nothing and a character says what its word says."""
    out = [(t, word) for word in _LATIN_RE.findall(lowered) for t in tokens(word)]
    for run in _CJK_RUN_RE.findall(lowered):
        out += [(t, word) for word in intents.chinese_words(run) for t in tokens(word)]
    return out


def informativeness(word: str) -> float:
    """How much a word of a question can say about its topic, by how common it
    is in the language at large (wordfreq): a word seen everywhere
    ("usually", "somewhere", "时候") names no topic even when the brand never
    wrote it, while a rare one ("cutlery", "柔顺剂") or one no dictionary has
    (a product's name, a typo) names one. 1 up to RARE_ZIPF, falling
    linearly to INFORMATIVENESS_FLOOR at COMMON_ZIPF; a Chinese word that is
    no noun or an English adverb, NOT_A_THING of that."""
    word = word.removesuffix("'s").removesuffix("’s")  # "sister's" is as common as "sister"
    chinese = bool(_CJK_RUN_RE.match(word))
    frequency = zipf(word, "zh" if chinese else "en")
    share = (COMMON_ZIPF - frequency) / (COMMON_ZIPF - RARE_ZIPF)
    if (chinese and not intents.names_a_thing(word)) or (not chinese and is_adverb(word)):
        share *= NOT_A_THING
    return min(1.0, max(INFORMATIVENESS_FLOOR, share))


def is_adverb(word: str) -> bool:
    """An English word made an adverb by -ly from a common word ("exactly"
    of "exact", "easily" of "easy", "basically" of "basic"); "family" or
    "supply" has no such root."""
    if not word.endswith("ly") or len(word) < 5:
        return False
    roots = [
        word[:-2],
        word[:-3] + "y" if word.endswith("ily") else "",
        word[:-4] if word.endswith("ically") else "",  # "realistically" of "realistic"
    ]
    return any(root and zipf(root, "en") >= ADVERB_ROOT_MIN_ZIPF for root in roots)


def _mention_weight(mention: str, forms: tuple[tuple[str, ...], ...], weights: Weights) -> float:
    return max((_weight(t, weights.idf, weights.unseen) for t in tokens(mention)), default=weights.unseen)


def _known_form_weight(mention: str, forms: tuple[tuple[str, ...], ...], weights: Weights) -> float:
    return min(_form_weight(f, weights) for f in forms if f)


def _form_weight(form: tuple[str, ...], weights: Weights) -> float:
    return max((_weight(t, weights.idf, weights.unseen) for t in form), default=weights.unseen)


# Words of buying online that every shop's rules speak to, whether or not
# its own texts use them: "the moment I click order", "right at checkout".
SHOP_WORDS = Vocabulary.of(
    [
        tokens(
            "checkout cart basket website webshop online click button account login 下单 购物车 结账 网站 官网 账号"
        )
    ]
)


def unit_coverage(units: Sequence[Unit], text: str, *, known: Weights | None = None) -> float:
    """Share of the units' weight found in `text` (or, given `known`, found in
    any of the brand's passages); 1 when the question names nothing besides
    what it asks (its intents)."""
    total = sum(u.weight for u in units)
    if not total:
        return 1.0
    present = Vocabulary.of([tokens(text)])
    return (
        sum(
            u.weight
            for u in units
            if u.found_in(present) or (known is not None and not u.place and known.writes(u))
        )
        / total
    )


def _weight(token: str, idf: dict[str, float], unseen: float) -> float:
    """A word no passage has weighs most (`unseen`): the question is about
    something the brand never wrote about. Except a pair of Chinese
    characters that are each known but never stand together in a passage:
    that pair spans two words of the question ("寄到挪威" gives "到挪"), which
    says nothing about its topic, so it weighs nothing."""
    if token in idf:
        return idf[token]
    if len(token) == 2 and _CJK_RUN_RE.fullmatch(token) and token[0] in idf and token[1] in idf:
        return 0.0
    return unseen


def capitalised_inside(text: str) -> Iterator[str]:
    """The words a text capitalises after the first of a sentence, less
    those in capitals throughout ("NOK", "EU")."""
    for sentence in SENTENCE_RE.findall(text):
        for word in _LATIN_WORD_RE.findall(sentence)[1:]:
            if word[0].isupper() and not word.isupper():
                yield word


@dataclass(frozen=True)
class Weights:
    """Inverse document frequency over a brand's passages: the words all its
    passages share (its name, its product) weigh little; a word no passage
    has weighs most, so a question about it is not answered by the rest."""

    idf: dict[str, float]
    unseen: float
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    # The brand's Latin words as written, long enough to be misspelt.
    spellings: tuple[str, ...] = ()
    # Its names, in lower case: the words it capitalises inside a sentence
    # ("Stormline", "Bergen"), which a shopper may type in lower case.
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, corpus: Sequence[Sequence[str]], *, texts: Iterable[str] = ()) -> Weights:
        texts = list(texts)
        df: dict[str, int] = {}
        for document in corpus:
            for t in set(document):
                df[t] = df.get(t, 0) + 1
        n = len(corpus)
        return cls(
            {t: math.log((n + 1) / (d + 0.5)) for t, d in df.items()},
            math.log((n + 1) / 0.5),
            Vocabulary.of(corpus),
            tuple(
                sorted(
                    {w for t in texts for w in _LATIN_RE.findall(t.lower()) if len(w) >= RESPELL_MIN_CHARS}
                )
            ),
            frozenset(name.lower() for t in texts for name in capitalised_inside(t)),
        )

    def writes(self, unit: Unit) -> bool:
        """Whether the brand's passages hold the unit, or it is a word of
        buying online that every shop's rules speak to (SHOP_WORDS)."""
        return unit.found_in(self.vocabulary) or unit.found_in(SHOP_WORDS)

    def knows(self, name: str) -> bool:
        """Whether the brand's passages write this name ("Bergen")."""
        words = tokens(name)
        return bool(words) and all(t in self.idf for t in words)

    def respelt(self, text: str) -> str:
        """The text with each word that the brand does not write and the
        language hardly knows, and that is a slip away from a word the brand
        writes, written as the brand writes it ("ridgline" is "ridgeline",
        "shiping" is "shipping"). A real word the brand never wrote
        ("cutlery") stays what it is."""

        def respell(match: re.Match[str]) -> str:
            word = match.group(0)
            lowered = word.lower()
            if (
                len(lowered) < RESPELL_MIN_CHARS
                or _stem(lowered) in self.idf
                or zipf(lowered, "en") > SLIP_MAX_ZIPF
            ):
                return word
            close = difflib.get_close_matches(lowered, self.spellings, n=1, cutoff=RESPELL_MIN_SIMILARITY)
            return close[0] if close else word

        return _LATIN_WORD_RE.sub(respell, text)


@dataclass
class BrandIndex:
    passages: list[Passage]
    vectors: np.ndarray | None  # (n, d) unit vectors, or None without the model
    version: tuple[object, ...] = ()
    weights: Weights = field(default_factory=lambda: Weights({}, 0.0))
    _bm25: object = field(default=None, repr=False)
    _vocab: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        import bm25s

        texts = [f"{p.title}. {p.text}" for p in self.passages]
        corpus = [tokens(t) or ["\u0000"] for t in texts]
        self.weights = Weights.of(corpus, texts=texts)
        if corpus:
            retriever = bm25s.BM25()
            retriever.index(corpus, show_progress=False)
            self._bm25 = retriever
            self._vocab = retriever.vocab_dict

    def _text(self, row: int) -> str:
        return f"{self.passages[row].title}. {self.passages[row].text}"

    def _bm25_ranking(self, query: list[str]) -> list[tuple[int, float]]:
        known = [t for t in query if t in self._vocab]
        if not known or self._bm25 is None:
            return []
        scores = self._bm25.get_scores(known)  # type: ignore[attr-defined]
        top = np.argsort(-scores)[:CANDIDATES_PER_RANKING]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def search(self, question: str, query_vector: np.ndarray | None, *, limit: int) -> list[Hit]:
        """The best `limit` passages: fused BM25 and vector rankings, those
        that state what the question asks (its intents) first. The BM25 query
        carries the intents' cue words and the other forms of the synonyms it
        names, so a passage saying "免运费" is found for "包邮", one saying
        "return" for "send it back" and one saying "American Express" for "Amex"."""
        if not self.passages:
            return []
        question = self.weights.respelt(question)
        asked = intents.asked(question)
        query = tokens(question)
        named = [
            form for _span, term in intents.find(intents.synonyms(), question.lower()) for form in term.forms
        ]
        # Whole cue words only: a single Chinese character of a cue ("到" of "寄到") matches everything.
        query += [
            t
            for t in tokens(" ".join([*intents.expansion(asked), *named]))
            if t not in query and not (len(t) == 1 and _CJK_RUN_RE.fullmatch(t))
        ]
        bm25 = self._bm25_ranking(query)
        similarities = np.zeros(len(self.passages), dtype=np.float32)
        dense: list[tuple[int, float]] = []
        if query_vector is not None and self.vectors is not None:
            similarities = self.vectors @ query_vector
            top = np.argsort(-similarities)[:CANDIDATES_PER_RANKING]
            dense = [(int(i), float(similarities[i])) for i in top]
        fused: dict[int, float] = {}
        for ranking in (bm25, dense):
            for rank, (row, _score) in enumerate(ranking, start=1):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank)
        bm25_of = dict(bm25)
        states = {row: intents.stated_enough(asked, self._text(row)) for row in fused}
        best = sorted(fused, key=lambda row: (not states.get(row, True), -fused[row]))[:limit]
        return [Hit(self.passages[r], fused[r], float(similarities[r]), bm25_of.get(r, 0.0)) for r in best]


_lock = threading.Lock()
_indexes: OrderedDict[int, BrandIndex] = OrderedDict()


def cached_index(brand_id: int, version: tuple[object, ...]) -> BrandIndex | None:
    with _lock:
        index = _indexes.get(brand_id)
        if index is None or index.version != version:
            return None
        _indexes.move_to_end(brand_id)
        return index


def cache_index(brand_id: int, index: BrandIndex) -> None:
    with _lock:
        _indexes[brand_id] = index
        _indexes.move_to_end(brand_id)
        while len(_indexes) > INDEX_CACHE_BRANDS:
            _indexes.popitem(last=False)


def clear_cache() -> None:
    with _lock:
        _indexes.clear()


def build_index(
    passages: Sequence[Passage], vectors: Sequence[bytes], *, version: tuple[object, ...]
) -> BrandIndex:
    """An index over the passages; vectors of another length than the first
    present one (another model) or missing make the dense half sit out."""
    from intelligence.embeddings import DIMENSIONS, from_bytes

    rows = [from_bytes(v) if v else None for v in vectors]
    matrix = None
    if rows and all(r is not None and len(r) == DIMENSIONS for r in rows):
        matrix = np.vstack(rows).astype(np.float32)  # type: ignore[arg-type]
    return BrandIndex(list(passages), matrix, version)
