"""generate()'s logits processors: the repetition penalty and top-k/top-p sampling.

Both give the probabilities transformers' own processors give, with less work
per decode step (BENCHMARKS.md, "Generation": sampling and the repetition
penalty).
"""

from __future__ import annotations

import math

import torch
from transformers import LogitsProcessor, LogitsProcessorList

# Sampling keeps the top_k most likely tokens, as generate()'s own default does.
TOP_K = 50


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
    that. generate() hands processors a copy of the logits of its own. Token
    ids must be below the vocabulary size, as a tokenizer's are.
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
    though at most top_k can be picked. The probabilities are the same (a test
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
