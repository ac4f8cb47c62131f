"""The notifications part of the REST API: the inbox and marking it read."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fields import count_field, id_field
from core.api.views import valid_data
from core.users import signed_in_user
from notifications import selectors, services
from notifications.models import Notification
from notifications.selectors import notification_text

# Ids one mark-read call may name.
MARK_READ_MAX_IDS = 500


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(
        help_text=_("What happened, in the request's language (as the site's inbox shows it).")
    )
    text = serializers.SerializerMethodField(
        help_text=_(
            "The whole notification as one readable line: what happened, about which idea, and any note."
        )
    )

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "text", "message", "url", "idea", "comment", "created_at", "read_at"]
        read_only_fields = fields

    def get_title(self, notification: Notification) -> str:
        return str(notification.get_kind_display())

    def get_text(self, notification: Notification) -> str:
        return notification_text(notification)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=id_field(),
        required=False,
        max_length=MARK_READ_MAX_IDS,
        help_text=_("Notifications to mark; leave out to mark all of them."),
    )


class MarkedSerializer(serializers.Serializer):
    marked = count_field()


@extend_schema_view(list=extend_schema(summary=_("Your notifications, newest first")))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return selectors.notification_list(user=signed_in_user(self.request))

    @extend_schema(
        summary=_("Mark your notifications read (all, or those listed)"),
        request=MarkReadSerializer,
        responses=MarkedSerializer,
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request) -> Response:
        ids = valid_data(MarkReadSerializer, request).get("ids")
        marked = services.notifications_mark_read(user=signed_in_user(request), ids=ids)
        return Response(MarkedSerializer({"marked": marked}).data)
