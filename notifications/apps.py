from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from campaigns import events
        from notifications import email_cap, personal_data, subscribers

        events.idea_submitted.subscribe(subscribers.idea_submitted)
        events.vote_cast.subscribe(subscribers.vote_cast)
        events.comment_added.subscribe(subscribers.comment_added)
        events.person_told.subscribe(subscribers.person_told)
        personal_data.register_sections()
        email_cap.register_section()
