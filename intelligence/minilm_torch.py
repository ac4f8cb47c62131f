"""The worker's sentence encoder: transformers + torch, batched, on CUDA when present.

Only Celery workers import this module (lazily, inside tasks): the web process
never loads torch. Same recipe as minilm_numpy: BertModel, mean pooling over
real tokens, L2 normalisation. No Django here.
"""

from __future__ import annotations

import os
from pathlib import Path

# huggingface_hub and transformers read these once, when first imported: set
# before the imports below, whichever model this worker process loads first
# (generation/inference/loader.py does the same). An explicit value wins.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

from intelligence.minilm_numpy import max_sequence_length  # noqa: E402

# Texts per forward pass: past 32 short texts a CPU gained nothing more
# (BENCHMARKS.md, "Figures from code comments") and padding waste grows; a GPU
# is far from full either way at these sizes.
BATCH_SIZE = 32


class TorchMiniLM:
    def __init__(self, model_dir: Path) -> None:
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.max_tokens = max_sequence_length(model_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        self.model = AutoModel.from_pretrained(model_dir, local_files_only=True).to(self.device).eval()

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), hidden) float32, unit length, in the order given."""
        if not texts:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        # Sorting by length keeps padding (wasted work) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), BATCH_SIZE):
                rows = order[start : start + BATCH_SIZE]
                batch = self.tokenizer(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=self.max_tokens,
                    return_tensors="pt",
                ).to(self.device)
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out[rows] = torch.nn.functional.normalize(pooled, dim=-1).float().cpu().numpy()
        return out
