"""Model fixtures for the engine tests.

torch and transformers are imported inside the fixtures: the other generation
tests (services, tasks, prompts) never pay for them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Survives between runs (var/ is git-ignored): the real model is converted once per GGUF.
TEST_CACHE = ROOT / "var" / "test-cache"
# Enough of the GGUF's sha256 to tell two versions of the file apart.
SHA_PREFIX = 12
# Small enough to generate in milliseconds, large enough to have heads and GQA.
TINY_LLAMA = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 2048,
}
TINY_WEIGHTS_SEED = 1234


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight two-layer Llama with the real SmolLM2 tokenizer (read from the GGUF)."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from generation.inference.convert import default_gguf_path

    gguf = default_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name, local_files_only=True)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
        **TINY_LLAMA,
    )
    torch.manual_seed(TINY_WEIGHTS_SEED)
    model = LlamaForCausalLM(config)
    path = tmp_path_factory.mktemp("models") / "tiny-llama"
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def prepared_model_dir() -> Path:
    """The real default model, converted once per GGUF version and kept under var/test-cache/.

    prepare_model_dir holds a filelock.FileLock beside the target while it
    checks and converts, so parallel xdist workers convert once and the others
    wait; a later run finds the directory complete and returns at once.
    """
    from generation.inference.convert import default_gguf_path, file_sha256, prepare_model_dir

    gguf = default_gguf_path()
    target = TEST_CACHE / f"smollm2-{file_sha256(gguf)[:SHA_PREFIX]}"
    prepare_model_dir(target, gguf_path=gguf)
    return target


@pytest.fixture
def fresh_generator_cache():
    """Each test that uses get_generator starts, and leaves, with nothing loaded."""
    from generation.inference import clear_generator_cache

    clear_generator_cache()
    yield
    clear_generator_cache()
