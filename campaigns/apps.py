from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "campaigns"
    verbose_name = _("Community")

    def ready(self) -> None:
        from campaigns import admin_scoping, personal_data
        from core.admin_access import set_merchant_rule

        set_merchant_rule(admin_scoping.is_merchant)
        personal_data.register_sections()
