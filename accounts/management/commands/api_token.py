"""API tokens from the command line.

manage.py api_token create <username> --name "CI sync"   # prints the key, once
manage.py api_token revoke <prefix>
manage.py api_token list [--user <username>]
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import tokens
from accounts.models import ApiToken


class Command(BaseCommand):
    help = "Create, revoke and list API tokens. Only a key's hash is stored; the key is shown once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print its key.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the token is for.")
        revoke = sub.add_parser("revoke", help="Revoke the token with this prefix.")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="List tokens (prefixes, never keys).")
        listing.add_argument("--user", help="Only this user's tokens.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(
                **{user_model.USERNAME_FIELD: options["username"], "is_active": True}
            )
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No active user {options['username']!r}.") from exc
        token, key = tokens.api_token_create(user=user, name=options["name"])
        self.stderr.write(f"Token {token.prefix}… for {user}. Copy the key now; it is not shown again:")
        # The key alone on stdout, so scripts can capture it: KEY=$(manage.py api_token create ...)
        self.stdout.write(key)

    def _revoke(self, options: dict[str, Any]) -> None:
        matches = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True))
        if not matches:
            raise CommandError(f"No active token with prefix {options['prefix']!r}.")
        if len(matches) > 1:
            raise CommandError("Several active tokens share this prefix; revoke them in the admin.")
        tokens.api_token_revoke(token=matches[0])
        self.stdout.write(f"Revoked {matches[0]}.")

    def _list(self, options: dict[str, Any]) -> None:
        qs = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if options["user"]:
            qs = qs.filter(user__username=options["user"])
        for token in qs:
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(f"{token.prefix}  {token.user}  {token.name!r}  {state}  last used {used}")
