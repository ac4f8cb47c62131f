"""Page numbers for the site's lists that grow without bound (a campaign's
ideas): count only as far as the reader can go, never the whole list."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Pages counted past the one asked for: page 1 of a campaign of up to 220
# ideas shows its exact total; a bigger one shows "more than 11 pages".
PAGES_AHEAD = 10
# The deepest page served (its count and OFFSET read 2,000 index entries):
# OFFSET reads every row before the page, so deeper pages cost ever more
# (BENCHMARKS.md, "Ranking at scale"); the API's cursors reach the rest.
MAX_PAGES = 100


class CappedPaginator(Paginator):
    """Django's Paginator, but its COUNT stops a few pages past the page asked for.

    An exact COUNT reads every visible idea of the campaign, so it grows with
    the campaign (BENCHMARKS.md, "Ranking at scale"). This one counts at most
    `(page + PAGES_AHEAD) * per_page + 1` rows, an index range about as long as
    the page's own OFFSET; when the last of those exists, `count_is_capped` is
    True and the total is only known to be more than `counted_pages` pages.

    get_page() never fails: junk or a number below 1 is page 1, a number past
    the end is the last page (at most MAX_PAGES).
    """

    object_list: QuerySet[Any]

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        pages_ahead: int = PAGES_AHEAD,
        max_pages: int = MAX_PAGES,
    ) -> None:
        super().__init__(object_list, per_page)
        self.pages_ahead = pages_ahead
        self.max_pages = max_pages
        self.counted_pages = min(1 + pages_ahead, max_pages)

    def get_page(self, number: Any) -> Page:
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        wanted = min(max(wanted, 1), self.max_pages)
        self.counted_pages = min(wanted + self.pages_ahead, self.max_pages)
        for cached in ("count", "num_pages"):
            self.__dict__.pop(cached, None)
        return self.page(min(wanted, self.num_pages))

    @cached_property
    def count(self) -> int:
        # values("pk"): no select_related join nor annotation in the subquery,
        # only the index range of the list's WHERE and ORDER BY.
        limit = self.counted_pages * self.per_page + 1
        return self.object_list.values("pk")[:limit].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.counted_pages * self.per_page

    @cached_property
    def num_pages(self) -> int:
        if not self.count_is_capped:
            return super().num_pages
        # One page more than counted exists; past the last served page none does.
        return min(self.counted_pages + 1, self.max_pages)
