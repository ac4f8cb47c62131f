"""What the sensitive-topic migrations share (the leading underscore keeps
this module out of the migration graph)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def adopt_new_default(old_default: str) -> Callable[[Any, Any], None]:
    """A RunPython step moving the brands whose list is still `old_default`
    to the field's new default; an edited list is the merchant's and stays
    as it is."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        settings = apps.get_model("assistant", "AssistantSettings")
        new_default = settings._meta.get_field("sensitive_topics").default
        settings.objects.filter(sensitive_topics=old_default).update(sensitive_topics=new_default)

    return forwards
