"""Loading a local model and its tokenizer, offline.

Nothing downloads weights at run time: a model directory is prepared once by
`manage.py prepare_model` (or named by GENERATION_MODEL), and a missing or
unreadable one raises ModelNotAvailable saying how to fix it.
"""

from __future__ import annotations

import os
from pathlib import Path

# huggingface_hub and transformers read these once, when first imported, so
# they are set before the imports below; an explicit value in the environment wins.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Loading progress bars are noise in a worker's log.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import torch  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase  # noqa: E402

PREPARE_HINT = "run `python manage.py prepare_model` (or set GENERATION_MODEL to a local model directory)"


class ModelNotAvailable(RuntimeError):
    """The model directory is missing or unreadable; the message says how to fix it."""


def cpu_thread_count() -> int:
    """GENERATION_NUM_THREADS, else the CPUs this process may run on.

    os.cpu_count() would count the host's CPUs inside a container pinned to
    fewer; more OpenMP threads than CPUs makes every matmul wait for a
    descheduled thread (BENCHMARKS.md, "Generation").
    """
    if configured := os.environ.get("GENERATION_NUM_THREADS"):
        return max(1, int(configured))
    return len(os.sched_getaffinity(0))


def load_model(
    model_path: str, *, device: str, dtype: torch.dtype
) -> tuple[PreTrainedTokenizerBase, PreTrainedModel]:
    """The tokenizer, set up for batches, and the model on `device` in `dtype`, ready for inference."""
    if Path(model_path).is_absolute() and not Path(model_path).is_dir():
        raise ModelNotAvailable(f"There is no model directory at {model_path}; {PREPARE_HINT}.")
    try:
        # local_files_only: a worker must never download weights in the middle of a task.
        tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(model_path, local_files_only=True, dtype=dtype)
    except (OSError, ValueError) as exc:
        raise ModelNotAvailable(
            f"Cannot load the model from {model_path!r} ({exc}); {PREPARE_HINT}."
        ) from exc
    if not tokenizer.chat_template:
        raise ModelNotAvailable(f"The tokenizer in {model_path!r} has no chat template; {PREPARE_HINT}.")
    # Decoder-only models continue from the last position: padding must go on the left.
    tokenizer.padding_side = "left"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model_to(model, device).eval()
    return tokenizer, model


def model_to(model: PreTrainedModel, target: str | torch.dtype) -> PreTrainedModel:
    """`model.to(target)`: the same model, moved or converted in place.

    Called through nn.Module's signature: PreTrainedModel.to wraps it with
    functools.wraps, which the stubs type as an unbound function.
    """
    module: torch.nn.Module = model
    module.to(target)
    return model
