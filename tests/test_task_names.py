"""Task names: every name a service publishes is registered, and the names
from before the apps were split still reach the task that replaced them."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from unittest import mock

import pytest
from celery import current_app

from cocreate import legacy_tasks
from core.queueing import registered_task

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "accounts",
    "campaigns",
    "notifications",
    "intelligence",
    "webhooks",
    "generation",
    "store",
    "assistant",
    "messaging",
    "demo",
)
TASK_NAME = re.compile(r"^[a-z_]+(\.[a-z_]+)*\.tasks\.[a-z_]+_task$")


def _task_names_in_source() -> set[str]:
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and TASK_NAME.match(node.value)
                ):
                    names.add(node.value)
    return names


def _unknown(names: set[str]) -> list[str]:
    """Names no task answers to, even after importing the module they name."""
    unknown = []
    for name in sorted(names):
        try:
            registered_task(name)
        except (KeyError, ImportError):
            unknown.append(name)
    return unknown


def test_every_task_name_in_the_code_is_registered():
    names = _task_names_in_source()
    assert "notifications.tasks.personal_emails_send_task" in names  # the scan finds them
    assert _unknown(names) == []


def test_every_scheduled_task_is_registered(settings):
    assert _unknown({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}) == []


def test_a_misspelt_task_name_is_caught():
    assert _unknown({"notifications.tasks.no_such_task", "nowhere.tasks.gone_task"}) == [
        "notifications.tasks.no_such_task",
        "nowhere.tasks.gone_task",
    ]


@pytest.mark.parametrize("old_name", sorted(legacy_tasks.RENAMED))
def test_an_old_task_name_forwards_to_the_task_that_replaced_it(old_name):
    new_task = legacy_tasks.RENAMED[old_name]
    assert old_name in current_app.tasks
    with mock.patch.object(new_task, "apply_async") as apply_async:
        current_app.tasks[old_name].run(42, flag=True)
    apply_async.assert_called_once_with(args=(42,), kwargs={"flag": True})


def test_old_names_are_not_the_new_ones():
    assert all(old != task.name for old, task in legacy_tasks.RENAMED.items())
