"""The generation engine: torch and transformers live here and nowhere else.

Import this package only inside Celery task bodies, `prepare_model` and
benchmarks; the web process never loads torch.
"""

import os

# torch's OpenMP runtime (libgomp) spins while a thread waits for the others.
# When the worker shares its cores with the site, the other worker or tests, a
# spinning thread that gets descheduled stalls every matmul (BENCHMARKS.md,
# "Generation"); PASSIVE threads sleep instead. libgomp reads this once, when
# torch loads, so it holds where this package is the first to import torch (the
# GPU worker, prepare_model, bench/generation.py); an explicit OMP_WAIT_POLICY wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# The loader first: it switches the Hub offline before transformers is imported.
from generation.inference.loader import ModelNotAvailable  # noqa: E402

# isort: split
from generation.inference.engine import (  # noqa: E402
    GenerationOutput,
    TextGenerator,
    clear_generator_cache,
    get_generator,
)

__all__ = ["GenerationOutput", "ModelNotAvailable", "TextGenerator", "clear_generator_cache", "get_generator"]
