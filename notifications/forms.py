"""Forms of the community-intelligence pages. They validate; services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationPreference


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mail me about the ideas and campaigns I follow"),
        choices=NotificationPreference.Frequency.choices,
        widget=forms.RadioSelect,
    )


class FollowForm(forms.Form):
    """Follow or unfollow one idea or campaign."""

    target = forms.ChoiceField(choices=[("idea", "idea"), ("campaign", "campaign")])
    pk = forms.IntegerField(min_value=1)
    follow = forms.BooleanField(required=False)
