"""Malformed input gets a 400 in the one JSON error shape, never a 500:
bodies nested deeper than API_JSON_MAX_DEPTH and integers outside the
database's 64-bit range, on every JSON endpoint."""

from __future__ import annotations

import pytest

from core.api.parsers import MAX_DB_INT, MIN_DB_INT, json_depth
from tests.api.helpers import token_client

pytestmark = pytest.mark.django_db

# Endpoints that take a JSON body, for a signed-in customer.
JSON_ENDPOINTS = ["/api/v1/notifications/mark-read/", "/api/v1/ideas/", "/api/v1/me/delete/"]
# About 10 KB of "[": Python's json recursed past its limit on it.
DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_a_deeply_nested_body_is_refused_with_a_400(user, path):
    response = token_client(user).post(path, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_nesting_within_the_limit_is_parsed(user):
    body = '{"ids": [1], "note": "' + "[" * 100 + '"}'

    response = token_client(user).post(
        "/api/v1/notifications/mark-read/", body, content_type="application/json"
    )

    assert response.status_code == 200


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert json_depth('["[[[[", {"a": "\\"]]]]"}]') == 2


@pytest.mark.parametrize("number", [MAX_DB_INT + 1, MIN_DB_INT - 1, 10**30])
def test_an_id_outside_the_database_range_is_refused_with_a_400(user, number):
    response = token_client(user).post(
        "/api/v1/notifications/mark-read/", f'{{"ids": [{number}]}}', content_type="application/json"
    )

    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize("number", [str(MAX_DB_INT + 1), str(MIN_DB_INT - 1)])
def test_an_id_sent_as_text_outside_the_range_is_refused_with_a_400(user, number):
    response = token_client(user).post(
        "/api/v1/notifications/mark-read/", {"ids": [number]}, content_type="application/json"
    )

    assert response.status_code == 400
