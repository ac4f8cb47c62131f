"""API tokens: creation, revocation and lookup. The only writers of ApiToken.

A key is 32 random bytes, URL-safe. The database keeps its first eight
characters (to find it, and to show which token is which) and its SHA-256; the
key itself is returned once, to the person who created it, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from accounts.models import API_TOKEN_PREFIX_LENGTH, ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# 256 bits of randomness: guessing is hopeless, so the hash needs no slow KDF.
KEY_BYTES = 32
# token_urlsafe(32) gives 43 characters; anything much longer is not a key of ours.
KEY_MAX_CHARS = 64
# last_used_at is written at most this often per token: a busy client should
# not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the plain key (shown once)."""
    key = secrets.token_urlsafe(KEY_BYTES)
    # One key in 64 would start with "-", and its prefix would read as an
    # option on the command line (manage.py api_token revoke -Ab3...).
    while key.startswith("-"):
        key = secrets.token_urlsafe(KEY_BYTES)
    token = ApiToken(
        user=user, name=name.strip(), prefix=key[:API_TOKEN_PREFIX_LENGTH], key_hash=hash_key(key)
    )
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking it again keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_find(key: str) -> ApiToken | None:
    """The token this key belongs to, revoked or not, or None."""
    if not key or len(key) > KEY_MAX_CHARS:
        return None
    digest = hash_key(key)
    for token in ApiToken.objects.filter(prefix=key[:API_TOKEN_PREFIX_LENGTH]).select_related("user"):
        # Constant-time: the comparison must not leak how much of the hash matched.
        if hmac.compare_digest(token.key_hash, digest):
            return token
    return None


def api_token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
