"""`manage.py prepare_model`: the real conversion (slow) and its install rules (fast, with a fake writer)."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from generation.inference import TextGenerator, convert

# Words that any English sentence about a product is all but certain to use.
ENGLISH_WORDS = {"the", "a", "an", "and", "with", "for", "of", "to", "is", "your", "in", "it", "this"}


def prepare(output: Path, *args: str) -> str:
    out = StringIO()
    call_command("prepare_model", "--output", str(output), *args, stdout=out)
    return out.getvalue()


def looks_like_english(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    return len(words) >= 3 and bool(ENGLISH_WORDS & set(words))


# --- the real conversion -------------------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The command run once, for real, into an empty directory: (output dir, what it printed)."""
    output = tmp_path_factory.mktemp("prepare") / "smollm2"
    return output, prepare(output)


@pytest.mark.slow
def test_prepare_model_writes_a_directory_that_transformers_loads_offline(converted):
    from transformers import AutoModelForCausalLM

    output, _ = converted

    model = AutoModelForCausalLM.from_pretrained(output, local_files_only=True)

    assert model.config.model_type == "llama"


@pytest.mark.slow
def test_the_converted_tokenizer_keeps_the_chat_template_and_pads_on_the_left(converted):
    from transformers import AutoTokenizer

    output, _ = converted

    tokenizer = AutoTokenizer.from_pretrained(output, local_files_only=True)

    assert "<|im_start|>" in tokenizer.chat_template
    assert tokenizer.padding_side == "left"


@pytest.mark.slow
def test_prepare_model_prints_each_step_with_its_seconds(converted):
    _, printed = converted

    steps = re.findall(r"^\[(\d)/(\d)\] .+ \(\d+\.\d s\)$", printed, flags=re.MULTILINE)

    assert steps == [(str(n), str(len(convert.Step))) for n in range(1, len(convert.Step) + 1)]


@pytest.mark.slow
def test_a_second_run_is_a_no_op_that_says_so(converted):
    output, _ = converted
    weights = output / "model.safetensors"
    written_at = weights.stat().st_mtime_ns

    printed = prepare(output)

    assert "already complete" in printed
    assert weights.stat().st_mtime_ns == written_at


@pytest.mark.slow
def test_the_real_model_writes_english_for_a_product_prompt(prepared_model_dir):
    generator = TextGenerator(str(prepared_model_dir), device="cpu", batch_size=1)
    prompt = [
        {
            "role": "user",
            "content": "Write two sentences describing a lightweight waterproof hiking backpack.",
        }
    ]

    [output] = generator.generate([prompt], max_new_tokens=20, seed=0)

    assert 0 < output.new_tokens <= 20
    assert looks_like_english(output.text), output.text


# --- install rules, with a fake writer standing in for the conversion -----------


@pytest.fixture
def fake_writer(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replaces the conversion with one that writes a complete set of stub files."""
    written: list[Path] = []

    def write(gguf_path: Path, target: Path, progress: convert.Progress) -> None:
        for name in convert.REQUIRED_FILES:
            (target / name).write_text(f"run {len(written)}")
        written.append(target)

    monkeypatch.setattr(convert, "write_model_dir", write)
    return written


def test_force_converts_a_complete_directory_again(tmp_path, fake_writer):
    output = tmp_path / "model"
    prepare(output)

    prepare(output, "--force")

    assert len(fake_writer) == 2
    assert (output / "config.json").read_text() == "run 1"


def test_an_incomplete_directory_is_converted_again_without_force(tmp_path, fake_writer):
    output = tmp_path / "model"
    output.mkdir()
    (output / "config.json").write_text("left by a crashed copy")

    prepare(output)

    assert (output / "config.json").read_text() == "run 0"


def test_a_crash_during_conversion_leaves_neither_a_model_nor_a_partial_directory(tmp_path, monkeypatch):
    def crash(gguf_path: Path, target: Path, progress: convert.Progress) -> None:
        (target / "config.json").write_text("{}")
        raise RuntimeError("killed mid-conversion")

    monkeypatch.setattr(convert, "write_model_dir", crash)
    output = tmp_path / "model"

    with pytest.raises(RuntimeError, match="killed mid-conversion"):
        prepare(output)

    assert [path.name for path in tmp_path.iterdir() if path.is_dir()] == []


def test_the_model_directory_is_readable_by_workers_running_as_another_user(tmp_path, fake_writer):
    output = tmp_path / "model"

    prepare(output)

    modes = {oct(path.stat().st_mode & 0o777) for path in output.iterdir()}
    assert (oct(output.stat().st_mode & 0o777), modes) == ("0o755", {"0o644"})
