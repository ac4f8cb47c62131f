"""Forms of the drafting admin: the generation form, the rejection reason and
the reason for overriding blocking findings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from core.exceptions import ActionRefused
from generation.models import REVIEW_NOTE_MAX, GenerationRequest, Length
from generation.services import (
    KEYWORD_CHARS_MAX,
    KEYWORDS_MAX,
    generation_params_clean,
    generation_request_check,
    keywords_split,
)


class GenerationRequestForm(forms.ModelForm):
    """What to write and how. The admin binds `requested_by` to the user; saving
    goes through services.generation_request_create, never form.save()."""

    requested_by: AbstractBaseUser | None = None

    tone = forms.ChoiceField(label=_("Tone"), choices=Campaign.Tone.choices)
    length = forms.ChoiceField(
        label=_("Length"),
        choices=Length.choices,
        initial=Length.SHORT,
        help_text=_("Short is about 50 words, medium about 80, long about 110."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=KEYWORDS_MAX * (KEYWORD_CHARS_MAX + 2),
        help_text=_("Words the text should use, separated by commas."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Campaign.Locale.choices)
    variants = forms.IntegerField(
        label=_("Variants"),
        min_value=1,
        max_value=settings.GENERATION_MAX_VARIANTS,
        initial=2,
        help_text=_("How many different texts to write, to choose from."),
    )
    # Set when the form is shown: a double-submitted form queues one request.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = GenerationRequest
        fields = ["campaign", "kind"]

    def clean_keywords(self) -> list[str]:
        return keywords_split(self.cleaned_data["keywords"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        try:
            generation_params_clean(
                kind=cleaned["kind"],
                tone=cleaned["tone"],
                length=cleaned["length"],
                keywords=cleaned["keywords"],
                language=cleaned["language"],
                variants=cleaned["variants"],
            )
            generation_request_check(campaign=cleaned["campaign"], requested_by=self.requested_by)  # type: ignore[arg-type]
        except ActionRefused as exc:
            raise forms.ValidationError(exc.message) from exc
        return cleaned


class DraftRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REVIEW_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail, so the next reviewer knows why."),
    )


class DraftOverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why publish this despite the blocking findings?"),
        max_length=REVIEW_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept in the audit trail with the findings you override. Say what you checked, "
            "e.g. “the 2-year warranty is in our terms”."
        ),
    )
