"""Form plumbing the site's forms share: the honeypot and the site's CSS classes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _


class HoneypotBoundField(BoundField):
    """Marks the honeypot's wrapper so the site's CSS moves it off-screen."""

    def css_classes(self, extra_classes: Any = None) -> str:
        return super().css_classes(extra_classes=["hp"])


class HoneypotField(forms.CharField):
    bound_field_class = HoneypotBoundField


class HoneypotMixin(forms.Form):
    """A field people never see and bots fill in; a filled one fails the form.

    Screen readers still reach it, so its label tells them to leave it empty.
    """

    HONEYPOT_FIELD = "homepage"

    homepage = HoneypotField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        # Form.clean returns cleaned_data; the stubs allow a subclass's None.
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get(self.HONEYPOT_FIELD):
            raise forms.ValidationError(
                _("This form looks automated. Leave the last field empty and try again."),
                code="honeypot",
            )
        return cleaned


class SiteFormMixin:
    """Classes the site's CSS styles, and labels without a trailing colon."""

    required_css_class = "required"
    error_css_class = "has-error"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
