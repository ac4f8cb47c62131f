"""`python -m tests.faults.worker <celery worker options>`: a real Celery
worker of the cocreate app whose generation engine is tests/faults/engine.py.

The engine is installed before the app loads, in the parent process, so every
prefork child inherits it; everything else (settings, tasks, routing, time
limits, acks) is the project's own.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

from tests.faults.engine import install  # noqa: E402

install()

from cocreate.celery import app  # noqa: E402

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
