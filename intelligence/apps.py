from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelligenceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "intelligence"
    verbose_name = _("Community intelligence")

    def ready(self) -> None:
        from campaigns import events
        from intelligence import subscribers

        events.idea_submitted.subscribe(subscribers.idea_changed)
        events.idea_updated.subscribe(subscribers.idea_changed)
        events.comment_added.subscribe(subscribers.comment_added)
        events.similar_ideas_wanted.subscribe(subscribers.similar_ideas_wanted)
