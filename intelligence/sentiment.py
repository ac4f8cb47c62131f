"""Sentiment of comments: positive, negative or neutral, with a score in [-1, 1].

Methods, measured on the shipped labelled sets (data/sentiment_*.tsv, eval
split only; bench/sentiment.py, BENCHMARKS.md "## Sentiment"):

- rules: VADER for English; for Chinese a lexicon with negators and
  intensifiers (data/sentiment_zh_lexicon.tsv). No training.
- hybrid: logistic regression over the MiniLM sentence vector plus the rule
  score as one more feature, trained on the train split when a worker first
  needs it (no pickled model ships). MiniLM-L6 is English-centric: it reads
  Chinese as single characters, so alone it does poorly there.

METHODS names the one used per language: the best on the eval split. Runs in
workers; scikit-learn and vaderSentiment are imported on first use only.
No Django here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"

POSITIVE, NEGATIVE, NEUTRAL = "positive", "negative", "neutral"
LABELS = (POSITIVE, NEGATIVE, NEUTRAL)

# A text is Chinese when at least this share of its letters are CJK ideographs;
# mixed comments ("这个 zip 很好") are still mostly ideographs.
CJK_SHARE_FOR_CHINESE = 0.3
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")

# Score margins around zero inside which a text reads as neutral. Each is the
# value that scores best on the train split of its language (bench/sentiment.py
# prints the sweep); the eval split never chose them.
VADER_NEUTRAL_MARGIN = 0.05
LEXICON_NEUTRAL_MARGIN = 0.25
# A lexicon term counts as negated when a negator ends at most this many
# characters before it (不是很好: 不, then 是很, then 好).
NEGATION_WINDOW_CHARS = 3
# Lexicon sums are squashed into [-1, 1] with x / (|x| + this): about 0.5 for
# one clearly positive word, towards 1 for several.
LEXICON_SQUASH = 2.0
# Inverse regularisation of the hybrid classifier per language: the best of
# 0.1, 1, 10, 100 in 5-fold cross-validation on the train split.
CLASSIFIER_C = {"en": 10.0, "zh": 100.0}


@dataclass(frozen=True)
class Reading:
    sentiment: str
    score: float
    method: str


@dataclass(frozen=True)
class Example:
    label: str
    split: str
    text: str


def detect_language(text: str) -> str:
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    return "zh" if len(_CJK.findall(text)) / len(letters) >= CJK_SHARE_FOR_CHINESE else "en"


def load_examples(language: str) -> list[Example]:
    examples = []
    for line in (DATA_DIR / f"sentiment_{language}.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, split, text = line.split("\t", 2)
            examples.append(Example(label=label, split=split, text=text))
    return examples


def _label(score: float, margin: float) -> str:
    if score >= margin:
        return POSITIVE
    if score <= -margin:
        return NEGATIVE
    return NEUTRAL


# --- English: VADER -------------------------------------------------------------------


@functools.cache
def _vader() -> object:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_score(text: str) -> float:
    return float(_vader().polarity_scores(text)["compound"])  # type: ignore[attr-defined]


def read_vader(text: str, margin: float = VADER_NEUTRAL_MARGIN) -> Reading:
    score = vader_score(text)
    return Reading(_label(score, margin), score, "vader")


# --- Chinese: lexicon ---------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    weights: dict[str, float]
    negators: frozenset[str]
    intensifiers: dict[str, float]
    longest: int


@functools.cache
def zh_lexicon() -> Lexicon:
    weights: dict[str, float] = {}
    negators: set[str] = set()
    intensifiers: dict[str, float] = {}
    for line in (DATA_DIR / "sentiment_zh_lexicon.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        term, value = line.split("\t")
        if value == "negator":
            negators.add(term)
        elif value.startswith("intensifier:"):
            intensifiers[term] = float(value.partition(":")[2])
        else:
            weights[term] = float(value)
    longest = max(len(t) for t in [*weights, *negators, *intensifiers])
    return Lexicon(weights, frozenset(negators), intensifiers, longest)


def lexicon_score(text: str, lexicon: Lexicon | None = None) -> float:
    """Sum of term weights (longest match first), flipped after a negator and
    scaled by intensifiers, squashed into [-1, 1]."""
    lex = lexicon or zh_lexicon()
    total, boost = 0.0, 1.0
    negated_until = -1
    i = 0
    while i < len(text):
        for size in range(min(lex.longest, len(text) - i), 0, -1):
            term = text[i : i + size]
            if term in lex.weights:
                sign = -1.0 if i <= negated_until else 1.0
                total += sign * boost * lex.weights[term]
                boost, negated_until = 1.0, -1
                break
            if term in lex.negators:
                negated_until = i + size - 1 + NEGATION_WINDOW_CHARS
                break
            if term in lex.intensifiers:
                boost *= lex.intensifiers[term]
                break
        else:
            size = 1
        i += size
    return total / (abs(total) + LEXICON_SQUASH)


def read_lexicon(text: str, margin: float = LEXICON_NEUTRAL_MARGIN) -> Reading:
    score = lexicon_score(text)
    return Reading(_label(score, margin), score, "zh_lexicon")


# --- Either language: the hybrid classifier -----------------------------------------------


def rule_score(text: str, language: str) -> float:
    return vader_score(text) if language == "en" else lexicon_score(text)


def hybrid_features(vectors: np.ndarray, texts: list[str], language: str) -> np.ndarray:
    """Each text's unit sentence vector with its rule score appended."""
    rules = np.array([[rule_score(t, language)] for t in texts], dtype=np.float32)
    return np.hstack([vectors.reshape(len(texts), -1), rules])


class HybridClassifier:
    """Multinomial logistic regression over hybrid_features."""

    def __init__(self, language: str, vectors: np.ndarray, texts: list[str], labels: list[str]) -> None:
        from sklearn.linear_model import LogisticRegression

        self.language = language
        self.model = LogisticRegression(C=CLASSIFIER_C[language], max_iter=3000)
        self.model.fit(hybrid_features(vectors, texts, language), labels)

    def predict(self, vectors: np.ndarray, texts: list[str]) -> list[str]:
        return [str(label) for label in self.model.predict(hybrid_features(vectors, texts, self.language))]

    def read(self, text: str, vector: np.ndarray) -> Reading:
        row = self.model.predict_proba(hybrid_features(vector, [text], self.language))[0]
        probabilities = dict(zip(self.model.classes_, row, strict=True))
        label = max(probabilities, key=probabilities.__getitem__)
        score = float(probabilities.get(POSITIVE, 0.0) - probabilities.get(NEGATIVE, 0.0))
        return Reading(str(label), score, "hybrid")


@functools.cache
def hybrid_classifier(language: str, embed: Callable[[list[str]], np.ndarray]) -> HybridClassifier:
    """Trained on the train split of the shipped set, once per process."""
    train = [e for e in load_examples(language) if e.split == "train"]
    texts = [e.text for e in train]
    return HybridClassifier(language, embed(texts), texts, [e.label for e in train])


# --- dispatch -------------------------------------------------------------------------------

# The method per language: the best on the eval split (BENCHMARKS.md "## Sentiment").
METHODS = {"en": "hybrid", "zh": "rules"}


def read_comment(text: str, *, vector: np.ndarray, embed: Callable[[list[str]], np.ndarray]) -> Reading:
    """The sentiment of one comment with its language's method; `vector` is the
    comment's sentence vector and `embed` the encoder that made it."""
    language = detect_language(text)
    if METHODS[language] == "hybrid":
        return hybrid_classifier(language, embed).read(text, vector)
    return read_vader(text) if language == "en" else read_lexicon(text)
