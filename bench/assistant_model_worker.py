"""`python -m bench.assistant_model_worker <celery worker options>`: a Celery
worker of the cocreate app whose answers never quote, so the model writes
every one.

bench/assistant.py times with it the answers that no single sentence of the
sources gives (the model's path, rare on the labelled questions), which is
where the CPU the two model processes share matters. The patch is made before
the worker starts, in the parent, so its prefork child inherits it; all else
is the project's own.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

import django  # noqa: E402

django.setup()

from assistant import answering  # noqa: E402
from cocreate.celery import app  # noqa: E402

answering._quoted_sentences = lambda reading, passages: []

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
