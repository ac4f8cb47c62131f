from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsApiConfig(AppConfig):
    """The public REST API of the community app. It has no models of its own
    (ApiToken and the webhook models live in campaigns.models); being an app
    lets admin autodiscovery find campaigns/api/admin.py."""

    name = "campaigns.api"
    label = "campaigns_api"
    verbose_name = _("REST API")
