"""The OpenAPI schema documents the 4xx answers of every operation (issue 11, section 6):
a client generated from /api/v1/openapi.json knows each refusal and its body."""

import pytest

from config.api import errors_of


@pytest.fixture
def schema(client, world):
    client.force_login(world.kader_a)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    return [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_operation_lists_its_4xx_answers_with_the_error_body(schema):
    operations = _operations(schema)
    assert len(operations) >= 28
    for method, path, operation in operations:
        documented = set(operation["responses"])
        for code in errors_of(method, path):
            assert code in documented, f"{method.upper()} {path} does not document {code}"
            content = operation["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ApiError"}
        assert any(c.startswith("2") for c in documented), f"{method.upper()} {path}"


def test_the_expected_codes_per_kind_of_operation(schema):
    responses = {(m, p): set(o["responses"]) for m, p, o in _operations(schema)}
    assert {"400", "401", "403", "422"} <= responses[("get", "/api/v1/sasaran")]
    assert "404" in responses[("get", "/api/v1/sasaran/{public_id}")]
    assert {"404", "409", "422"} <= responses[("post", "/api/v1/rujukan/{rujukan_id}/umpan-balik")]
    error = schema["components"]["schemas"]["ApiError"]
    assert error["required"] == ["detail"] and "version" in error["properties"]


def test_a_real_refusal_has_the_documented_body(client, world):
    """The body of a real refusal has the documented shape: {"detail": "..."}."""
    client.force_login(world.kader_a)
    response = client.get("/api/v1/sasaran/not-a-uuid")
    assert response.status_code in (400, 404, 422)
    assert "detail" in response.json()
