"""The engine's CUDA path, on a GPU: the device machine runs these (BENCHMARKS.md
"Generation on CUDA"); CI has no GPU, so there they are skipped, and
tests/generation/test_engine.py covers the shared logic on the CPU.

The model is the tiny random-weight Llama of conftest.py with the real tokenizer.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from generation.inference import TextGenerator
from tests.generation.conftest import record_generate_results

ROOT = Path(__file__).resolve().parents[2]
NEW_TOKENS = 12

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU; CI has none")


def chat(text: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": "You write product copy."}, {"role": "user", "content": text}]


# Different lengths in no order, so that batches pad on the left.
PROMPTS = [chat("A mug."), chat("durable " * 120), chat("A bottle. " * 5), chat("light " * 40)]


@pytest.fixture(scope="module")
def fp32(tiny_model_dir: Path) -> TextGenerator:
    return TextGenerator(str(tiny_model_dir), device="cuda", dtype="float32", batch_size=4)


def test_on_cuda_the_weights_go_to_the_gpu_in_bf16_and_outputs_keep_the_prompts_order(
    tiny_model_dir, monkeypatch
):
    monkeypatch.delenv("GENERATION_DTYPE", raising=False)
    generator = TextGenerator(str(tiny_model_dir), device="cuda", batch_size=2)

    outputs = generator.generate(PROMPTS, max_new_tokens=NEW_TOKENS)

    weights = next(generator.model.parameters())
    assert (weights.device.type, weights.dtype, generator.prefill_model) == ("cuda", torch.bfloat16, None)
    assert [o.prompt_tokens for o in outputs] == [len(generator.encode(p)) for p in PROMPTS]
    assert all(0 < o.new_tokens <= NEW_TOKENS for o in outputs)
    assert all(o.perplexity > 1 and math.isfinite(o.perplexity) for o in outputs)


def test_on_cuda_a_left_padded_batch_decodes_greedily_as_each_prompt_alone_does(fp32):
    fp32.batch_size = 4
    batched = fp32.generate(PROMPTS, max_new_tokens=NEW_TOKENS, temperature=0)
    fp32.batch_size = 1
    alone = fp32.generate(PROMPTS, max_new_tokens=NEW_TOKENS, temperature=0)
    fp32.batch_size = 4

    assert [(o.text, o.new_tokens) for o in batched] == [(o.text, o.new_tokens) for o in alone]
    assert [o.perplexity for o in batched] == pytest.approx([o.perplexity for o in alone], rel=1e-3)
    assert len({o.text for o in batched}) > 1  # the rows are not all one text


@pytest.mark.parametrize("temperature", [0, 1.0])
def test_on_cuda_perplexity_is_the_models_own_likelihood_of_the_new_tokens(fp32, monkeypatch, temperature):
    returned = record_generate_results(fp32, monkeypatch)
    prompt = fp32.encode(PROMPTS[2])

    (output,) = fp32.generate([PROMPTS[2]], max_new_tokens=NEW_TOKENS, temperature=temperature)

    new = returned[0][0, len(prompt) : len(prompt) + output.new_tokens].tolist()
    with torch.inference_mode():
        logits = fp32.model(input_ids=torch.tensor([prompt + new], device="cuda")).logits[0].float()
    logprobs = torch.log_softmax(logits[len(prompt) - 1 : -1], dim=-1)
    picked = logprobs.gather(1, torch.tensor(new, device="cuda")[:, None]).squeeze(1)
    assert output.perplexity == pytest.approx(torch.exp(-picked.mean()).item(), rel=1e-3)


def test_on_cuda_the_same_seed_gives_the_same_samples_and_another_seed_others(fp32):
    first = fp32.generate(PROMPTS, max_new_tokens=NEW_TOKENS, seed=7)
    again = fp32.generate(PROMPTS, max_new_tokens=NEW_TOKENS, seed=7)
    other = fp32.generate(PROMPTS, max_new_tokens=NEW_TOKENS, seed=8)

    assert [o.text for o in first] == [o.text for o in again]
    assert [o.text for o in first] != [o.text for o in other]


def test_a_forked_child_generates_on_cuda_after_its_parent_imported_the_tasks(tiny_model_dir):
    """What the gpu worker's prefork pool does: the parent imports the task
    modules (and so the engine) and forks; each child then loads the model on
    CUDA. A parent that had initialised CUDA would leave its children unable to
    use it ("Cannot re-initialize CUDA in forked subprocess")."""
    script = f"""
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
django.setup()
import torch
import generation.tasks
from generation.inference import TextGenerator
from tests.generation.conftest import record_generate_results
pid = os.fork()
if pid == 0:
    try:
        generator = TextGenerator({str(tiny_model_dir)!r}, device="cuda")
        (output,) = generator.generate([[{{"role": "user", "content": "A mug."}}]], max_new_tokens=4)
        os._exit(0 if output.new_tokens > 0 else 3)
    except BaseException as exc:
        print("child failed:", repr(exc), flush=True)
        os._exit(2)
_, status = os.waitpid(pid, 0)
print("child exit", os.waitstatus_to_exitcode(status), "parent initialised", torch.cuda.is_initialized())
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)

    assert result.stdout.strip().splitlines()[-1:] == ["child exit 0 parent initialised False"], (
        result.stdout + result.stderr
    )
