"""Hybrid retrieval over one brand's passages: BM25 (bm25s) and MiniLM vectors,
merged by reciprocal rank fusion.

BM25 finds the exact words a shopper typed (a product name, "dishwasher",
"退货"); the vectors find the same question asked in other words ("can I wash
it in the machine"). Reciprocal rank fusion merges the two rankings without
calibrating their scores against each other (Cormack et al., 2009):

    score(p) = sum over rankings r of 1 / (RRF_K + rank_r(p))

Chinese has no spaces, so text is tokenised into Latin words and overlapping
pairs of Chinese characters, which BM25 handles without a segmenter.

The index is per process and per brand, rebuilt when the brand's passage rows
change (`version`: their count and newest stamp); a lookup is a sparse BM25
scoring plus one matrix-vector product. Nothing here reads the ORM.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from generation.guardrails.text import CJK

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
    i've i'd i'll you're you've we're we've they're what's there's that's let's""".split()
)
_CJK_STOP = frozenset("的了吗呢吧啊是在有和也就都而及与或我你他她它们这那哪什么怎么如何请问")
# Latin words compare by this many leading letters, after a plural "s":
# "washing" meets "washable", "items" meets "item".
STEM_CHARS = 6
# A full stop between digits ("2.5L") is a decimal point, not the end of a sentence.
_SENTENCE_RE = re.compile(r"(?:[^.!?。！？\n]|(?<=\d)\.(?=\d))+[.!?。！？]*")


def _stem(word: str) -> str:
    if word[0].isdigit():
        return word
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
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
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


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


def coverage(question_tokens: Sequence[str], text: str, idf: dict[str, float], unseen: float) -> float:
    """Share of the question's weight whose words appear in `text`.

    A word no passage has weighs most (`unseen`): the question is about
    something the brand never wrote about. Except a pair of Chinese
    characters that are each known but never stand together in a passage:
    that pair spans two words of the question ("寄到挪威" gives "到挪"), which
    says nothing about its topic, so it weighs nothing.
    """
    if not question_tokens:
        return 0.0
    present = set(tokens(text))
    weights = {t: _weight(t, idf, unseen) for t in set(question_tokens)}
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0


def _weight(token: str, idf: dict[str, float], unseen: float) -> float:
    if token in idf:
        return idf[token]
    if len(token) == 2 and _CJK_RUN_RE.fullmatch(token) and token[0] in idf and token[1] in idf:
        return 0.0
    return unseen


@dataclass(frozen=True)
class Weights:
    """Inverse document frequency over a brand's passages: the words all its
    passages share (its name, its product) weigh little; a word no passage
    has weighs most, so a question about it is not answered by the rest."""

    idf: dict[str, float]
    unseen: float

    @classmethod
    def of(cls, corpus: Sequence[Sequence[str]]) -> Weights:
        df: dict[str, int] = {}
        for document in corpus:
            for t in set(document):
                df[t] = df.get(t, 0) + 1
        n = len(corpus)
        return cls({t: math.log((n + 1) / (d + 0.5)) for t, d in df.items()}, math.log((n + 1) / 0.5))


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

        corpus = [tokens(f"{p.title}. {p.text}") or ["\u0000"] for p in self.passages]
        self.weights = Weights.of(corpus)
        if corpus:
            retriever = bm25s.BM25()
            retriever.index(corpus, show_progress=False)
            self._bm25 = retriever
            self._vocab = retriever.vocab_dict

    def _bm25_ranking(self, query: list[str]) -> list[tuple[int, float]]:
        known = [t for t in query if t in self._vocab]
        if not known or self._bm25 is None:
            return []
        scores = self._bm25.get_scores(known)  # type: ignore[attr-defined]
        top = np.argsort(-scores)[:CANDIDATES_PER_RANKING]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def search(self, question: str, query_vector: np.ndarray | None, *, limit: int) -> list[Hit]:
        if not self.passages:
            return []
        bm25 = self._bm25_ranking(tokens(question))
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
        best = sorted(fused, key=lambda row: -fused[row])[:limit]
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
