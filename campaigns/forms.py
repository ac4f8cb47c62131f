"""Forms for the customer-facing site.

ModelForms reuse the models' limits and validators (a model's full_clean runs in
the form), so a title that is too long gets its error beside the field instead
of a refusal from the service. Forms only validate; services write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from .models import Comment, Idea, Report


class HoneypotBoundField(BoundField):
    """Marks the honeypot's wrapper so the site's CSS moves it off-screen."""

    def css_classes(self, extra_classes: Any = None) -> str:
        return super().css_classes(extra_classes=["hp"])


class HoneypotMixin(forms.Form):
    """A field people never see and bots fill in; a filled one fails the form.

    Screen readers still reach it, so its label tells them to leave it empty.
    """

    HONEYPOT_FIELD = "homepage"

    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        bound_field_class=HoneypotBoundField,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
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
        fields = ["body", "stance", "parent"]
        labels = {"body": _("Your comment"), "stance": _("Your stance")}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 3}),
            "stance": forms.RadioSelect,
            "parent": forms.HiddenInput,
        }

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Comment.objects.filter(idea=idea)
        # The model's blank choice would render as a fourth, empty radio button.
        self.fields["stance"].choices = Comment.Stance.choices


class ReportForm(SiteFormMixin, forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "note"]
        labels = {"reason": _("What is wrong?"), "note": _("Anything else a moderator should know?")}
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = Report.Reason.choices


class SignupForm(SiteFormMixin, HoneypotMixin, UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("Used only to reset your password and, if you like, to tell you when your idea is used."),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # One account per address, so a password reset reaches one person.
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail already exists."), code="email_taken")
        return email


class LoginForm(SiteFormMixin, AuthenticationForm):
    # Set by the view when the attempt is throttled.
    refusal = ""

    def clean(self) -> dict[str, Any]:
        # A throttled attempt must not check the password: the answer would leak.
        if self.refusal:
            raise forms.ValidationError(self.refusal, code="throttled")
        return super().clean()


class AccountDeleteForm(SiteFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
