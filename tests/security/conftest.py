from tests.campaigns.factories_site import site_settings  # noqa: F401 (autouse: no collectstatic output)
