"""`manage.py check --deploy` with production settings, in a subprocess so the
settings module is read afresh from that environment (as in production)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Django flags keys shorter than 50 characters or with fewer than 5 distinct ones.
SECRET_KEY_BYTES = 50
CHECK_TIMEOUT_S = 120


def _check_deploy(**env: str) -> subprocess.CompletedProcess[str]:
    production = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocreate.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "cocreate.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://cocreate.example.com",
        "SECRET_KEY": secrets.token_urlsafe(SECRET_KEY_BYTES),
        **env,
    }
    production.pop("SECURE_SSL_REDIRECT", None)
    production.pop("SECURE_HSTS_SECONDS", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production,
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT_S,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check_deploy()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_the_development_secret_key():
    result = _check_deploy(SECRET_KEY="django-insecure-dev-only-key-change-me-in-production")

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
