"""Pagination: cursors for ranked ideas (stable while votes arrive, no COUNT),
pages elsewhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from campaigns import selectors

SORT_PARAM = "sort"


def requested_sort(request: Request) -> str:
    """The `sort` query parameter; the filter set has already refused unknown ones."""
    return request.query_params.get(SORT_PARAM) or selectors.DEFAULT_SORT


class IdeaCursorPagination(CursorPagination):
    """Ideas in the order of selectors.SORTS[sort] (trending, top, new).

    The cursor holds the first ordering field of the last row and an offset
    among rows that tie on it; DRF caps that offset at `offset_cutoff`.
    """

    page_size = settings.IDEAS_PER_PAGE

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        return selectors.SORTS.get(requested_sort(request), selectors.SORTS[selectors.DEFAULT_SORT])
