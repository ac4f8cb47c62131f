"""Forms for the customer-facing site.

ModelForms reuse the models' limits and validators (a model's full_clean runs in
the form), so a title that is too long gets its error beside the field instead
of a refusal from the service. Forms only validate; services write.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Comment, Idea, Report
from core.forms import HoneypotMixin, SiteFormMixin


class IdeaForm(SiteFormMixin, HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["title", "body", "consent_quote", "consent_ai", "consent_credit"]
        labels = {
            "title": _("Title"),
            "body": _("Describe your idea"),
            "consent_quote": _("You may quote me"),
            "consent_ai": _("You may use my idea in AI-written texts"),
            "consent_credit": _("Credit me publicly by name"),
        }
        help_texts = {
            "title": _("A short summary, like a headline."),
            "consent_ai": _(
                "The brand may give your idea to an AI writer to draft product texts; "
                "a person reviews every draft."
            ),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class CommentForm(SiteFormMixin, forms.ModelForm):
    """A comment or, with `parent`, a reply. Replies only to this idea's comments."""

    class Meta:
        model = Comment
        fields = ["body", "stance", "consent_ai", "parent"]
        labels = {
            "body": _("Your comment"),
            "stance": _("Your stance"),
            "consent_ai": _("You may use my comment in AI-written texts"),
        }
        help_texts = {
            "consent_ai": _(
                "The brand may give your comment to an AI writer to draft product texts; "
                "a person reviews every draft."
            ),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 3}),
            "stance": forms.RadioSelect,
            "parent": forms.HiddenInput,
        }

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model form made these from a foreign key and a choices field.
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = Comment.objects.filter(idea=idea)
        # The model's blank choice would render as a fourth, empty radio button.
        cast(forms.ChoiceField, self.fields["stance"]).choices = Comment.Stance.choices


class ReportForm(SiteFormMixin, forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "note"]
        labels = {"reason": _("What is wrong?"), "note": _("Anything else a moderator should know?")}
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reason"]).choices = Report.Reason.choices
