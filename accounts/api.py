"""The account part of the REST API: the personal data export and deletion."""

from __future__ import annotations

from django.contrib.auth import logout
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.passwords import WrongPassword, password_confirm
from core.api.views import valid_data
from core.users import signed_in_user


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, help_text=_("The account's password, to confirm.")
    )


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary=_("Everything cocreate holds about you"), responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(selectors.user_export(user=signed_in_user(request)))


class AccountDeleteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=_("Delete your account (ideas and comments stay, anonymised)"),
        request=AccountDeleteSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        password = valid_data(AccountDeleteSerializer, request)["password"]
        try:
            # The site's deletion form checks it the same way (accounts/passwords.py).
            password_confirm(request=request._request, password=password)
        except WrongPassword as exc:
            raise serializers.ValidationError({"password": [exc.message]}) from exc
        services.account_delete(user=signed_in_user(request))
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
