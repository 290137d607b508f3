"""The published OpenAPI document tells clients the truth: every error status in the one
error shape, and each operation's own response schema."""

from tradepost.config.api import api

ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _schema() -> dict:
    return api.get_openapi_schema()


def _component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_every_operation_documents_its_errors_in_the_error_shape():
    schema = _schema()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = {str(status) for status in operation["responses"]}
            expected = {"400", "401", "403", "404", "409", "413", "422", "429"}
            if "requestBody" in operation:
                expected.add("415")
            assert expected <= statuses, f"{method} {path}"
            for status in expected - {"422"}:
                response = operation["responses"].get(int(status))
                content = response["content"]["application/json"]["schema"]
                assert content == ERROR_REF, f"{method} {path} {status}"
    assert schema["components"]["schemas"]["Error"]["properties"]["error"]["required"] == [
        "code",
        "message",
        "fields",
    ]


def test_the_suppliers_listing_and_the_public_listing_keep_their_own_schemas():
    schema = _schema()
    mine = schema["paths"]["/api/v1/my/listings/{listing_id}"]["get"]["responses"][200]
    public = schema["paths"]["/api/v1/listings/{listing_id}"]["get"]["responses"][200]

    mine_schema = _component(schema, mine["content"]["application/json"]["schema"]["$ref"])
    public_schema = _component(schema, public["content"]["application/json"]["schema"]["$ref"])

    assert {"status", "screening", "history"} <= set(mine_schema["properties"])
    assert "supplier" not in mine_schema["properties"]
    assert {"url", "supplier", "category_path"} <= set(public_schema["properties"])
    assert "screening" not in public_schema["properties"]
