"""OpenAPI schema: the error shape of core/api/errors.py, documented on every
operation with the statuses that operation can answer."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from core.api.throttles import action_scope

_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Every operation: bad query or body, no or bad credentials, no permission,
# unknown object or cursor, an Accept header we cannot serve.
_ALWAYS = ("400", "401", "403", "404", "406")
# Writes also: a state conflict (phase closed, already voted), a body too large,
# a body that is not JSON.
_ON_WRITE = ("409", "413", "415")
_THROTTLED = ("429",)
_DESCRIPTIONS = {
    "400": _("The request is malformed or a field is invalid; see error.fields."),
    "401": _("No credentials, or a wrong or revoked token."),
    "403": _("You may not do this."),
    "404": _("No such object, or not one you may see."),
    "406": _("The Accept header asks for something other than JSON."),
    "409": _("It conflicts with the current state: phase closed, already voted, and the like."),
    "413": _("The request body is too large."),
    "415": _("The body is not JSON."),
    "429": _("Too many requests of this kind; wait Retry-After seconds."),
}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Stable, for programs: already_voted, invalid, not_found..."))
    message = serializers.CharField(help_text=_("For people, in the request's language."))
    # DRF's serializer metaclass pops declared fields off the class, so this
    # never shadows Serializer.fields; the error body's key is named "fields".
    fields = serializers.DictField(  # type: ignore[assignment]  # see above
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Per field (dotted for nested ones), what is wrong; empty when no field is at fault."),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class ApiAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        # /api/v1/ideas/{id}/vote/ -> "ideas": one group per resource in Swagger UI.
        segments = [s for s in self.path.split("/") if s and not s.startswith("{")]
        return segments[2:3] or super().get_tags()

    def _error_statuses(self) -> list[str]:
        statuses = list(_ALWAYS)
        if self.method in _WRITE_METHODS:
            statuses += _ON_WRITE
        if action_scope(self.view) is not None:
            statuses += _THROTTLED
        return statuses

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status_code in self._error_statuses():
            if status_code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=str(_DESCRIPTIONS[status_code]))
                responses[status_code] = self._get_response_for_code(error, status_code, direction=direction)
        if "429" in responses:
            responses["429"]["headers"] = {
                "Retry-After": {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait before retrying.",
                }
            }
        return responses
