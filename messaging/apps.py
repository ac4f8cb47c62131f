from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = _("Marketing messages")

    def ready(self) -> None:
        from messaging import personal_data

        personal_data.register_sections()
