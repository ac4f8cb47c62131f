"""What the notifications app asks the apps above it (core/events.py).

Subscribers: store ("for you" recommendations in a digest).
"""

from __future__ import annotations

from core.events import Event

digest_extras = Event(
    "notifications.digest_extras",
    "user: the person a digest goes to. Each subscriber returns a list of "
    "(text, absolute or site-relative url) lines to add under the news, or None.",
)
