from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "generation"
    verbose_name = _("AI drafting")

    def ready(self) -> None:
        from generation import personal_data

        personal_data.register_sections()
