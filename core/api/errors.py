"""One JSON error shape for every API failure:

    {"error": {"code": "already_voted", "message": "...", "fields": {"title": ["..."]}}}

`api_exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) turns what a
view raises into it: DRF's exceptions, the services' ActionRefused family
(with their code and status; Throttled with Retry-After), Django's
ValidationError, Http404, PermissionDenied and RequestDataTooBig.
`ApiJsonErrorsMiddleware` does the same for the answers Django gives before or
after a view (no URL matched, a 500), for paths under /api/.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.exceptions import ActionRefused, Throttled

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

API_PREFIX = "/api/"

# Codes and messages for answers that carry no exception of their own.
_STATUS_ERRORS: dict[int, tuple[str, Any]] = {
    400: ("bad_request", _("The request could not be understood.")),
    401: ("not_authenticated", _("Authentication credentials were not provided.")),
    403: ("permission_denied", _("You do not have permission to perform this action.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    413: ("request_too_large", _("The request body is too large.")),
    500: ("server_error", _("Something went wrong on our side. Please try again later.")),
}


def error_body(
    code: str, message: StrOrPromise, fields: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": dict(fields or {})}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field": [...], "items.0.name": [...]}."""
    if isinstance(detail, Mapping):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else str(key)
            out.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
        return out
    if isinstance(detail, list) and any(isinstance(item, Mapping | list) for item in detail):
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in items]} if items else {}


def _as_drf(exc: Exception) -> Exception:
    """Django's exceptions as their DRF equivalents (status code and message)."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, DjangoValidationError):
        detail: dict[str, list[str]] = (
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        )
        return exceptions.ValidationError(detail)
    if isinstance(exc, OverflowError | DataError):
        # A number or text the database cannot hold (an id of 2**63: SQLite
        # raises OverflowError, PostgreSQL DataError) came from the request.
        # Fields carry ranges (core.api.parsers.MAX_DB_INT); this catches one
        # that a new field forgot.
        out_of_range: dict[str, list[StrOrPromise]] = {NON_FIELD_ERRORS: [_("A value is out of range.")]}
        return exceptions.ValidationError(out_of_range)
    return exc


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _STATUS_ERRORS[413][1]
    default_code = "request_too_large"


def _refused_response(exc: ActionRefused) -> Response:
    headers = {}
    if isinstance(exc, Throttled):
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait_seconds)))
    return Response(error_body(exc.code, exc.message), status=exc.status_code, headers=headers)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ActionRefused):
        # A refusal mid-service must not leave half its writes behind.
        set_rollback()
        return _refused_response(exc)
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500, made JSON by the middleware
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid", _("Some fields are not valid; see “fields”."), _flatten(exc.detail)
        )
    else:
        detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
        code = detail.code if isinstance(detail, exceptions.ErrorDetail) and detail.code else exc.default_code
        response.data = error_body(str(code), str(detail))
    return response


class ApiJsonErrorsMiddleware:
    """Error pages under /api/ as JSON in the one shape (Django's 404 for an
    unknown URL, a 400 for a bad host or body, the 500 of a crash)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, message = _STATUS_ERRORS.get(response.status_code, ("error", response.reason_phrase))
        replacement = JsonResponse(error_body(code, message), status=response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement
