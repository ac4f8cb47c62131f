"""Text that reads differently from what it is (issue 14, finding 5c).

Each class is refused by one validator module, core/text.py, that the models
carry, so the site's forms, the API's serializers and the services' full_clean
all refuse it with the same message:
- titles, bodies and comments of only invisible characters;
- bidirectional embedding, override and isolate controls;
- usernames mixing scripts; usernames equal after NFKC and case folding collide.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.forms import SignupForm
from campaigns import services
from campaigns.forms import CommentForm, IdeaForm
from campaigns.models import Comment, Idea
from core import text
from tests.api.helpers import assert_error_shape, token_client
from tests.factories import UserFactory

V1 = "/api/v1"

INVISIBLE_ONLY = {
    "zero-width spaces": "\u200b" * 6,
    "byte-order marks": "\ufeff" * 6,
    "zero-width joiners": "\u200c\u200d" * 3,
    "word joiners and spaces": " \u2060 \u2060 \u2060 ",
    "soft hyphens": "\u00ad" * 6,
    "hangul fillers": "\u3164" * 6,
    "braille blanks": "\u2800" * 6,
    "direction marks": "\u200e\u200f" * 3,
}
BIDI_CONTROLS = {f"U+{ord(c):04X}": c for c in sorted(text.BIDI_CONTROLS)}
MIXED_SCRIPT_USERNAMES = {
    "Cyrillic с in customer": "\u0441ustomer",
    "Cyrillic е in customer": "custom\u0435r",
    "Greek ο in moderator": "m\u03bfderator",
    "Cyrillic а in admin": "\u0430dmin",
    "Armenian օ in root": "r\u0585ot",
}
ONE_SCRIPT_USERNAMES = ["customer", "петров", "Ελληνικά", "小明abc", "さくらsakura漢", "user_42", "김민수kim"]


def _title(s: str) -> str:
    return f"Hip pocket {s} for phones"


# --- the validators --------------------------------------------------------------------


@pytest.mark.parametrize("value", INVISIBLE_ONLY.values(), ids=INVISIBLE_ONLY.keys())
def test_text_of_only_invisible_characters_is_refused(value):
    with pytest.raises(ValidationError, match="visible text"):
        text.validate_visible(value)


@pytest.mark.parametrize("value", ["Hip pocket", "背包口袋", "a\u200db", "👍🏽 yes", "!!"])
def test_text_with_something_visible_passes(value):
    text.validate_visible(value)


def test_the_bidi_controls_are_exactly_the_embeddings_overrides_and_isolates():
    assert sorted(map(ord, text.BIDI_CONTROLS)) == [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]


@pytest.mark.parametrize("char", BIDI_CONTROLS.values(), ids=BIDI_CONTROLS.keys())
def test_a_bidi_control_anywhere_is_refused(char):
    with pytest.raises(ValidationError, match="text-direction"):
        text.validate_no_bidi_controls(_title(char))


@pytest.mark.parametrize("name", MIXED_SCRIPT_USERNAMES.values(), ids=MIXED_SCRIPT_USERNAMES.keys())
def test_a_username_mixing_scripts_is_refused(name):
    with pytest.raises(ValidationError, match="one alphabet"):
        text.validate_single_script(name)


@pytest.mark.parametrize("name", ONE_SCRIPT_USERNAMES)
def test_a_username_in_one_script_or_an_everyday_mix_passes(name):
    text.validate_single_script(name)


@pytest.mark.parametrize(
    ("a", "b"), [("\uff43ustomer", "customer"), ("Customer", "customer"), ("ＡＢＣ", "abc")]
)
def test_usernames_equal_after_nfkc_and_case_folding_have_one_key(a, b):
    assert text.username_key(a) == text.username_key(b)


# --- every surface refuses them: services, site forms, API ----------------------------


@pytest.mark.parametrize("value", [*INVISIBLE_ONLY.values(), *(_title(c) for c in BIDI_CONTROLS.values())])
def test_the_submit_service_refuses_the_title(campaign, user, value):
    with pytest.raises(ValidationError):
        services.idea_submit(campaign=campaign, author=user, title=value, body="A pocket.")
    assert not Idea.objects.exists()


@pytest.mark.parametrize("field", ["title", "body"])
@pytest.mark.parametrize("value", [INVISIBLE_ONLY["zero-width spaces"], _title("\u202e")])
def test_the_site_idea_form_refuses_the_field(db, field, value):
    data = {"title": "Hip pocket", "body": "A pocket.", field: value}

    form = IdeaForm(data)

    assert not form.is_valid() and field in form.errors


@pytest.mark.parametrize("value", [INVISIBLE_ONLY["hangul fillers"], "Agreed \u2067 here"])
def test_the_site_comment_form_and_service_refuse_the_body(idea, user, value):
    assert "body" in CommentForm({"body": value, "stance": "for"}, idea=idea).errors
    with pytest.raises(ValidationError):
        services.comment_add(idea=idea, author=user, body=value)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("value", [INVISIBLE_ONLY["byte-order marks"], _title("\u202d")])
def test_the_api_answers_400_with_the_reason_for_an_idea(user, campaign, value):
    response = token_client(user).post(
        f"{V1}/ideas/", {"campaign": campaign.slug, "title": value, "body": "A pocket."}, format="json"
    )

    error = assert_error_shape(response, 400)
    assert "title" in error["fields"]


def test_the_api_answers_400_with_the_reason_for_a_comment(user, idea):
    response = token_client(user).post(
        f"{V1}/ideas/{idea.pk}/comments/", {"body": "\u200b\u200b\u200b"}, format="json"
    )

    error = assert_error_shape(response, 400)
    assert "visible text" in error["fields"]["body"][0]


def _signup(**overrides: str) -> dict[str, str]:
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
        **overrides,
    }


@pytest.mark.parametrize("name", MIXED_SCRIPT_USERNAMES.values(), ids=MIXED_SCRIPT_USERNAMES.keys())
def test_sign_up_refuses_a_mixed_script_username_with_the_reason(client, db, name):
    response = client.post(reverse("signup"), _signup(username=name))

    assert response.status_code == 400
    assert "one alphabet" in response.content.decode()


@pytest.mark.parametrize("name", ["\uff43ustomer", "Customer", "CUSTOMER"])
def test_sign_up_treats_a_full_width_or_recased_name_as_taken(db, name):
    UserFactory(username="customer")

    form = SignupForm(_signup(username=name))

    assert not form.is_valid() and "username" in form.errors
