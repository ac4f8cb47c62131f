"""Every integer a serializer reads has a range, so a number the database
cannot hold (2**63 and past) is a 400 in the JSON error shape, never an
OverflowError or DataError from a query: a walk over every serializer of
the project's API modules, and every endpoint that takes ids sent them."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from rest_framework import serializers

from core.api.parsers import MAX_DB_INT, MIN_DB_INT
from tests.api.helpers import token_client
from tests.factories import IdeaFactory

# Where the project's apps keep their API: a module `api` or a package `api/`.
API_MODULE = "api"


def _project_apps() -> list[str]:
    base = str(settings.BASE_DIR)
    return [app.name for app in apps.get_app_configs() if str(app.path).startswith(base)]


def _import_api_modules() -> None:
    for app in _project_apps():
        try:
            package = importlib.import_module(f"{app}.{API_MODULE}")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.walk_packages(getattr(package, "__path__", []), f"{package.__name__}."):
            importlib.import_module(module.name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_serializers() -> list[type[serializers.Serializer]]:
    _import_api_modules()
    roots = tuple(f"{app}." for app in _project_apps())
    found = {cls for cls in _subclasses(serializers.Serializer) if cls.__module__.startswith(roots)}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _fields(serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    """Its fields as DRF builds them (a ModelSerializer's from the model too),
    or, where building needs a request, the declared ones."""
    try:
        return dict(serializer_class().fields)
    except Exception:  # noqa: BLE001  # some serializers read the request to build fields
        return dict(serializer_class._declared_fields)


def _integer_fields(name: str, fields: dict[str, Any], seen: set[type]) -> Iterator[tuple[str, Any]]:
    for field_name, field in fields.items():
        path = f"{name}.{field_name}"
        for inner in (field, getattr(field, "child", None), getattr(field, "child_relation", None)):
            if isinstance(inner, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
                yield path, inner
            if isinstance(inner, serializers.BaseSerializer) and type(inner) not in seen:
                seen.add(type(inner))
                nested = inner.child if isinstance(inner, serializers.ListSerializer) else inner
                yield from _integer_fields(path, _fields(type(nested)), seen)


def _unbounded() -> list[str]:
    missing = []
    for cls in _project_serializers():
        for path, field in _integer_fields(f"{cls.__module__}.{cls.__qualname__}", _fields(cls), {cls}):
            # A read-only field (a model's id in a response) never reads a request.
            if field.read_only:
                continue
            if getattr(field, "min_value", None) is None or getattr(field, "max_value", None) is None:
                missing.append(f"{path} ({type(field).__name__})")
    return missing


def test_the_walk_finds_the_serializers_of_every_api():
    modules = {cls.__module__.partition(".")[0] for cls in _project_serializers()}

    assert {"campaigns", "generation", "notifications", "store"} <= modules


def test_every_integer_field_a_serializer_can_read_has_a_range():
    assert _unbounded() == []


# Endpoints that read an id from the body, with the rest of a valid body.
ID_BODIES = [
    ("/api/v1/notifications/mark-read/", lambda number, idea: {"ids": [number]}),
    ("/api/v1/reports/", lambda number, idea: {"idea": number, "reason": "spam"}),
    ("/api/v1/reports/", lambda number, idea: {"comment": number, "reason": "spam"}),
    ("/api/v1/ideas/{idea}/comments/", lambda number, idea: {"body": "Yes.", "parent": number}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("number", [MAX_DB_INT + 1, MIN_DB_INT - 1], ids=["2**63", "-2**63-1"])
@pytest.mark.parametrize("as_text", [False, True], ids=["number", "text"])
@pytest.mark.parametrize(("path", "body"), ID_BODIES, ids=[f"{p}:{i}" for i, (p, _) in enumerate(ID_BODIES)])
def test_an_id_no_column_can_hold_is_a_json_400(user, path, body, number, as_text):
    idea = IdeaFactory()
    sent = str(number) if as_text else number

    response = token_client(user).post(path.format(idea=idea.pk), body(sent, idea), format="json")

    assert response.status_code == 400, response.content
    assert "error" in response.json()
