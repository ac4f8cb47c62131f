"""Pagination: keyset cursors for ranked ideas (stable while votes arrive, no
COUNT, no offset), pages elsewhere."""

from __future__ import annotations

import json
import math
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Expression, F, Q, QuerySet, Value
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from campaigns import selectors
from campaigns.models import Idea
from core.api.parsers import json_loads_bounded

SORT_PARAM = "sort"


def requested_sort(request: Request) -> str:
    """The `sort` query parameter; the filter set has already refused unknown ones."""
    return request.query_params.get(SORT_PARAM) or selectors.DEFAULT_SORT


@dataclass(frozen=True)
class SeekCursor:
    """A page boundary: the sort it was made for, the ordering's values of the
    boundary row, and whether the page wanted lies before it (`previous`)."""

    sort: str
    values: tuple[Any, ...]
    reverse: bool


def reversed_ordering(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(field[1:] if field.startswith("-") else f"-{field}" for field in ordering)


class RowComparison(Expression):
    """`(a, b, c) < (%s, %s, %s)` (or `>`): SQL's row-value comparison, which
    PostgreSQL applies inside a B-tree index on those columns, so a seek
    starts at the boundary row itself however long the run of ties before it.

    Written here rather than taken from Django's composite-key lookups
    (django.db.models.fields.tuple_lookups, Django 5.2): they are an internal
    module, and on SQLite (supports_tuple_lookups = False) they expand to an
    OR of comparisons. SQLite has row values since 3.15; Django 5.2 needs 3.31.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, names: Sequence[str], operator: str, values: Sequence[Any]) -> None:
        super().__init__()
        self.columns: list[Any] = [F(name) for name in names]
        self.operator = operator
        self.values = tuple(values)

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        # Each value as its column's field adapts it (a datetime's time zone
        # and text form on SQLite), as a plain `field < value` filter would.
        values = [
            Value(value, output_field=column.output_field)
            for column, value in zip(self.columns, self.values, strict=True)
        ]
        lhs, lhs_params = self._row(compiler, self.columns)
        rhs, rhs_params = self._row(compiler, values)
        return f"{lhs} {self.operator} {rhs}", (*lhs_params, *rhs_params)

    @staticmethod
    def _row(compiler: Any, expressions: Sequence[Any]) -> tuple[str, list[Any]]:
        parts, params = [], []
        for expression in expressions:
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        return f"({', '.join(parts)})", params


def rows_after(ordering: tuple[str, ...], values: tuple[Any, ...]) -> Q:
    """Rows strictly after `values` in `ordering`.

    When every field runs one way, as in each of selectors.SORTS, that is one
    row comparison: (a, b, c) < (va, vb, vc) for (-a, -b, -c). PostgreSQL
    starts the walk of the list's index at the boundary and reads only the
    page (PostgreSQL 15, a `top` page 19,000 deep among 20,000 ideas, most
    with 0 votes: 21 index rows read, where the expanded form read 18,679
    and filtered all but 21).
    A row comparison has one direction, so a mixed ordering takes the
    expanded form (rows_after_by_ties).
    """
    directions = {field.startswith("-") for field in ordering}
    if len(directions) == 1:
        names = [field.lstrip("-") for field in ordering]
        return Q(RowComparison(names, "<" if directions == {True} else ">", values))
    return rows_after_by_ties(ordering, values)


def rows_after_by_ties(ordering: tuple[str, ...], values: tuple[Any, ...]) -> Q:
    """rows_after for any mix of directions. For (-a, b):
    a <= va AND ((a < va) OR (a = va AND b > vb)).

    The leading `a <= va` is implied by the rest; it is there for the planner:
    as an index condition it starts the walk of an index at the boundary's
    first value, where the OR alone starts it at the top of the campaign.
    Rows that tie with the boundary on `a` and rank before it are still read
    and filtered.
    """
    after, ties = Q(), Q()
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        before = "lt" if field.startswith("-") else "gt"
        after |= ties & Q(**{f"{name}__{before}": value})
        ties &= Q(**{name: value})
    first = ordering[0]
    bound = Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
    return bound & after


class IdeaCursorPagination(CursorPagination):
    """Ideas in the order of selectors.SORTS[sort] (trending, top, new), paged
    by seek: a cursor holds the values of the whole ordering of its boundary
    row (the page's last for `next`, its first for `previous`), and the page is
    the rows strictly after (before) them, read from the list's index as the
    first page is (rows_after). Ties of any length page correctly.

    DRF's own cursor held the first field only and an offset among the rows
    tied on it, capped at `offset_cutoff` (1,000): past a thousand ideas with
    the same vote count, `next` returned the same page forever.

    A row whose values change between two requests (votes arrive, the score is
    recomputed) can cross the boundary: a client paging meanwhile may see it
    twice or not at all, as with any cursor. The cursor holds values, not a
    row, so a boundary row that moved or was deleted breaks nothing.
    """

    def get_page_size(self, request: Request) -> int:
        # Read for each request: a class attribute froze the value at import,
        # and a test that changed IDEAS_PER_PAGE before the first import of
        # this module changed every later test's page size.
        return settings.IDEAS_PER_PAGE

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        return selectors.SORTS[self._sort(request)]

    def _sort(self, request: Request) -> str:
        sort = requested_sort(request)
        return sort if sort in selectors.SORTS else selectors.DEFAULT_SORT

    # DRF's base also accepts a list; this paginator orders and filters in SQL.
    def paginate_queryset(  # type: ignore[override]  # querysets only, as said above
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.sort = self._sort(request)
        self.ordering = self.get_ordering(request, queryset, view)
        self.seek = self.decode_seek_cursor(request)

        backwards = self.seek is not None and self.seek.reverse
        ordering = reversed_ordering(self.ordering) if backwards else self.ordering
        queryset = queryset.order_by(*ordering)
        if self.seek is not None:
            queryset = queryset.filter(rows_after(ordering, self.seek.values))
        # One row more than the page says whether there is one further on.
        rows = list(queryset[: self.page_size + 1])
        further = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if backwards:
            self.page.reverse()
            self.has_next, self.has_previous = True, further
        else:
            self.has_next, self.has_previous = further, self.seek is not None
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        return self._link(self.page[-1] if self.page else None, reverse=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        return self._link(self.page[0] if self.page else None, reverse=True)

    def _link(self, boundary: Idea | None, *, reverse: bool) -> str:
        # An empty page (its rows went away meanwhile) keeps the request's
        # boundary; an empty first page has no link to give (no rows further on).
        if boundary is not None:
            values = self._values_of(boundary)
        elif self.seek is not None:
            values = self.seek.values
        else:
            raise ValueError("an empty first page links nowhere")
        return self.encode_seek_cursor(SeekCursor(sort=self.sort, values=values, reverse=reverse))

    def _values_of(self, row: Idea) -> tuple[Any, ...]:
        return tuple(getattr(row, field.lstrip("-")) for field in self.ordering)

    def encode_seek_cursor(self, cursor: SeekCursor) -> str:
        payload: dict[str, Any] = {
            "s": cursor.sort,
            "v": [value.isoformat() if isinstance(value, datetime) else value for value in cursor.values],
        }
        if cursor.reverse:
            payload["r"] = 1
        encoded = urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
        assert self.base_url is not None, "paginate_queryset() sets base_url first"
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def decode_seek_cursor(self, request: Request) -> SeekCursor | None:
        """The request's cursor; anything this class did not write (forged,
        truncated, another sort's) is a 404, never a database error."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            # A client wrote this JSON: read it within the API's depth and integer limits.
            payload = json_loads_bounded(urlsafe_b64decode(encoded.encode("ascii")).decode())
            if not isinstance(payload, dict) or payload.get("s") != self.sort:
                raise ValueError("not a cursor of this sort")
            raw, reverse = payload.get("v"), payload.get("r", 0)
            if not isinstance(raw, list) or len(raw) != len(self.ordering) or reverse not in (0, 1):
                raise ValueError("not a cursor of this ordering")
            values = tuple(
                _ordering_value(field.lstrip("-"), value)
                for field, value in zip(self.ordering, raw, strict=True)
            )
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
            raise NotFound(self.invalid_cursor_message) from exc
        return SeekCursor(sort=self.sort, values=values, reverse=bool(reverse))


def _ordering_value(name: str, raw: Any) -> Any:
    """A cursor's value for an ordering field, as the field holds it: JSON
    numbers for counts, scores and ids, ISO strings with an offset for times."""
    field = Idea._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a column")
    expected = str if isinstance(field, models.DateTimeField) else (int, float)
    if isinstance(raw, bool) or not isinstance(raw, expected):
        raise TypeError(f"{name} cannot be {raw!r}")
    if isinstance(field, models.IntegerField) and not isinstance(raw, int):
        raise TypeError(f"{name} is a whole number")
    # clean(): to_python, then the field's validators (an integer's range).
    value = field.clean(raw, None)
    if isinstance(value, datetime) and timezone.is_naive(value):
        raise ValueError(f"{name} needs a UTC offset")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be finite")
    return value
