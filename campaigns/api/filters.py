"""Query filters. Unknown and empty values are refused with 400 and the
parameter named, rather than ignored: a typo in `status` should not look like
an empty list, nor `status=` like the unfiltered one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from campaigns import selectors
from campaigns.api.pagination import SORT_PARAM
from campaigns.models import Campaign, Idea
from campaigns.visibility import LISTED_STATUSES
from core.api.filters import StrictFilterSet


class CampaignFilter(StrictFilterSet):
    brand = filters.CharFilter(field_name="brand__slug", help_text=_("Brand slug."))
    phase = filters.ChoiceFilter(choices=Campaign.Phase.choices)

    class Meta:
        model = Campaign
        fields = ["brand", "phase"]


class IdeaFilter(StrictFilterSet):
    # Validated here, applied by selectors.ideas_for_viewer (the view hands it
    # over): the campaign decides the scope, and a join on its slug here would
    # keep PostgreSQL off the list's partial index.
    campaign = filters.CharFilter(
        field_name="campaign__slug", method="_scoped_by_selector", help_text=_("Campaign slug.")
    )
    status = filters.ChoiceFilter(
        choices=Idea.Status.choices,
        help_text=_("Leave out for the public list (published and adopted ideas)."),
    )
    author = filters.CharFilter(field_name="author__username", help_text=_("User name."))
    # Validated here, applied by IdeaCursorPagination (the cursor needs the order).
    sort = filters.ChoiceFilter(
        field_name=SORT_PARAM,
        choices=[(key, key) for key in selectors.SORTS],
        method="_ordered_by_paginator",
        help_text=_("trending (default), top or new."),
    )

    class Meta:
        model = Idea
        fields = ["campaign", "status", "author", "sort"]

    def _ordered_by_paginator(self, queryset: QuerySet[Idea], name: str, value: Any) -> QuerySet[Idea]:
        return queryset

    def _scoped_by_selector(self, queryset: QuerySet[Idea], name: str, value: Any) -> QuerySet[Idea]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Idea]) -> QuerySet[Idea]:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=LISTED_STATUSES)
        return queryset
