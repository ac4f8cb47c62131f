"""The model's own likelihood of the tokens generate() picks: each row's perplexity."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers.modeling_outputs import CausalLMOutputWithPast


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

    def _after(
        self, module: torch.nn.Module, args: tuple, kwargs: dict, output: CausalLMOutputWithPast
    ) -> None:
        # Every field of a ModelOutput is optional; a causal LM's forward
        # always sets its logits.
        assert output.logits is not None
        self.last = torch.log_softmax(output.logits[:, -1].float(), dim=-1)

    def logprobs(self, new_ids: torch.Tensor) -> list[list[float]]:
        """Per row, each picked token's log-probability (none if the model never ran)."""
        if self.last is None or new_ids.shape[1] == 0:
            return [[] for _row in range(new_ids.shape[0])]
        last = self.last.gather(1, new_ids[:, -1:]).squeeze(1)
        return torch.stack([*self.picked, last], dim=1).tolist()


def perplexity(logprobs: Sequence[float]) -> float | None:
    """exp(mean negative log-likelihood) of a row's tokens; None for no tokens."""
    return round(math.exp(-sum(logprobs) / len(logprobs)), 3) if logprobs else None
