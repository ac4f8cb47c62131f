"""Request parsing with the limits Django applies to forms, and more.

DRF parsers read the request stream directly, so DATA_UPLOAD_MAX_MEMORY_SIZE
never applies to a JSON body: without this check a client could make a worker
hold any body it likes in memory.

Python's json module recurses once per nesting level: ten kilobytes of `[`
raise RecursionError, a 500 in every JSON endpoint. No endpoint takes more
than a few levels, so nesting is counted first, without recursion, and a body
deeper than API_JSON_MAX_DEPTH is refused with a 400. Integers outside the
database's 64-bit range are refused too: no field takes them, and one that
reached a query would raise OverflowError (SQLite) or DataError (PostgreSQL).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The range of a 64-bit signed database integer (BigAutoField ids, SQLite's INTEGER).
MAX_DB_INT = 2**63 - 1
MIN_DB_INT = -(2**63)
# Strings are skipped whole (escapes included), so brackets inside them do not count.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def check_body_size(parser_context: Mapping[str, Any] | None) -> None:
    request = (parser_context or {}).get("request")
    if request is None or settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None:
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # The WSGI stream stops at CONTENT_LENGTH, so the header is the body's size.
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise RequestDataTooBig()


class JsonTooDeep(ValueError):
    pass


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text`, counted in a loop over
    the brackets outside strings (never by recursion)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _bounded_int(digits: str) -> int:
    number = int(digits)
    if not MIN_DB_INT <= number <= MAX_DB_INT:
        raise ValueError(
            _("Numbers must lie between %(min)s and %(max)s.") % {"min": MIN_DB_INT, "max": MAX_DB_INT}
        )
    return number


def json_loads_bounded(text: str, *, strict: bool = True) -> Any:
    """json.loads within API_JSON_MAX_DEPTH and the 64-bit integer range;
    ValueError (JsonTooDeep for nesting) otherwise. For every JSON a client sends."""
    if json_depth(text) > settings.API_JSON_MAX_DEPTH:
        raise JsonTooDeep(
            _("JSON may nest at most %(depth)s levels deep.") % {"depth": settings.API_JSON_MAX_DEPTH}
        )

    def refuse_constant(name: str) -> None:
        raise ValueError(_("%(name)s is not valid JSON.") % {"name": name})

    return json.loads(text, parse_int=_bounded_int, parse_constant=refuse_constant if strict else None)


class BoundedJSONParser(JSONParser):
    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        check_body_size(parser_context)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json_loads_bounded(stream.read().decode(encoding), strict=self.strict)
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ParseError(_("JSON parse error: %(error)s") % {"error": exc}) from exc
