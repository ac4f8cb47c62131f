"""API tokens: the keys API clients authenticate with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# These tables were created by the campaigns app before the apps were split; the
# models moved here and kept their table names (migrations/0001_initial.py).

# Characters of a token key kept in clear to find it again (and to show in lists).
API_TOKEN_PREFIX_LENGTH = 8


class ApiToken(models.Model):
    """A key an API client sends as `Authorization: Token <key>`.

    Only the SHA-256 of the key is stored: a database leak gives no working key.
    The key is shown once, when it is created (accounts/tokens.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("prefix"), max_length=API_TOKEN_PREFIX_LENGTH, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "campaigns_apitoken"
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
