from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the seed_demo command; no models."""

    name = "demo"
    verbose_name = "demo"
