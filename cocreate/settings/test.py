"""pytest's settings: the product's, plus what only a test run needs
(pytest.ini names this module; subprocesses that tests start use the
product's settings as a real deployment would)."""

from cocreate.settings import *  # noqa: F403

# Tests run with DEBUG off and without collectstatic: WhiteNoise serves the
# apps' static folders, looked up per request, instead of warning on every
# client that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Every factory user gets a password; the real hasher is slow by design.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
