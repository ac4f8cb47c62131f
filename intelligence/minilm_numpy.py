"""A BERT-family sentence encoder (all-MiniLM-L6-v2) in plain numpy, for the web process.

The web process must stay small and never import torch, yet a person typing an
idea title should see similar ideas within a keystroke or two. This module runs
the model's forward pass for one short text with numpy and the Rust tokenizer
(`tokenizers`, no torch): a keystroke's worth of CPU for a title (BENCHMARKS.md,
"Lookup speed"), and the weights are
memory-mapped from the safetensors file, so they live in the page cache and are
shared by every web process on the host instead of being copied into each.

It reproduces transformers' BertModel + mean pooling + L2 normalisation (the
sentence-transformers recipe): tests/intelligence compare it with the worker's
transformers encoder to 1e-5. No Django here.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from intelligence.blas import one_thread

# safetensors: an 8-byte little-endian header length, a JSON header, then the data.
_HEADER_LENGTH_BYTES = 8
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
# Abramowitz & Stegun 7.1.26: erf to 1.5e-7, well inside float32 noise; BERT's
# GELU is the exact erf form, and numpy has no erf of its own (scipy is too heavy).
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Read-only arrays backed by a memory map of the file (nothing is copied)."""
    with path.open("rb") as f:
        (header_length,) = struct.unpack("<Q", f.read(_HEADER_LENGTH_BYTES))
        header = json.loads(f.read(header_length))
    data_start = _HEADER_LENGTH_BYTES + header_length
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        dtype = _DTYPES[spec["dtype"]]
        tensors[name] = raw[data_start + begin : data_start + end].view(dtype).reshape(spec["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    z = x / np.float32(math.sqrt(2.0))
    a = np.abs(z)
    t = 1.0 / (1.0 + _ERF_P * a)
    poly = t * (_ERF_A[0] + t * (_ERF_A[1] + t * (_ERF_A[2] + t * (_ERF_A[3] + t * _ERF_A[4]))))
    erf = np.sign(z) * (1.0 - poly * np.exp(-a * a))
    return (0.5 * x * (1.0 + erf)).astype(np.float32)


class NumpyMiniLM:
    """encode(texts) -> (n, hidden) float32, unit length; one text at a time (no padding)."""

    def __init__(self, model_dir: Path) -> None:
        config = json.loads((model_dir / "config.json").read_text())
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.max_tokens = max_sequence_length(model_dir)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # The shipped tokenizer.json pads to 128; one text needs no padding.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        weights = load_safetensors(model_dir / "model.safetensors")
        # Some exports prefix every tensor with the architecture name.
        self.w = {name.removeprefix("bert."): tensor for name, tensor in weights.items()}

    def encode(self, texts: list[str]) -> np.ndarray:
        with one_thread():
            return np.stack([self._encode_one(text) for text in texts])

    def _dense(self, h: np.ndarray, name: str) -> np.ndarray:
        return h @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _norm(self, h: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(h, self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps)

    def _split_heads(self, h: np.ndarray) -> np.ndarray:
        return h.reshape(len(h), self.heads, self.hidden // self.heads).transpose(1, 0, 2)

    def _encode_one(self, text: str) -> np.ndarray:
        w = self.w
        ids = np.asarray(self.tokenizer.encode(text).ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        scale = np.float32(1.0 / math.sqrt(self.hidden // self.heads))
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = self._split_heads(self._dense(x, p + "attention.self.query"))
            k = self._split_heads(self._dense(x, p + "attention.self.key"))
            v = self._split_heads(self._dense(x, p + "attention.self.value"))
            scores = (q @ k.transpose(0, 2, 1)) * scale
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(len(ids), self.hidden)
            x = self._norm(
                self._dense(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm"
            )
            inner = _gelu(self._dense(x, p + "intermediate.dense"))
            x = self._norm(self._dense(inner, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = x.mean(0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)


def max_sequence_length(model_dir: Path) -> int:
    """The token limit sentence-transformers trained with (256 for MiniLM), else BERT's 512."""
    config = model_dir / "sentence_bert_config.json"
    if config.exists():
        return int(json.loads(config.read_text())["max_seq_length"])
    return int(json.loads((model_dir / "config.json").read_text())["max_position_embeddings"])
