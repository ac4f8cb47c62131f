"""The Celery app. Settings, routes included, live in cocreate/settings/celery.py.

Queues: `default` (web-side work: embeddings, digests, sweeps), `webhooks`
(deliveries), `gpu` (drafts and personalised messages) and `answers`
(shoppers' questions, on a worker process of their own so that they never
wait for a draft). The model workers run one process each; the model is
loaded lazily inside the first task, never in the parent process
(pytorch#40403).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

app = Celery("cocreate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
