"""Refusals raised by services, each with a code, a message a person can act on,
and the HTTP status an API answers with."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ActionRefused(Exception):
    code = "refused"
    status_code = 400
    default_message = _("This action is not allowed.")

    def __init__(self, message: str | None = None) -> None:
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class PhaseClosed(ActionRefused):
    code = "phase_closed"
    status_code = 409
    default_message = _("This campaign is not accepting that right now.")


class AlreadyVoted(ActionRefused):
    code = "already_voted"
    status_code = 409
    default_message = _("You have already voted for this idea.")


class NotVoted(ActionRefused):
    code = "not_voted"
    status_code = 409
    default_message = _("You have not voted for this idea.")


class VoteLimitReached(ActionRefused):
    code = "vote_limit"
    status_code = 409
    default_message = _("You have used all your votes in this campaign.")


class AlreadyReported(ActionRefused):
    code = "already_reported"
    status_code = 409
    default_message = _("You have already reported this.")


class Blocked(ActionRefused):
    code = "blocked"
    status_code = 403
    default_message = _("You can no longer take part in this brand's campaigns.")


class NotAllowed(ActionRefused):
    code = "not_allowed"
    status_code = 403
    default_message = _("You are not allowed to do that.")


class NotFound(ActionRefused):
    code = "not_found"
    status_code = 404
    default_message = _("Not found.")


class InvalidTransition(ActionRefused):
    code = "invalid_transition"
    status_code = 409
    default_message = _("That change of state is not allowed.")


class Throttled(ActionRefused):
    code = "throttled"
    status_code = 429
    default_message = _("You are doing that too often. Please wait a moment and try again.")

    def __init__(self, wait_seconds: int, message: str | None = None) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(message)
