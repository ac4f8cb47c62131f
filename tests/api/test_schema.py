"""The OpenAPI schema validates without warnings and documents the error shape;
Swagger UI is served from our own static files."""

from __future__ import annotations

from io import StringIO

import yaml
from django.core.management import call_command


def test_the_schema_validates_with_no_warnings(tmp_path):
    # --fail-on-warn: a view whose serializer spectacular cannot resolve fails here.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        stderr=StringIO(),
    )

    assert (tmp_path / "schema.yaml").stat().st_size > 0


def _schema(api) -> dict:
    response = api.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_every_operation_documents_the_error_shape(api, db):
    schema = _schema(api)

    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not all(
            operation["responses"]
            .get(status, {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
            == {"$ref": "#/components/schemas/Error"}
            for status in ("400", "401", "403", "404")
        )
    ]
    assert missing == []


def test_throttled_operations_document_429_with_retry_after(api, db):
    operation = _schema(api)["paths"]["/api/v1/ideas/{id}/vote/"]["post"]

    assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_the_token_scheme_is_documented(api, db):
    schemes = _schema(api)["components"]["securitySchemes"]

    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["tokenAuth"]["description"],
    }


def test_swagger_ui_loads_from_our_own_static_files(api, db):
    page = api.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn." not in page
    assert "/api/schema/" in page
