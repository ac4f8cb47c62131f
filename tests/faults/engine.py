"""A stand-in generation engine for worker processes under fault injection.

tests/faults/worker.py installs it as `generation.inference` before the worker
starts, so generate_drafts_task gets it from the same seam the real engine
comes through (inference.get_generator) and no torch is imported. What it does
is chosen per request by a keyword the test puts in the request's keywords,
which the prompt carries:

- BLOCK: writes `generating-<pid>` into the control folder, then waits until
  the test writes `release` there (a test can kill the process meanwhile);
- CRASH: the worker process kills itself with SIGKILL (a poison pill);
- HANG: sleeps until the soft time limit interrupts it;
- anything else: answers at once.

Each answer is written as a draft like the real engine's, one per prompt.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

BLOCK, CRASH, HANG = "faultblock", "faultcrash", "faulthang"
CONTROL_DIR_ENV = "FAULT_CONTROL_DIR"
RELEASE = "release"
POLL_S = 0.05
# Upper bounds, so that a test that never releases or a time limit that never
# fires cannot leave a worker process behind for long.
BLOCK_LIMIT_S = 120
HANG_LIMIT_S = 300


@dataclass(frozen=True)
class Output:
    text: str
    prompt_tokens: int
    new_tokens: int
    perplexity: float | None = None


class ModelNotAvailable(RuntimeError):
    """Never raised here; the task names it in an except clause."""


class FaultyGenerator:
    model_name = "fault-engine"

    def __init__(self, control_dir: Path) -> None:
        self.control_dir = control_dir

    def generate(self, prompts, *, max_new_tokens=160, seed=None, **_sampling):
        text = " ".join(message["content"] for prompt in prompts for message in prompt)
        if CRASH in text:
            os.kill(os.getpid(), signal.SIGKILL)
        if BLOCK in text:
            (self.control_dir / f"generating-{os.getpid()}").touch()
            self._wait_for(self.control_dir / RELEASE, BLOCK_LIMIT_S)
        if HANG in text:
            self._wait_for(self.control_dir / "never", HANG_LIMIT_S)
        return [
            Output(text=f"A light pack with a phone pocket, variant {n}.", prompt_tokens=100, new_tokens=12)
            for n, _prompt in enumerate(prompts, start=1)
        ]

    @staticmethod
    def _wait_for(path: Path, limit_s: float) -> None:
        deadline = time.monotonic() + limit_s
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(POLL_S)


def install() -> None:
    """Make `generation.inference` this module's engine in the current process."""
    import generation

    generator = FaultyGenerator(Path(os.environ[CONTROL_DIR_ENV]))
    stub = types.ModuleType("generation.inference")
    stub.ModelNotAvailable = ModelNotAvailable  # type: ignore[attr-defined]
    stub.get_generator = lambda *args, **kwargs: generator  # type: ignore[attr-defined]
    sys.modules["generation.inference"] = stub
    generation.inference = stub  # type: ignore[attr-defined]
