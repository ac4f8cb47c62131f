from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "store"
    verbose_name = _("Store")

    def ready(self) -> None:
        from notifications import events as notification_events
        from store import personal_data, subscribers

        notification_events.digest_extras.subscribe(subscribers.digest_extras)
        personal_data.register_sections()
