"""The device and dtypes the engine runs in.

CUDA runs bfloat16. On the CPU the choice depends on whether it multiplies
bfloat16 in hardware and whether oneDNN runs bfloat16 there, as measured in
BENCHMARKS.md ("Generation": precision by CPU). GENERATION_DTYPE overrides it.
"""

from __future__ import annotations

import os

import torch

from generation.inference.packing import PACK_WEIGHTS, packable

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
DTYPE_ALIASES = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}

# CPU: split precision, the prompt pass in float32 and decoding in bfloat16.
# Without bfloat16 instructions a bfloat16 prompt pass takes several times as
# long as float32's, while decoding, which reads every weight at every step,
# gains from weights of half the bytes. Split precision takes the faster half
# of each, for a second copy of the weights.
CPU_DTYPE = "float32/bfloat16"
# A CPU with bfloat16 dot-product instructions (avx512_bf16, or AMX) runs the
# oneDNN bfloat16 kernels natively, and there plain bfloat16 wins both halves.
NATIVE_BF16_CPU_DTYPE = "bfloat16"
# ... but bfloat16 decoding only while a batch is small: with more rows a
# decode step's matmuls turn compute-bound and float32 wins again. Bigger
# batches decode on the float32 copy split precision keeps anyway.
SPLIT_DECODE_MAX_ROWS = 4
# That limit holds where oneDNN runs bfloat16 (AVX-512). Where it does not
# (AVX2), the bfloat16 copy stays on plain nn.Linear and ATen's slower
# kernels, and its decoding wins at one row only.
SPLIT_DECODE_MAX_ROWS_UNPACKED = 1
CUDA_DTYPE = "bfloat16"


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


def split_decode_max_rows(device: str, dtype: torch.dtype) -> int:
    """Up to how many rows split precision decodes on its low-precision copy."""
    if device != "cpu" or (PACK_WEIGHTS and packable(dtype)):
        return SPLIT_DECODE_MAX_ROWS
    return SPLIT_DECODE_MAX_ROWS_UNPACKED
