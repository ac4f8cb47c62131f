"""Explicit events between apps, so that an app never imports one above it.

Apps depend downward (core <- accounts <- campaigns <- notifications,
intelligence, webhooks <- generation). When a lower app must let a higher one
react (a vote was cast: follow the idea; an idea was submitted: embed it,
POST a webhook), the lower app declares an `Event` and emits it; each higher
app subscribes its handler in its `AppConfig.ready()`. Unlike Django signals,
an event is a named object you can grep for: its declaration lists its
arguments, and every subscriber is one `subscribe(...)` call in an apps.py.

Handlers run synchronously, in subscription order, inside the emitter's
transaction, so work they schedule with `transaction.on_commit` is dropped if
the write rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]


class Event:
    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        self._handlers: list[Handler] = []

    def __repr__(self) -> str:
        return f"Event({self.name!r})"

    def subscribe(self, handler: Handler) -> Handler:
        """Add `handler` (idempotent: an app's ready() may run twice in tests)."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def emit(self, **kwargs: Any) -> list[Any]:
        """Call every handler with the keyword arguments; return their results."""
        return [handler(**kwargs) for handler in self._handlers]

    def first(self, **kwargs: Any) -> Any:
        """The first handler's result that is not None (for a query an upper
        app answers, such as "similar ideas to this title"), else None."""
        for handler in self._handlers:
            result = handler(**kwargs)
            if result is not None:
                return result
        return None

    @property
    def handlers(self) -> tuple[Handler, ...]:
        return tuple(self._handlers)


# Events every app may emit (they live here, at the bottom, so that apps on
# one level, such as webhooks and notifications, need not import each other).
person_told = Event(
    "core.person_told",
    "Tell a person something (user_id, kind, idea, comment, message, url, email): the "
    "notifications app stores it in their inbox and, with email=True, e-mails it. `kind` "
    "is a notifications.models.Notification.Kind value; idea and comment may be None.",
)
