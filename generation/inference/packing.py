"""CPU matmuls on oneDNN, each linear layer's weight laid out once, at load, for its kernels.

nn.Linear's sgemm on a transposed weight used a fraction of the CPU at the few
rows of a decode step; oneDNN's own linear op on a reordered weight made whole
decode steps faster at every batch size, for the memory of the output layer's
packed copy. Logits move in the last float bits only (BENCHMARKS.md,
"Generation": weights reordered for oneDNN).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

PACK_WEIGHTS = True
# oneDNN's batch-size hint: a layout for 8 rows served smaller and larger
# batches and whole prompt passes as well as a layout made for each.
PACKED_ROWS = 8


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


def pack_linear_weights(model: PreTrainedModel) -> None:
    """Swap the model's nn.Linear layers for PackedLinear ones, in place.

    An untied layer's own weight is dropped with it; a weight tied to the
    input embedding (SmolLM2's output layer) stays for the embedding, so the
    packed copy adds its size.
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
    # (embedding, norms) would keep all of it mapped and resident, so they
    # take copies of their own.
    for param in model.parameters():
        if param.layout == torch.strided:
            param.data = param.data.clone()
