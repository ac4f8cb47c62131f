"""The Celery app. Settings live in cocreate/settings.py under CELERY_*.

Queues: `default` (web-side work: webhooks, embeddings, digests) and `gpu`
(generation). The GPU worker runs one process per GPU; the model is loaded
lazily inside the first task, never in the parent process (pytorch#40403).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

app = Celery("cocreate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
