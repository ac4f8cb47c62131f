"""The recommender's maths, with no database and no torch: train item factors
with `implicit`'s ALS on the workers, serve them with numpy in the web process.

Model (Hu, Koren and Volinsky 2008, as `implicit` implements it): a person u
and an item i have factor vectors x_u and y_i; an interaction of weight w
gives confidence c = alpha·w and preference 1; ALS minimises
    Σ c_ui (1 − x_u·y_i)² + λ(‖x‖² + ‖y‖²)   (unobserved pairs: c = 1, preference 0).
Only the item factors Y are kept. A person's vector is folded in at serving
time from their current history H, the exact ALS step for one row:
    x = (YᵀY + λI + Σ_{i∈H} (c_i − 1) y_i y_iᵀ)⁻¹ Σ_{i∈H} c_i y_i
so new votes and purchases count at once, and nobody needs a trained row.
Explanations: for a recommended item r, the history item h with the highest
cosine between y_r and y_h ("because you voted for ...").
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Defaults chosen on the synthetic store of bench/store_recommendations.py
# (BENCHMARKS.md, "Store"): enough factors for a few hundred tastes, few
# iterations because ALS converges fast on implicit data.
FACTORS = 48
ITERATIONS = 12
REGULARIZATION = 0.05
ALPHA = 10.0
SEED = 7


@dataclass(frozen=True)
class Model:
    items: tuple[str, ...]
    item_factors: np.ndarray  # (items, factors), float32
    gram: np.ndarray  # YᵀY, (factors, factors), float64
    regularization: float
    alpha: float

    @property
    def row_of(self) -> dict[str, int]:
        return _row_index(self)

    @property
    def unit_factors(self) -> np.ndarray:
        return _unit(self)


_index_cache: dict[int, dict[str, int]] = {}
_unit_cache: dict[int, np.ndarray] = {}


def _row_index(model: Model) -> dict[str, int]:
    key = id(model.item_factors)
    if key not in _index_cache:
        _index_cache.clear()
        _index_cache[key] = {item: row for row, item in enumerate(model.items)}
    return _index_cache[key]


def _unit(model: Model) -> np.ndarray:
    key = id(model.item_factors)
    if key not in _unit_cache:
        _unit_cache.clear()
        norms = np.linalg.norm(model.item_factors, axis=1, keepdims=True)
        _unit_cache[key] = model.item_factors / np.maximum(norms, np.finfo(np.float32).tiny)
    return _unit_cache[key]


def train(
    triples: Iterable[tuple[str, str, float]],
    *,
    factors: int = FACTORS,
    iterations: int = ITERATIONS,
    regularization: float = REGULARIZATION,
    alpha: float = ALPHA,
    seed: int = SEED,
) -> Model:
    """Item factors from (person, item, weight) triples; weights of one pair add up."""
    from scipy.sparse import csr_matrix
    from threadpoolctl import threadpool_limits

    people: dict[str, int] = {}
    items: dict[str, int] = {}
    rows, cols, values = [], [], []
    for person, item, weight in triples:
        rows.append(people.setdefault(person, len(people)))
        cols.append(items.setdefault(item, len(items)))
        values.append(weight)
    matrix = csr_matrix((np.asarray(values, dtype=np.float32), (rows, cols)), shape=(len(people), len(items)))
    matrix.sum_duplicates()
    # implicit runs its own threads; BLAS threads beside them slow it down (it warns).
    with threadpool_limits(1, "blas"):
        return _fit(matrix, items, factors, iterations, regularization, alpha, seed)


def _fit(
    matrix: object,
    items: dict[str, int],
    factors: int,
    iterations: int,
    regularization: float,
    alpha: float,
    seed: int,
) -> Model:
    # Imported here: only the workers have implicit (requirements/worker.txt).
    from implicit.cpu.als import AlternatingLeastSquares

    als = AlternatingLeastSquares(
        factors=factors,
        regularization=regularization,
        alpha=alpha,
        iterations=iterations,
        random_state=seed,
        calculate_training_loss=False,
    )
    als.fit(matrix, show_progress=False)
    y = np.ascontiguousarray(als.item_factors, dtype=np.float32)
    return Model(
        items=tuple(items),
        item_factors=y,
        gram=y.T.astype(np.float64) @ y.astype(np.float64),
        regularization=regularization,
        alpha=alpha,
    )


def fold_in(model: Model, history: dict[int, float]) -> np.ndarray:
    """The person's factor vector from their history {item row: weight}."""
    f = model.item_factors.shape[1]
    rows = np.fromiter(history.keys(), dtype=np.int64, count=len(history))
    confidence = model.alpha * np.fromiter(history.values(), dtype=np.float64, count=len(history))
    y_h = model.item_factors[rows].astype(np.float64)
    a = model.gram + model.regularization * np.eye(f) + (y_h.T * (confidence - 1.0)) @ y_h
    b = y_h.T @ confidence
    return np.linalg.solve(a, b).astype(np.float32)


def top_rows(model: Model, vector: np.ndarray, candidates: np.ndarray, k: int) -> list[int]:
    """The k candidate rows with the highest scores, best first."""
    if not len(candidates) or k <= 0:
        return []
    scores = model.item_factors[candidates] @ vector
    k = min(k, len(candidates))
    best = np.argpartition(-scores, k - 1)[:k]
    return [int(candidates[i]) for i in best[np.argsort(-scores[best], kind="stable")]]


def nearest(model: Model, row: int, among: Sequence[int]) -> int | None:
    """The row in `among` most like `row` (cosine of their factors)."""
    if not among:
        return None
    unit = model.unit_factors
    sims = unit[np.asarray(among)] @ unit[row]
    return int(among[int(np.argmax(sims))])


def save(model: Model, path: str | Path) -> None:
    """Write atomically: a web process reading meanwhile sees the old file or the new."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    with os.fdopen(fd, "wb") as out:
        np.savez(
            out,
            items=np.asarray(model.items, dtype=str),
            item_factors=model.item_factors,
            gram=model.gram,
            params=np.asarray([model.regularization, model.alpha]),
        )
    os.replace(tmp, path)


_loaded: dict[str, tuple[float, Model]] = {}


def load(path: str | Path) -> Model | None:
    """The saved model, re-read only when the file changed; None before the first training."""
    path = str(path)
    try:
        mtime = os.stat(path).st_mtime
    except FileNotFoundError:
        return None
    cached = _loaded.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    with np.load(path, allow_pickle=False) as data:
        regularization, alpha = (float(v) for v in data["params"])
        model = Model(
            items=tuple(str(i) for i in data["items"]),
            item_factors=data["item_factors"],
            gram=data["gram"],
            regularization=regularization,
            alpha=alpha,
        )
    _loaded[path] = (mtime, model)
    return model
