"""Pagination: cursors for ranked ideas (stable while votes arrive, no COUNT),
pages elsewhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.request import Request

from campaigns import selectors
from campaigns.models import Idea

SORT_PARAM = "sort"


def requested_sort(request: Request) -> str:
    """The `sort` query parameter; the filter set has already refused unknown ones."""
    return request.query_params.get(SORT_PARAM) or selectors.DEFAULT_SORT


class IdeaCursorPagination(CursorPagination):
    """Ideas in the order of selectors.SORTS[sort] (trending, top, new).

    The cursor holds the first ordering field of the last row and an offset
    among rows that tie on it; DRF caps that offset at `offset_cutoff`.
    """

    def get_page_size(self, request: Request) -> int:
        # Read for each request: a class attribute froze the value at import,
        # and a test that changed IDEAS_PER_PAGE before the first import of
        # this module changed every later test's page size.
        return settings.IDEAS_PER_PAGE

    def decode_cursor(self, request: Request) -> Cursor | None:
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            # DRF filters on the position as given; junk there (a forged cursor)
            # would fail in the database instead of being a clean 404.
            field = Idea._meta.get_field(self.ordering[0].lstrip("-"))
            try:
                field.to_python(cursor.position)
            except DjangoValidationError as exc:
                raise NotFound(self.invalid_cursor_message) from exc
        return cursor

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        return selectors.SORTS.get(requested_sort(request), selectors.SORTS[selectors.DEFAULT_SORT])


class PagePagination(PageNumberPagination):
    """DRF's page numbers, but a malformed one (`page=`, `page=x`) is a 400 that
    names the parameter instead of silently meaning page 1."""

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit()) and raw not in self.last_page_strings:
            raise ValidationError({self.page_query_param: [_("A page number is a whole number from 1.")]})
        return super().get_page_number(request, paginator)
