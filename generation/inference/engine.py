"""Batched text generation with a local Hugging Face causal language model.

TextGenerator ties the parts together: the loader, the precision policy,
packed weights, the prefix cache, the sampler and the scorer, each in a
module of its own. Imported only by Celery task bodies, `prepare_model` and
benchmarks: it pulls in torch, which the web process never loads. Nothing here
touches CUDA at import time, so a Celery parent may import task modules and
then fork (pytorch#40403).
"""

from __future__ import annotations

import copy
import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import torch
from transformers import PreTrainedModel, StaticCache
from transformers.cache_utils import StaticLayer

from generation.inference.loader import cpu_thread_count, load_model, model_to
from generation.inference.packing import PACK_WEIGHTS, pack_linear_weights
from generation.inference.precision import (
    DTYPES,
    canonical_precision,
    default_device,
    default_dtype,
    split_decode_max_rows,
)
from generation.inference.prefix_cache import PREFIX_CACHE_ENTRIES, PrefixCache, layer_states
from generation.inference.sampling import decoding_arguments
from generation.inference.scoring import TokenScorer, perplexity

logger = logging.getLogger(__name__)

# A static KV cache is allocated once per generate() call and written in
# place; the default dynamic cache concatenates every layer's keys and values
# at every step, a large share of each decode step (BENCHMARKS.md,
# "Generation"). Outputs are identical.
KV_CACHE = "static"

# Tokens that end an assistant turn in common chat templates. The model's EOS is
# one stop token; these are the others, so that a row never runs on into a
# made-up next turn ("<|im_start|>user ...").
END_OF_TURN_TOKENS = ("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|endoftext|>")


@dataclass(frozen=True)
class GenerationOutput:
    text: str  # decoded new text only, stripped, special tokens removed
    prompt_tokens: int
    new_tokens: int  # tokens the model produced for this row, its stop token included
    seconds: float  # wall time of the batch this row was generated in
    # exp(mean negative log-likelihood) of the new tokens under the model's own
    # distribution (before sampling settings): a fluency signal, lower is better.
    perplexity: float | None = None


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

        started = time.perf_counter()
        self.tokenizer, self.model = load_model(
            model_path, device=self.device, dtype=DTYPES[self.prefill_dtype]
        )
        # Split precision keeps a second copy of the weights for the prompt pass.
        self.prefill_model: PreTrainedModel | None = None
        if self.prefill_dtype != self.dtype:
            self.prefill_model, self.model = (
                self.model,
                model_to(copy.deepcopy(self.model), DTYPES[self.dtype]),
            )
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
        # The return type covers every combination of the flags: one conversation,
        # tokenized, without tensors or a dict, is its list of ids.
        return cast(
            list[int],
            self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=False),
        )

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
        outputs: dict[int, GenerationOutput] = {}
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
        return [outputs[row] for row in range(len(encoded))]

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
            # Typed through nn.Module's attribute lookup: generate() comes with
            # the causal LM's class (GenerationMixin) and, unless asked for a
            # dict, returns the token ids.
            generate = cast("Callable[..., torch.Tensor]", decoder.generate)
            scorer = TokenScorer(decoder)
            with scorer:
                generated = generate(
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

    def decoder_for(self, rows: int) -> PreTrainedModel:
        """The weights that decode a batch of `rows`: with split precision, the
        low-precision copy up to split_decode_max_rows rows, else the prompt
        pass's own."""
        if self.prefill_model is not None and rows > self.split_decode_max_rows:
            return self.prefill_model
        return self.model

    def _prefill(
        self, token_ids: list[list[int]], *, decoder: PreTrainedModel, max_new_tokens: int
    ) -> StaticCache | None:
        """The CPU's prompt pass: a static KV cache for the left-padded batch,
        holding every row's prompt but its last token, computed one distinct
        prompt at a time.

        Measured on the CPU (BENCHMARKS.md, "Generation"), this beats
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
        layers = [layer for layer in cache.layers if type(layer) is StaticLayer]
        if min(len(ids) for ids in token_ids) < 2 or len(layers) < len(cache.layers):
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
            for layer, own in zip(layers, computed.layers, strict=True):
                own_keys, own_values = layer_states(own)
                if not layer.is_initialized:
                    layer.lazy_initialization(
                        *(
                            states.new_zeros((len(rows), states.shape[1], 1, states.shape[3]), dtype=dtype)
                            for states in (own_keys, own_values)
                        )
                    )
                keys, values = layer_states(layer)
                keys[targets, :, start : width - 1] = own_keys.to(dtype)
                values[targets, :, start : width - 1] = own_values.to(dtype)
        for layer in layers:
            # Padding slots stay zero: the attention mask hides them.
            layer.cumulative_length.fill_(width - 1)
        return cache

    def _output(
        self, *, prompt_tokens: int, new_ids: list[int], logprobs: Sequence[float], seconds: float
    ) -> GenerationOutput:
        """Cut a generated row at its first stop token; what follows is batch padding."""
        stops = set(self.stop_token_ids)
        end = next((i for i, token in enumerate(new_ids) if token in stops), None)
        text_ids = new_ids if end is None else new_ids[:end]
        new_tokens = len(new_ids) if end is None else end + 1
        # A list of ids decodes to one string (a batch of lists, to a list of them).
        text = cast(str, self.tokenizer.decode(text_ids, skip_special_tokens=True)).strip()
        return GenerationOutput(
            text=text,
            prompt_tokens=prompt_tokens,
            new_tokens=new_tokens,
            seconds=seconds,
            # The stop token counts: ending there is part of what the model wrote.
            perplexity=perplexity(logprobs[:new_tokens]),
        )


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
