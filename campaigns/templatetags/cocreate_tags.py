"""Template helpers for the site: display names, reply forms, page links."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from campaigns.forms import CommentForm
from campaigns.models import Comment, Idea

register = template.Library()

# services.account_delete renames a person to this prefix and deactivates them.
DELETED_USERNAME_PREFIX = "deleted-"


@register.filter
def display_name(user: Any) -> str:
    """The public name of an author: their username, or "Deleted user"."""
    if user is None:
        return str(_("Deleted user"))
    if not user.is_active and user.get_username().startswith(DELETED_USERNAME_PREFIX):
        return str(_("Deleted user"))
    return user.get_username()


@register.filter
def local_url(url: str) -> str:
    """`url` if it stays on this site, else "" (a stored link never leads away)."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""


@register.simple_tag
def reply_form(idea: Idea, comment: Comment) -> CommentForm:
    """An empty reply form for one comment, with ids unique on the page."""
    form = CommentForm(idea=idea, initial={"parent": comment.pk}, auto_id=f"reply-{comment.pk}-%s")
    form.fields["body"].label = _("Your reply")
    return form


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], param: str, number: int) -> str:
    """The current query string with `param` set to `number` (keeps ?sort= etc.)."""
    params: QueryDict = context["request"].GET.copy()
    params[param] = str(number)
    return f"?{params.urlencode()}"
