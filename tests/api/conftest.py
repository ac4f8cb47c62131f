from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def api_settings(settings):
    """Production settings minus what a test cannot have: plain HTTP (production
    redirects to HTTPS), no collectstatic manifest, and a fast password hasher
    so each factory user does not cost a full PBKDF2 run."""
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def api() -> APIClient:
    return APIClient()
