"""The generation engine: torch and transformers live here and nowhere else.

Import this package only inside Celery task bodies, `prepare_model` and
benchmarks; the web process never loads torch.
"""

import os

# torch's OpenMP runtime (libgomp) spins while a thread waits for the others.
# When the worker shares its cores (the 2-core dev box runs the site, both
# workers and tests side by side), a spinning thread that gets descheduled
# stalls every matmul: B=8 decode steps took ~3 s instead of ~0.3 s. PASSIVE
# threads sleep instead. libgomp reads this once, when torch loads, so it holds
# where this package is the first to import torch (the GPU worker, prepare_model,
# bench/generation.py); an explicit OMP_WAIT_POLICY wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from generation.inference.engine import (  # noqa: E402
    GenerationOutput,
    ModelNotAvailable,
    TextGenerator,
    clear_generator_cache,
    get_generator,
)

__all__ = ["GenerationOutput", "ModelNotAvailable", "TextGenerator", "clear_generator_cache", "get_generator"]
