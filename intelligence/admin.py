"""Read-only admin pages of community intelligence: themes per campaign."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaigns.admin_scoping import BrandScopedModelAdmin
from intelligence.models import Theme

VIEW_ONLY = frozenset({"view"})


def _percent(share: float) -> str:
    return f"{share:.0%}"


@admin.register(Theme)
class ThemeAdmin(BrandScopedModelAdmin):
    """Themes are computed by a worker; merchants read them, nobody edits them."""

    scoped_permissions = VIEW_ONLY
    list_display = (
        "label",
        "campaign",
        "size",
        "for_share",
        "against_share",
        "neutral_stance_share",
        "positive_share",
        "negative_share",
        "computed_at",
    )
    list_filter = (("campaign", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("campaign",)
    ordering = ("campaign", "rank")
    search_fields = ("label",)

    @admin.display(description=_("for"), ordering="stance_for")
    def for_share(self, obj: Theme) -> str:
        return _percent(obj.stance_for)

    @admin.display(description=_("against"), ordering="stance_against")
    def against_share(self, obj: Theme) -> str:
        return _percent(obj.stance_against)

    @admin.display(description=_("neutral stance"), ordering="stance_neutral")
    def neutral_stance_share(self, obj: Theme) -> str:
        return _percent(obj.stance_neutral)

    @admin.display(description=_("positive"), ordering="sentiment_positive")
    def positive_share(self, obj: Theme) -> str:
        return _percent(obj.sentiment_positive)

    @admin.display(description=_("negative"), ordering="sentiment_negative")
    def negative_share(self, obj: Theme) -> str:
        return _percent(obj.sentiment_negative)
