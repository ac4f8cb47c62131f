"""Request parsing with the size limit Django applies to forms.

DRF parsers read the request stream directly, so DATA_UPLOAD_MAX_MEMORY_SIZE
never applies to a JSON body: without this check a client could make a worker
hold any body it likes in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework.parsers import JSONParser


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


class BoundedJSONParser(JSONParser):
    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        check_body_size(parser_context)
        return super().parse(stream, media_type, parser_context)
