"""Page-number pagination for the API's lists."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class PagePagination(PageNumberPagination):
    """DRF's page numbers, but a malformed one (`page=`, `page=x`) is a 400 that
    names the parameter instead of silently meaning page 1."""

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit()) and raw not in self.last_page_strings:
            raise ValidationError({self.page_query_param: [_("A page number is a whole number from 1.")]})
        return super().get_page_number(request, paginator)
