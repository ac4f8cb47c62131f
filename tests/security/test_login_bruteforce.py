"""Password guessing against the site's and the admin's login pages.

An attacker walks a list of guesses with the right password near the end. Past
the login rate only a 429 comes back: the password is not even checked (the
answer would tell a right guess from a wrong one), so the right guess does not
log in. The admin's login goes through accounts.admin_login.AdminLoginView;
tests/security/urls.py routes it the way cocreate/urls.py is to.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from core.throttles import parse_rate
from tests.campaigns.factories_site import throttle_rates
from tests.factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
GUESSES = 30
LOGIN_LIMIT = 5
LOGIN_PAGES = {"site": "/accounts/login/", "admin": "/admin/login/"}


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """Every password the auth backend actually checked."""
    checked: list[str] = []
    real = get_user_model().check_password

    def counting(user, raw_password):
        checked.append(raw_password)
        return real(user, raw_password)

    monkeypatch.setattr(get_user_model(), "check_password", counting)
    return checked


def _guess_all(client: Client, url: str, username: str) -> list[int]:
    guesses = [f"guess-{n}" for n in range(GUESSES - 1)] + [PASSWORD]
    return [client.post(url, {"username": username, "password": g}).status_code for g in guesses]


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_a_password_list_is_cut_off_at_the_login_rate_and_the_right_guess_never_logs_in(
    client, settings, password_checks, page
):
    throttle_rates(settings, login=LOGIN_LIMIT)
    staff = StaffFactory()

    statuses = _guess_all(client, LOGIN_PAGES[page], staff.username)

    assert SESSION_KEY not in client.session
    assert len(password_checks) == LOGIN_LIMIT
    assert statuses[LOGIN_LIMIT:] == [429] * (GUESSES - LOGIN_LIMIT)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_guessing_from_many_addresses_is_still_limited_per_account(client, settings, password_checks, page):
    throttle_rates(settings, login=LOGIN_LIMIT)
    staff = StaffFactory()

    for n in range(GUESSES):
        client.post(
            LOGIN_PAGES[page],
            {"username": staff.username, "password": f"guess-{n}"},
            REMOTE_ADDR=f"10.0.{n}.1",
        )

    assert len(password_checks) == LOGIN_LIMIT


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_the_right_password_within_the_rate_logs_in(client, settings, page):
    throttle_rates(settings, login=LOGIN_LIMIT)
    staff = StaffFactory()

    response = client.post(LOGIN_PAGES[page], {"username": staff.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(staff.pk)


def test_a_staff_login_on_the_admin_page_lands_on_the_admin_index(client):
    staff = StaffFactory()

    response = client.post(LOGIN_PAGES["admin"], {"username": staff.username, "password": PASSWORD})

    assert response["Location"] == reverse("admin:index")


def test_a_customer_cannot_log_in_through_the_admin_login(client):
    customer = UserFactory()

    response = client.post(LOGIN_PAGES["admin"], {"username": customer.username, "password": PASSWORD})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_the_admin_login_page_renders_the_admins_form(client):
    response = client.get(LOGIN_PAGES["admin"])

    assert response.status_code == 200
    assert "admin/login.html" in [t.name for t in response.templates]


def test_the_default_login_rate_allows_a_handful_of_tries_a_minute(settings):
    count, seconds = parse_rate(settings.THROTTLE_RATES["login"])

    assert count <= 10
    assert seconds >= 60


def test_the_real_site_routes_the_admin_login_to_the_throttled_view():
    from django.urls import resolve

    from accounts.admin_login import AdminLoginView

    assert resolve("/admin/login/").func.view_class is AdminLoginView
