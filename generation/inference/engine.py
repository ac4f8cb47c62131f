"""Batched text generation with a local Hugging Face causal language model.

Imported only by Celery task bodies, `prepare_model` and benchmarks: it pulls in
torch, which the web process never loads. Nothing here touches CUDA at import
time, so a Celery parent may import task modules and then fork (pytorch#40403).
"""

from __future__ import annotations

import copy
import functools
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    DynamicCache,
    LogitsProcessor,
    LogitsProcessorList,
    StaticCache,
)
from transformers.cache_utils import StaticLayer

logger = logging.getLogger(__name__)

PREPARE_HINT = "run `python manage.py prepare_model` (or set GENERATION_MODEL to a local model directory)"

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
DTYPE_ALIASES = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}

# CPU: split precision, the prompt pass in float32 and decoding in bfloat16.
# Measured by bench/generation.py on the idle 2-core AMD EPYC dev machine (no
# avx512_bf16, no AMX), SmolLM2-135M, 96 new tokens: the bfloat16 prompt pass
# took 4-6x as long as float32's (v2 prompts: 62 vs 16 s for 16 prompts; v1:
# 97 vs 16), while bfloat16 decoding was faster at B=1 (18.0-20.0 vs 11.7-13.1
# tokens/s): a decode step reads every weight, and bf16 weights are half the
# bytes. Split precision takes the faster half of each, for a second copy of
# the weights (+270 MB). GENERATION_DTYPE=float32 (or bfloat16) overrides it.
CPU_DTYPE = "float32/bfloat16"
# A CPU with bfloat16 dot-product instructions (avx512_bf16, or AMX) runs the
# oneDNN bfloat16 kernels natively, and there plain bfloat16 wins both halves.
# Measured on a 2-core AMD EPYC with avx512_bf16 (no AMX), same bench, one
# process: the B=8 prompt pass 4.3 s in bfloat16 vs 5.1 s in float32 and 5.7 s
# split; B=8 80.5 tokens/s vs 60.3 (float32) and 61.7 (split); B=1 14.6 vs
# 11.1 and 14.0.
NATIVE_BF16_CPU_DTYPE = "bfloat16"
# ... but bfloat16 decoding only while a batch is small. With more rows a decode
# step's matmuls turn compute-bound and float32 wins again: split precision's
# whole-run speed was 1.42x float32's at 1 row and 1.18x at 4, but 0.92x at 8
# and 0.68x at 16. Bigger batches decode on the float32 copy it keeps anyway.
SPLIT_DECODE_MAX_ROWS = 4
# Those figures are from a CPU where oneDNN runs bfloat16 (AVX-512). Where it
# does not (AVX2), the bfloat16 copy stays on plain nn.Linear and ATen's slower
# kernels, and its decoding wins at one row only. Measured on a 2-core AMD EPYC
# with AVX2, one decode step at a 318-token context, float32 vs bfloat16: 1 row
# 59.0 vs 43.0 ms, 2 rows 61.6 vs 66.2, 4 rows 84.5 vs 105.8; the bench's split
# precision at B=4 ran at 36.3 tokens/s against float32's 44.0.
SPLIT_DECODE_MAX_ROWS_UNPACKED = 1
CUDA_DTYPE = "bfloat16"

# A static KV cache is allocated once per generate() call and written in
# place; the default dynamic cache concatenates every layer's keys and values
# at every step, which cost a quarter of each fp32 decode step at B=8 on the
# 2-core CPU (BENCHMARKS.md). Outputs are identical.
KV_CACHE = "static"

# CPU matmuls run on oneDNN with each weight laid out once, at load, for its
# kernels: nn.Linear's MKL sgemm on a transposed weight used a fraction of the
# 2-core AMD EPYC at the few rows of a decode step. Measured on float32 weights
# too many to stay in cache: the 576x49152 output layer 21.4 -> 6.2 ms at 8
# rows, 14.5 -> 6.5 ms at 1; a decoder layer's seven other matmuls 2.6 -> 1.6
# ms at 8 rows, 1.7 -> 1.5 ms at 1; whole fp32 decode steps 208 -> 161 ms at
# B=8, 121 -> 94 ms at B=1, in one process. Logits move in the last float
# bits only: the 16 bench prompts' texts (96 tokens, greedy and sampled) were
# unchanged. Memory: the output layer's packed copy of the embedding it is
# tied to adds 113 MB in float32 and 56 MB in bfloat16; with split precision
# and a full prefix cache the worker's RSS measured 1627 MiB against 1416
# before, its peak while loading 1885 against 1501 MiB (the weights file
# stays mapped until packing ends). PACKED_ROWS is oneDNN's batch-size hint; a
# layout for 8 rows served 1-16 rows and 300-token prompt passes as well as
# one for each.
PACK_WEIGHTS = True
PACKED_ROWS = 8

# The CPU's prompt pass starts from the key/value states of an earlier prompt
# that begins with the same tokens: prompts of one campaign share the template,
# brand, product and brief (180-283 of the bench prompts' 256-402 tokens; the
# brand comes in the first sentence, so prompts of two brands share only 10).
# Measured in one process, the 16 bench prompts' prompt pass with the cache
# emptied before the call: 10.3 -> 6.4 s at B=8, 11.3 -> 8.1 s at B=1
# (float32). PREFIX_CACHE_ENTRIES beginnings are kept, the least recently used
# dropped, each at most PREFIX_CACHE_TOKENS long (float32 SmolLM2-135M: 46 KB
# a token, 94 MB at most). A match shorter than MIN_SHARED_PREFIX is not used:
# it would cut a campaign's entry down to the chat template's opening that
# every prompt shares.
PREFIX_CACHE_ENTRIES = 4
PREFIX_CACHE_TOKENS = 512
MIN_SHARED_PREFIX = 32

# Sampling keeps the top_k most likely tokens, as generate()'s own default does.
TOP_K = 50

# Tokens that end an assistant turn in common chat templates. The model's EOS is
# one stop token; these are the others, so that a row never runs on into a
# made-up next turn ("<|im_start|>user ...").
END_OF_TURN_TOKENS = ("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|endoftext|>")


class ModelNotAvailable(RuntimeError):
    """The model directory is missing or unreadable; the message says how to fix it."""


@dataclass(frozen=True)
class GenerationOutput:
    text: str  # decoded new text only, stripped, special tokens removed
    prompt_tokens: int
    new_tokens: int  # tokens the model produced for this row, its stop token included
    seconds: float  # wall time of the batch this row was generated in
    # exp(mean negative log-likelihood) of the new tokens under the model's own
    # distribution (before sampling settings): a fluency signal, lower is better.
    perplexity: float | None = None


def default_device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def default_dtype(device: str) -> str:
    """GENERATION_DTYPE if set, else bf16 on CUDA and on a CPU with native
    bfloat16, and split precision on other CPUs (each measured)."""
    if configured := os.environ.get("GENERATION_DTYPE"):
        return canonical_precision(configured)
    if device.startswith("cuda"):
        return CUDA_DTYPE
    return NATIVE_BF16_CPU_DTYPE if native_bf16_cpu() else CPU_DTYPE


def native_bf16_cpu() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware and oneDNN uses it."""
    hardware = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    return hardware and packable(torch.bfloat16)


def canonical_precision(name: str) -> str:
    """A dtype, or "prompt-pass dtype/decoding dtype" (e.g. "fp32/bf16"), in canonical names."""
    prefill, _, decode = name.partition("/")
    prefill, decode = canonical_dtype(prefill), canonical_dtype(decode or prefill)
    return prefill if prefill == decode else f"{prefill}/{decode}"


def canonical_dtype(name: str) -> str:
    name = DTYPE_ALIASES.get(name, name)
    if name not in DTYPES:
        raise ValueError(f"Unknown dtype {name!r}; use one of {', '.join(DTYPES)}.")
    return name


def cpu_thread_count() -> int:
    """GENERATION_NUM_THREADS, else the CPUs this process may run on.

    os.cpu_count() would count the host's CPUs inside a container pinned to
    fewer; more OpenMP threads than CPUs makes every matmul wait for a
    descheduled thread (measured: 10x slower decode steps on a busy 2-core box).
    """
    if configured := os.environ.get("GENERATION_NUM_THREADS"):
        return max(1, int(configured))
    return len(os.sched_getaffinity(0))


class TextGenerator:
    """Loads a tokenizer and a causal LM once and generates for many chat prompts at a time."""

    def __init__(
        self,
        model_path: str,
        *,
        device: str | None = None,
        dtype: str | None = None,
        batch_size: int = 8,
        seed: int = 0,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1.")
        self.device = device or default_device()
        self.precision = canonical_precision(dtype or default_dtype(self.device))
        # dtype: the weights that decode; prefill_dtype: those of the prompt pass.
        self.prefill_dtype, _, self.dtype = self.precision.rpartition("/")
        self.prefill_dtype = self.prefill_dtype or self.dtype
        self.batch_size = batch_size
        self.seed = seed
        self.model_name = Path(model_path).name
        if self.device == "cpu":
            torch.set_num_threads(cpu_thread_count())

        if Path(model_path).is_absolute() and not Path(model_path).is_dir():
            raise ModelNotAvailable(f"There is no model directory at {model_path}; {PREPARE_HINT}.")
        started = time.perf_counter()
        try:
            # local_files_only: HF_HUB_OFFLINE is set, and a worker must never
            # download weights in the middle of a task.
            self.tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
            self.model = AutoModelForCausalLM.from_pretrained(
                model_path, local_files_only=True, dtype=DTYPES[self.prefill_dtype]
            )
        except (OSError, ValueError) as exc:
            raise ModelNotAvailable(
                f"Cannot load the model from {model_path!r} ({exc}); {PREPARE_HINT}."
            ) from exc
        if not self.tokenizer.chat_template:
            raise ModelNotAvailable(f"The tokenizer in {model_path!r} has no chat template; {PREPARE_HINT}.")
        # Decoder-only models continue from the last position: padding must go on the left.
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model.to(self.device).eval()
        # Split precision keeps a second copy of the weights for the prompt pass.
        self.prefill_model = None
        if self.prefill_dtype != self.dtype:
            self.prefill_model, self.model = self.model, copy.deepcopy(self.model).to(DTYPES[self.dtype])
        if self.device == "cpu" and PACK_WEIGHTS:
            for model in filter(None, (self.model, self.prefill_model)):
                pack_linear_weights(model)
        self.split_decode_max_rows = split_decode_max_rows(self.device, DTYPES[self.dtype])
        self.stop_token_ids = self._stop_token_ids()
        self.prefix_cache = PrefixCache(capacity=PREFIX_CACHE_ENTRIES)
        logger.info(
            "Loaded %s on %s in %s (%.1f s)",
            model_path,
            self.device,
            self.precision,
            time.perf_counter() - started,
        )

    def _stop_token_ids(self) -> list[int]:
        configured = self.model.generation_config.eos_token_id
        ids = set(configured if isinstance(configured, list) else [configured])
        ids.add(self.tokenizer.eos_token_id)
        vocab = self.tokenizer.get_vocab()
        ids.update(vocab[token] for token in END_OF_TURN_TOKENS if token in vocab)
        ids.discard(None)
        return sorted(ids)

    def encode(self, messages: list[dict[str, str]]) -> list[int]:
        """Prompt token ids: the chat template, ending with the assistant's turn opener."""
        return self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=False)

    def generate(
        self,
        prompts: list[list[dict[str, str]]],
        *,
        max_new_tokens: int = 160,
        temperature: float = 0.7,
        top_p: float = 0.9,
        repetition_penalty: float = 1.15,
        seed: int | None = None,
        min_new_tokens: int = 0,
    ) -> list[GenerationOutput]:
        """One output per prompt, in the order of `prompts`.

        Prompts are sorted by length so that each batch pads as little as
        possible; `temperature` 0 decodes greedily. `seed` (default: the
        generator's) makes a call reproducible; rows of one call still sample
        independently, so a prompt repeated N times gives N variants.
        `min_new_tokens` suppresses stop tokens until then (benchmarks use it
        to make runs comparable).
        """
        encoded = [self.encode(messages) for messages in prompts]
        # Longest first: an out-of-memory batch fails at once, not at the end.
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
        sampling = decoding_arguments(
            temperature=temperature, top_p=top_p, repetition_penalty=repetition_penalty
        )
        torch.manual_seed(self.seed if seed is None else seed)
        outputs: list[GenerationOutput | None] = [None] * len(encoded)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            batch_outputs = self._generate_batch(
                [encoded[i] for i in rows],
                max_new_tokens=max_new_tokens,
                min_new_tokens=min_new_tokens,
                sampling=sampling,
            )
            for row, output in zip(rows, batch_outputs, strict=True):
                outputs[row] = output
        return outputs  # type: ignore[return-value]  # every slot is filled above

    def _generate_batch(
        self,
        token_ids: list[list[int]],
        *,
        max_new_tokens: int,
        min_new_tokens: int,
        sampling: dict[str, object],
    ) -> list[GenerationOutput]:
        batch = self.tokenizer.pad({"input_ids": token_ids}, padding=True, return_tensors="pt").to(
            self.device
        )
        started = time.perf_counter()
        with torch.inference_mode():
            decoder = self.decoder_for(len(token_ids))
            prefilled = (
                self._prefill(token_ids, decoder=decoder, max_new_tokens=max_new_tokens)
                if self.device == "cpu"
                else None
            )
            cache = (
                {"past_key_values": prefilled}
                if prefilled is not None
                else {"cache_implementation": KV_CACHE}
            )
            scorer = TokenScorer(decoder)
            with scorer:
                generated = decoder.generate(
                    **batch,
                    **cache,
                    max_new_tokens=max_new_tokens,
                    # 0 would still add a processor that copies the logits at every
                    # step to suppress nothing.
                    min_new_tokens=min_new_tokens or None,
                    eos_token_id=self.stop_token_ids,
                    pad_token_id=self.tokenizer.pad_token_id,
                    # With a static cache on CUDA, transformers would torch.compile the
                    # forward once per new shape: batches of other prompt lengths would
                    # recompile again and again inside time-limited tasks.
                    disable_compile=True,
                    **sampling,
                )
        # .tolist() waits for the device, so the clock stops after the last kernel.
        new_ids = generated[:, batch["input_ids"].shape[1] :]
        logprobs = scorer.logprobs(new_ids)
        new_rows = new_ids.tolist()
        seconds = time.perf_counter() - started
        return [
            self._output(prompt_tokens=len(ids), new_ids=row, logprobs=row_logprobs, seconds=seconds)
            for ids, row, row_logprobs in zip(token_ids, new_rows, logprobs, strict=True)
        ]

    def decoder_for(self, rows: int) -> torch.nn.Module:
        """The weights that decode a batch of `rows`: with split precision, the
        low-precision copy up to split_decode_max_rows rows, else the prompt
        pass's own."""
        if self.prefill_model is not None and rows > self.split_decode_max_rows:
            return self.prefill_model
        return self.model

    def _prefill(
        self, token_ids: list[list[int]], *, decoder: torch.nn.Module, max_new_tokens: int
    ) -> StaticCache | None:
        """The CPU's prompt pass: a static KV cache for the left-padded batch,
        holding every row's prompt but its last token, computed one distinct
        prompt at a time.

        Measured on the 2-core CPU (BENCHMARKS.md "Generation"), this beats
        generate()'s own batched pass three ways: a request's variants repeat
        one prompt, which then passes through the model once; a lone prompt
        needs no padding mask, so attention takes its causal fast path over the
        prompt alone instead of the cache's full length; and with split
        precision the pass runs on the float32 copy, while decoding reads the
        half-size bfloat16 one. A prompt that begins like a recent one starts
        from that beginning's states (PrefixCache). generate() then runs each
        row's last prompt token and decodes as usual (it slices the input by
        the cache's length): sampling, stops and the repetition penalty see
        the full rows. None when the model's cache is not all plain static
        layers (e.g. sliding windows) or a prompt is a single token: generate()
        then does the pass itself.
        """
        width = max(len(ids) for ids in token_ids)
        cache = StaticCache(config=decoder.config, max_cache_len=width + max_new_tokens)
        if min(len(ids) for ids in token_ids) < 2 or any(
            type(layer) is not StaticLayer for layer in cache.layers
        ):
            return None
        model, dtype = self.prefill_model or self.model, decoder.dtype
        firsts, rows = prompt_rows(token_ids)
        for n, first in enumerate(firsts):
            ids = token_ids[first]
            # Alone, a prompt's positions 0..len-1 are what generate() derives
            # from the left-padded row's attention mask; a shared beginning's
            # states are those of the same positions.
            computed, shared = self.prefix_cache.start(ids[:-1], config=model.config)
            if shared < len(ids) - 1:
                model(
                    input_ids=torch.tensor([ids[shared:-1]], device=self.device),
                    past_key_values=computed,
                    use_cache=True,
                    logits_to_keep=1,
                )
            self.prefix_cache.remember(ids[:-1], computed, shared=shared)
            targets = [row for row, prompt in enumerate(rows) if prompt == n]
            start = width - len(ids)  # left padding: the prompt ends where the row does
            for layer, own in zip(cache.layers, computed.layers, strict=True):
                if not layer.is_initialized:
                    layer.lazy_initialization(
                        *(
                            states.new_zeros((len(rows), states.shape[1], 1, states.shape[3]), dtype=dtype)
                            for states in (own.keys, own.values)
                        )
                    )
                layer.keys[targets, :, start : width - 1] = own.keys.to(dtype)
                layer.values[targets, :, start : width - 1] = own.values.to(dtype)
        for layer in cache.layers:
            # Padding slots stay zero: the attention mask hides them.
            layer.cumulative_length.fill_(width - 1)
        return cache

    def _output(
        self, *, prompt_tokens: int, new_ids: Sequence[int], logprobs: Sequence[float], seconds: float
    ) -> GenerationOutput:
        """Cut a generated row at its first stop token; what follows is batch padding."""
        stops = set(self.stop_token_ids)
        end = next((i for i, token in enumerate(new_ids) if token in stops), None)
        text_ids = new_ids if end is None else new_ids[:end]
        new_tokens = len(new_ids) if end is None else end + 1
        text = self.tokenizer.decode(text_ids, skip_special_tokens=True).strip()
        # The stop token counts: ending there is part of what the model wrote.
        scored = logprobs[:new_tokens]
        perplexity = round(math.exp(-sum(scored) / len(scored)), 3) if scored else None
        return GenerationOutput(
            text=text,
            prompt_tokens=prompt_tokens,
            new_tokens=new_tokens,
            seconds=seconds,
            perplexity=perplexity,
        )


class PrefixCache:
    """Key/value states of the beginnings of recent prompts, by token ids.

    A prompt's states at a position depend on its tokens up to there alone,
    so a prompt that begins with an entry's first N tokens can start from
    the entry's first N states. An entry that served a prompt is cut to what
    they shared (what the next prompts of a campaign will share too); a prompt
    that found none becomes an entry, up to PREFIX_CACHE_TOKENS long.

    The states reused come from another pass (over the entry's own prompt),
    equal to the prompt's own up to float32 rounding (1e-5): greedy texts of
    the 16 bench prompts were the same with and without the cache when
    decoding in float32. Decoding in bfloat16 (split precision's small batches)
    rounds such differences into whole bfloat16 steps, and 9 of 16 texts
    parted after some tokens, as they do between batch sizes without the
    cache (6 of 8 between B=1 and B=2). Not thread-safe, as generate() is not.
    """

    def __init__(self, *, capacity: int) -> None:
        self.capacity = capacity
        self.entries: OrderedDict[tuple[int, ...], list[tuple[torch.Tensor, torch.Tensor]]] = OrderedDict()

    def start(self, ids: Sequence[int], *, config: object) -> tuple[DynamicCache, int]:
        """A cache holding the states of the longest shared beginning of `ids`
        (at least MIN_SHARED_PREFIX tokens, else none), and its length."""
        tokens, shared = self._longest_match(ids)
        if not shared:
            return DynamicCache(config=config), 0
        states = [(keys[:, :, :shared], values[:, :, :shared]) for keys, values in self.entries[tokens]]
        # DynamicCache copies them: the prompt pass extends its own tensors.
        return DynamicCache(states, config=config), shared

    def remember(self, ids: Sequence[int], computed: DynamicCache, *, shared: int) -> None:
        """Keep the beginning of a prompt whose pass left its states in `computed`."""
        if not self.capacity:
            return
        if shared:
            tokens, _ = self._longest_match(ids)
            if len(tokens) == shared:
                self.entries.move_to_end(tokens)
                return
            states = self.entries.pop(tokens)
        else:
            shared = min(len(ids), PREFIX_CACHE_TOKENS)
            states = [(layer.keys, layer.values) for layer in computed.layers]
            if shared < MIN_SHARED_PREFIX:
                return
        # Copies, so that no entry holds on to a longer tensor than its own.
        self.entries[tuple(ids[:shared])] = [
            (keys[:, :, :shared].clone(), values[:, :, :shared].clone()) for keys, values in states
        ]
        while len(self.entries) > self.capacity:
            self.entries.popitem(last=False)

    def _longest_match(self, ids: Sequence[int]) -> tuple[tuple[int, ...], int]:
        best, best_shared = (), 0
        for tokens in self.entries:
            shared = shared_prefix_length(tokens, ids)
            if shared > best_shared:
                best, best_shared = tokens, shared
        return (best, best_shared) if best_shared >= MIN_SHARED_PREFIX else ((), 0)

    def clear(self) -> None:
        self.entries.clear()


def shared_prefix_length(first: Sequence[int], second: Sequence[int]) -> int:
    """How many leading tokens two sequences have in common."""
    return next(
        (i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
        min(len(first), len(second)),
    )


class TokenScorer:
    """Log-probabilities, under the model, of the tokens generate() picks.

    Hooks on the model's forward: each call's last-position logits become a
    log-softmax kept until the next call, whose input is the token picked from
    them. Only one step's distribution is held at a time (no per-step logits
    for the whole batch), and the numbers are the model's own, before the
    repetition penalty, temperature or top-p shaped the sampling.
    """

    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model
        self.last: torch.Tensor | None = None
        self.picked: list[torch.Tensor] = []
        self.handles: list[torch.utils.hooks.RemovableHandle] = []

    def __enter__(self) -> TokenScorer:
        self.handles = [
            self.model.register_forward_pre_hook(self._before, with_kwargs=True),
            self.model.register_forward_hook(self._after, with_kwargs=True),
        ]
        return self

    def __exit__(self, *exc_info: object) -> None:
        for handle in self.handles:
            handle.remove()

    def _before(self, module: torch.nn.Module, args: tuple, kwargs: dict) -> None:
        ids = kwargs.get("input_ids")
        # The first call (a prompt, or its last token after our own prompt
        # pass) has nothing picked yet.
        if self.last is not None and ids is not None and ids.shape[1] == 1:
            self.picked.append(self.last.gather(1, ids).squeeze(1))

    def _after(self, module: torch.nn.Module, args: tuple, kwargs: dict, output: object) -> None:
        self.last = torch.log_softmax(output.logits[:, -1].float(), dim=-1)

    def logprobs(self, new_ids: torch.Tensor) -> list[list[float]]:
        """Per row, each picked token's log-probability (none if the model never ran)."""
        if self.last is None or new_ids.shape[1] == 0:
            return [[] for _row in range(new_ids.shape[0])]
        last = self.last.gather(1, new_ids[:, -1:]).squeeze(1)
        return torch.stack([*self.picked, last], dim=1).tolist()


def decoding_arguments(*, temperature: float, top_p: float, repetition_penalty: float) -> dict[str, object]:
    """generate()'s arguments: the repetition penalty, then greedy decoding
    (`temperature` 0) or NucleusSampler's draw, which generate() then picks
    by argmax."""
    processors: list[LogitsProcessor] = []
    if repetition_penalty != 1.0:
        processors.append(RepetitionPenalty(repetition_penalty))
    if temperature > 0:
        processors.append(NucleusSampler(temperature=temperature, top_k=TOP_K, top_p=top_p))
    return {"do_sample": False, "logits_processor": LogitsProcessorList(processors)}


class RepetitionPenalty(LogitsProcessor):
    """transformers' RepetitionPenaltyLogitsProcessor, in place: the same
    scores without its padded copy of the logits and the scattered copy of
    that (together with passing min_new_tokens 0 as None: between B=8 decode
    steps 4.6 -> 3.3 ms). generate() hands processors a copy of the logits of
    its own. Token ids must be below the vocabulary size, as a tokenizer's are.
    """

    def __init__(self, penalty: float) -> None:
        self.penalty = penalty

    def __call__(self, input_ids: torch.LongTensor, scores: torch.Tensor) -> torch.Tensor:
        seen = scores.gather(1, input_ids)
        return scores.scatter_(1, input_ids, torch.where(seen < 0, seen * self.penalty, seen / self.penalty))


class NucleusSampler(LogitsProcessor):
    """Temperature, top-k and top-p sampling on the top-k candidates alone.

    generate()'s own sampling keeps the same tokens (its temperature, top-k and
    top-p warpers) but sorts the whole 49,152-token vocabulary for top-p and
    draws an exponential random number for every token of it (multinomial),
    though at most top_k can be picked: 4 and 9 ms of a B=8 decode step on the
    2-core CPU. Measured between two decode steps' forward passes: 22.3 -> 7.2
    ms at B=8, 6.9 -> 3.5 ms at B=1. The probabilities are the same (a test
    holds them to the warpers'); the random numbers are others, so a seed
    gives other sampled texts than generate()'s sampling gave. The scores
    returned are 0 for the picked token and -inf elsewhere, for generate()'s
    greedy argmax.
    """

    def __init__(self, *, temperature: float, top_k: int, top_p: float) -> None:
        self.temperature, self.top_k, self.top_p = temperature, top_k, top_p

    def __call__(self, input_ids: torch.LongTensor, scores: torch.Tensor) -> torch.Tensor:
        candidates, probs = self.candidates(scores)
        picked = candidates.gather(1, torch.multinomial(probs, num_samples=1))
        return torch.full_like(scores, -math.inf).scatter_(1, picked, 0.0)

    def candidates(self, scores: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per row, the top_k token ids, most likely first, and the
        probabilities to pick them with (0 for those top-p leaves out)."""
        top, candidates = scores.topk(min(self.top_k, scores.shape[-1]))
        probs = (top / self.temperature).softmax(dim=-1)
        # As TopPLogitsWarper: drop the least likely tokens while their
        # cumulative probability stays within 1 - top_p; keep the most likely.
        dropped = (probs.flip(-1).cumsum(dim=-1) <= 1 - self.top_p).flip(-1)
        dropped[:, 0] = False
        return candidates, probs.masked_fill(dropped, 0.0)


class PackedLinear(torch.nn.Module):
    """An inference-only nn.Linear whose weight oneDNN laid out once for its own matmul."""

    def __init__(self, linear: torch.nn.Linear, *, tied: bool) -> None:
        super().__init__()
        self.in_features, self.out_features = linear.in_features, linear.out_features
        packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), PACKED_ROWS)
        # A parameter, so that parameters() counts and sizes the model as
        # before; but a weight tied to another layer's is that parameter, laid out anew.
        self.weight = packed if tied else torch.nn.Parameter(packed, requires_grad=False)
        self.bias = linear.bias

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return torch.ops.mkldnn._linear_pointwise(hidden, self.weight, self.bias, "none", [None], "")


def packable(dtype: torch.dtype) -> bool:
    """Whether oneDNN runs this dtype's matmuls natively here: float32 on any
    x86, bfloat16 only with the AVX-512 instructions it needs (elsewhere plain
    nn.Linear does not use oneDNN for bfloat16 either)."""
    if not torch.backends.mkldnn.is_available():
        return False
    return dtype == torch.float32 or (
        dtype == torch.bfloat16 and torch.ops.mkldnn._is_mkldnn_bf16_supported()
    )


def split_decode_max_rows(device: str, dtype: torch.dtype) -> int:
    """Up to how many rows split precision decodes on its low-precision copy."""
    if device != "cpu" or (PACK_WEIGHTS and packable(dtype)):
        return SPLIT_DECODE_MAX_ROWS
    return SPLIT_DECODE_MAX_ROWS_UNPACKED


def pack_linear_weights(model: torch.nn.Module) -> None:
    """Swap the model's nn.Linear layers for PackedLinear ones, in place.

    An untied layer's own weight is dropped with it; a weight tied to the
    input embedding (SmolLM2's output layer) stays for the embedding, so the
    packed copy adds its size (113 MB in float32 for SmolLM2-135M).
    """
    if not packable(model.dtype):
        return
    linears = {name: module for name, module in model.named_modules() if type(module) is torch.nn.Linear}
    others = {
        id(param)
        for module in model.modules()
        if type(module) is not torch.nn.Linear
        for param in module.parameters(recurse=False)
    }
    for name, linear in linears.items():
        model.set_submodule(name, PackedLinear(linear, tied=id(linear.weight) in others))
    # The loader maps the weights file into memory: the weights left unpacked
    # (embedding, norms) would keep all of it mapped and resident (+500 MB RSS
    # measured), so they take copies of their own.
    for param in model.parameters():
        if param.layout == torch.strided:
            param.data = param.data.clone()


def prompt_rows(token_ids: Sequence[Sequence[int]]) -> tuple[list[int], list[int]]:
    """The batch index of each distinct prompt's first row, and for every row
    the position of its prompt among those distinct prompts."""
    first_of: dict[tuple[int, ...], int] = {}
    rows = [first_of.setdefault(tuple(ids), len(first_of)) for ids in token_ids]
    firsts = [rows.index(n) for n in range(len(first_of))]
    return firsts, rows


# A worker holds one model: a second configuration replaces the first instead of
# keeping two copies in (GPU) memory.
@functools.lru_cache(maxsize=1)
def _cached_generator(model_path: str, batch_size: int, seed: int) -> TextGenerator:
    return TextGenerator(model_path, batch_size=batch_size, seed=seed)


# A threads pool could otherwise load the same model twice at once.
_load_lock = threading.Lock()


def get_generator(model_path: str, *, batch_size: int = 8, seed: int = 0) -> TextGenerator:
    """Per-process cache: the first call loads, later calls return the same object."""
    with _load_lock:
        return _cached_generator(model_path, batch_size, seed)


def clear_generator_cache() -> None:
    """Drop the cached generator (tests; a worker keeps its model for life)."""
    with _load_lock:
        _cached_generator.cache_clear()
