from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    """Shared plumbing with no models: errors, throttles, queueing, events,
    API base pieces. Every other app may import it; it imports none of them."""

    name = "core"
    verbose_name = "core"

    def ready(self) -> None:
        # kombu's filesystem transport (the embedded broker) fails on folders
        # that do not exist; the web process and the workers both publish.
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
            if key in options:
                Path(options[key]).mkdir(parents=True, exist_ok=True)
