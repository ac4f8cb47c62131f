"""Settings for the web benchmark's gunicorn: the project's own, as in
production (DEBUG off, collected static files, persistent connections), with
what a load test on loopback needs on top.

    DJANGO_SETTINGS_MODULE=bench.settings gunicorn cocreate.wsgi:application
"""

from cocreate.settings import *  # noqa: F403
from cocreate.settings import THROTTLE_RATES

ROOT_URLCONF = "bench.urls"
DEBUG = False
# The load generator speaks plain HTTP to 127.0.0.1; production sits behind TLS.
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["*"]
# Throttles far above the load: the benchmark measures pages, not refusals.
THROTTLE_RATES = {scope: "1000000/s" for scope in THROTTLE_RATES}
