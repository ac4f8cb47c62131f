"""An e-mail backend for worker processes under fault injection.

Django's file backend, writing into the folder that FAULT_MAIL_DIR names (a
worker reads EMAIL_BACKEND from its environment; settings have no
EMAIL_FILE_PATH). locmem's outbox would live in the worker's memory and die
with it; files on disk are what really left the worker, whichever worker sent
them, so a test counts messages per address after the fact.
"""

from __future__ import annotations

import os
from email import message_from_string
from pathlib import Path
from typing import Any

from django.core.mail.backends import filebased

MAIL_DIR_ENV = "FAULT_MAIL_DIR"
BACKEND = "tests.faults.mailbox.EmailBackend"
# What the file backend writes after each message.
SEPARATOR = "\n" + "-" * 79 + "\n"


class EmailBackend(filebased.EmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file_path"] = os.environ[MAIL_DIR_ENV]
        super().__init__(*args, **kwargs)


def recipients(mail_dir: Path) -> list[str]:
    """The To address of every message written into mail_dir, one per message."""
    addresses = []
    for path in sorted(mail_dir.iterdir()):
        for raw in path.read_text().split(SEPARATOR):
            if raw.strip():
                addresses.append(message_from_string(raw)["To"])
    return addresses
