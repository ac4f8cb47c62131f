"""Key/value states of the beginnings of recent prompts, for the CPU's prompt pass.

Prompts of one campaign share the template, brand, product and brief, most of
their tokens; the brand comes in the first sentence, so prompts of two brands
share little more than the chat template's opening. A prompt that begins like
a recent one starts from that beginning's states (the time it saves and the
memory it takes: BENCHMARKS.md, "Generation").
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from transformers import DynamicCache, PreTrainedConfig
from transformers.cache_utils import CacheLayerMixin

# Beginnings kept, the least recently used dropped first, each at most
# PREFIX_CACHE_TOKENS long. A match shorter than MIN_SHARED_PREFIX is not
# used: it would cut a campaign's entry down to the chat template's opening
# that every prompt shares.
PREFIX_CACHE_ENTRIES = 4
PREFIX_CACHE_TOKENS = 512
MIN_SHARED_PREFIX = 32


class PrefixCache:
    """Key/value states of the beginnings of recent prompts, by token ids.

    A prompt's states at a position depend on its tokens up to there alone,
    so a prompt that begins with an entry's first N tokens can start from
    the entry's first N states. An entry that served a prompt is cut to what
    they shared (what the next prompts of a campaign will share too); a prompt
    that found none becomes an entry, up to PREFIX_CACHE_TOKENS long.

    The states reused come from another pass (over the entry's own prompt),
    equal to the prompt's own up to float32 rounding: greedy texts are the
    same with and without the cache when decoding in float32. Decoding in
    bfloat16 (split precision's small batches) rounds such differences into
    whole bfloat16 steps, and some texts part after a few tokens, as they do
    between batch sizes without the cache (BENCHMARKS.md, "Generation").
    Not thread-safe, as generate() is not.
    """

    def __init__(self, *, capacity: int) -> None:
        self.capacity = capacity
        self.entries: OrderedDict[tuple[int, ...], list[tuple[torch.Tensor, torch.Tensor]]] = OrderedDict()

    def start(self, ids: Sequence[int], *, config: PreTrainedConfig) -> tuple[DynamicCache, int]:
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
            states = [layer_states(layer) for layer in computed.layers]
            if shared < MIN_SHARED_PREFIX:
                return
        # Copies, so that no entry holds on to a longer tensor than its own.
        self.entries[tuple(ids[:shared])] = [
            (keys[:, :, :shared].clone(), values[:, :, :shared].clone()) for keys, values in states
        ]
        while len(self.entries) > self.capacity:
            self.entries.popitem(last=False)

    def _longest_match(self, ids: Sequence[int]) -> tuple[tuple[int, ...], int]:
        best: tuple[int, ...] = ()
        best_shared = 0
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


def layer_states(layer: object) -> tuple[torch.Tensor, torch.Tensor]:
    """A cache layer's keys and values once a pass has filled them.

    Cache layers declare both optional (None until their first update), and
    a cache may mix in layers that hold other states (linear attention).
    """
    if isinstance(layer, CacheLayerMixin) and layer.keys is not None and layer.values is not None:
        return layer.keys, layer.values
    raise TypeError(f"A {type(layer).__name__} holds no key/value states.")
