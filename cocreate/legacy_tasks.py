"""Task names from before the apps were split, kept for one release.

Messages already queued under an old name (a broker that was not drained
before the upgrade, a retry's countdown, a beat schedule file) still find a
task: each old name forwards its arguments to the task that replaced it,
which then runs on its own queue with its own limits. Remove after the next
release.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from generation import tasks as generation_tasks
from intelligence import tasks as intelligence_tasks
from notifications import tasks as notifications_tasks
from webhooks import tasks as webhooks_tasks

RENAMED: dict[str, Task] = {
    "campaigns.tasks.deliver_webhook_task": webhooks_tasks.deliver_webhook_task,
    "campaigns.tasks.webhooks_publish_stranded_task": webhooks_tasks.webhooks_publish_stranded_task,
    "campaigns.intelligence.tasks.idea_embed_task": intelligence_tasks.idea_embed_task,
    "campaigns.intelligence.tasks.comment_analyse_task": intelligence_tasks.comment_analyse_task,
    "campaigns.intelligence.tasks.embeddings_backfill_task": intelligence_tasks.embeddings_backfill_task,
    "campaigns.intelligence.tasks.themes_compute_task": intelligence_tasks.themes_compute_task,
    "campaigns.intelligence.tasks.digests_send_task": notifications_tasks.digests_send_task,
    "campaigns.intelligence.tasks.personal_emails_send_task": notifications_tasks.personal_emails_send_task,
    "generation.outbox.generation_outbox_task": generation_tasks.generation_outbox_task,
}


def _forwarder(old_name: str, task: Task) -> Task:
    def forward(*args: Any, **kwargs: Any) -> None:
        task.apply_async(args=args, kwargs=kwargs)

    forward.__doc__ = f"Old name of {task.name}: forwards to it."
    return shared_task(name=old_name, acks_late=True)(forward)


FORWARDERS = {old: _forwarder(old, task) for old, task in RENAMED.items()}
