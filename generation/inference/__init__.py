"""The generation engine: torch and transformers live here and nowhere else.

Import this package only inside Celery task bodies, `prepare_model` and
benchmarks; the web process never loads torch.
"""

from generation.inference.engine import (
    GenerationOutput,
    ModelNotAvailable,
    TextGenerator,
    clear_generator_cache,
    get_generator,
)

__all__ = ["GenerationOutput", "ModelNotAvailable", "TextGenerator", "clear_generator_cache", "get_generator"]
