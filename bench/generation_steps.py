"""Where a decode step's time goes on a GPU: generate() vs the bare forward pass vs a CUDA graph.

    python bench/generation_steps.py --device cuda --random-weights
    python bench/generation_steps.py --device cuda --config-0.5b

For each batch size, the median milliseconds per decode step of:

- **engine**: the engine's generate() with production sampling (temperature,
  top-p, repetition penalty, the perplexity hooks), every row forced to
  STEPS new tokens: (whole call - the same call with one new token) / (STEPS - 1);
- **forward**: the model's bare forward pass, one token per row into a static
  KV cache, greedy, in a Python loop (no sampling, no stopping checks);
- **graph**: the same forward under torch.compile(mode="reduce-overhead"),
  which replays a CUDA graph per shape (the compile time is reported apart).

engine - forward is what generate()'s loop adds (logits processors, sampling,
stopping checks); forward - graph is what launching kernels one by one from
Python costs. Writes "generation_steps_cuda" (or "_0.5b") in bench/results.json;
BENCHMARKS.md's "Generation on CUDA" section renders it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generation import (  # noqa: E402  (sets up Django and the engine first)
    CONFIG_05B,
    SEED,
    bench_prompts,
    random_model_dir,
    render_cuda_section,
    synchronize,
    timed_generate,
)

# isort: split
import torch  # noqa: E402
from django.conf import settings  # noqa: E402
from transformers import StaticCache  # noqa: E402

from bench.common import save_markdown_section, save_results  # noqa: E402
from generation.inference import TextGenerator  # noqa: E402

STEPS = 64
CONTEXT = 320  # about the bench prompts' mean length
BATCH_SIZES = (1, 8, 32)
REPEATS = 3


def engine_ms(generator: TextGenerator, batch_size: int) -> float:
    prompts = (bench_prompts(16) * 4)[:batch_size]
    generator.batch_size = batch_size
    timed_generate(generator, prompts, 4)  # warm-up
    runs = []
    for _ in range(REPEATS):
        one, _, _ = timed_generate(generator, prompts, 1)
        whole, _, _ = timed_generate(generator, prompts, STEPS)
        runs.append((whole - one) / (STEPS - 1) * 1000)
    return median(runs)


def forward_ms(model: torch.nn.Module, batch_size: int, forward, repeats: int = REPEATS) -> float:
    """Median ms per greedy decode step of `forward` (the model's own, or a compiled one)."""
    device = next(model.parameters()).device
    generator = torch.Generator(device="cpu").manual_seed(SEED)
    runs = []
    for _ in range(repeats):
        cache = StaticCache(config=model.config, max_cache_len=CONTEXT + STEPS + 1)
        prompt = torch.randint(100, model.config.vocab_size, (batch_size, CONTEXT), generator=generator)
        with torch.inference_mode():
            out = model(
                input_ids=prompt.to(device),
                past_key_values=cache,
                use_cache=True,
                cache_position=torch.arange(CONTEXT, device=device),
                logits_to_keep=1,
            )
            token = out.logits[:, -1].argmax(-1, keepdim=True)
            synchronize(str(device))
            started = time.perf_counter()
            for step in range(STEPS):
                position = torch.tensor([CONTEXT + step], device=device)
                out = forward(
                    input_ids=token,
                    past_key_values=cache,
                    use_cache=True,
                    cache_position=position,
                    position_ids=position.expand(batch_size, 1),
                )
                token = out.logits[:, -1].argmax(-1, keepdim=True)
            synchronize(str(device))
        runs.append((time.perf_counter() - started) / STEPS * 1000)
    return median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dtype", default="bfloat16")
    parser.add_argument("--config-0.5b", dest="config_05b", action="store_true")
    parser.add_argument("--random-weights", action="store_true")
    parser.add_argument("--no-graph", action="store_true", help="skip the torch.compile rows")
    parser.add_argument("--batch-sizes", default=",".join(map(str, BATCH_SIZES)))
    # Compiling takes minutes per batch size on the H100 host (measured: ~150 s at B=1).
    parser.add_argument("--graph-batch-sizes", default="1", help="batch sizes to time under a CUDA graph")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(settings.GENERATION_MODEL)
        if args.config_05b or args.random_weights:
            path = random_model_dir(path, Path(scratch), CONFIG_05B if args.config_05b else None)
        generator = TextGenerator(str(path), device=args.device, dtype=args.dtype, batch_size=32)
        model = generator.model
        compiled, compile_seconds, compile_error = None, None, None
        for batch_size in map(int, args.batch_sizes.split(",")):
            row = {
                "batch_size": batch_size,
                "engine_ms": round(engine_ms(generator, batch_size), 2),
                "forward_ms": round(forward_ms(model, batch_size, model), 2),
            }
            graph_sizes = {int(size) for size in args.graph_batch_sizes.split(",")}
            if not args.no_graph and compile_error is None and batch_size in graph_sizes:
                try:
                    if compiled is None:
                        compiled = torch.compile(model.forward, mode="reduce-overhead", fullgraph=False)
                    started = time.perf_counter()
                    forward_ms(model, batch_size, compiled, repeats=1)  # compiles and records the graph
                    seconds = round(time.perf_counter() - started, 1)
                    compile_seconds = {**(compile_seconds or {}), batch_size: seconds}
                    row["graph_ms"] = round(forward_ms(model, batch_size, compiled), 2)
                except Exception as exc:  # report why, keep the other rows
                    compile_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            rows.append(row)
            print(row, flush=True)
            # Saved after every row: a run cut off by its time limit keeps what it measured.
            save(args, model, rows, compile_seconds, compile_error)


def save(
    args: argparse.Namespace, model: torch.nn.Module, rows: list, compile_seconds, compile_error
) -> None:
    cuda = args.device.startswith("cuda")
    data = {
        "device": torch.cuda.get_device_properties(args.device).name if cuda else args.device,
        "dtype": args.dtype,
        "model": "0.5b" if args.config_05b else "default",
        "parameters": sum(p.numel() for p in model.parameters()),
        "context": CONTEXT,
        "steps": STEPS,
        "rows": rows,
        "compile_seconds_first_call": compile_seconds,
        "compile_error": compile_error,
    }
    if cuda:
        save_results("generation_steps_cuda" + ("_0.5b" if args.config_05b else ""), data)
        save_markdown_section("Generation on CUDA", render_cuda_section())
    else:
        print(data)


if __name__ == "__main__":
    main()
