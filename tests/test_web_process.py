"""The web process must stay small: it never imports torch or transformers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys, django
django.setup()
from django.test import Client
from django.urls import get_resolver
get_resolver().url_patterns  # imports every view module, admin and API included
import cocreate.wsgi
from django.contrib import admin
admin.autodiscover()
heavy = sorted(m for m in ("torch", "transformers", "sklearn") if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


def test_the_web_process_never_imports_torch_or_transformers():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cocreate.settings"}

    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert out.returncode == 0, out.stderr
    assert "HEAVY=\n" in out.stdout, out.stdout
