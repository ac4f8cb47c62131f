from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from campaigns import events
        from webhooks import services

        events.idea_submitted.subscribe(services.idea_submitted)
        events.ideas_adopted.subscribe(services.ideas_adopted)
