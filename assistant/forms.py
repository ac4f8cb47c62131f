from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=settings.ASSISTANT_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write a question.")},
    )
