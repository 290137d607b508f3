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


def _properties(name: str) -> dict:
    return _schema()["components"]["schemas"][name]["properties"]


def test_listing_fields_publish_the_limits_screening_enforces():
    listing = _properties("ListingIn")

    assert listing["title"]["maxLength"] == 200
    assert listing["title"]["pattern"] == r"\S"
    assert listing["description"]["maxLength"] == 20_000
    assert listing["unit"]["maxLength"] == 32
    assert listing["moq"]["minimum"] == 1
    assert listing["moq"]["maximum"] == 1_000_000_000
    assert (listing["price_tiers"]["minItems"], listing["price_tiers"]["maxItems"]) == (1, 10)
    assert listing["keywords"]["maxItems"] == 10
    assert listing["keywords"]["items"]["maxLength"] == 50
    assert listing["lead_time_days"]["maximum"] == 365
    assert listing["port"]["maxLength"] == 100
    assert "FOB" in listing["incoterm"]["enum"]
    assert "DE" in listing["ships_to"]["items"]["enum"]
    assert _properties("ListingPatch")["incoterm"]["enum"][:2] == [None, ""]
    assert _properties("AttributeIn")["key"]["maxLength"] == 60


def test_member_fields_publish_the_limits_registration_enforces():
    register = _properties("RegisterIn")

    assert register["site"]["enum"] == ["alibaba", "aliexpress"]
    assert register["business_type"]["enum"][0] == "manufacturer"
    assert register["company_name"]["maxLength"] == 200
    assert register["address"]["maxLength"] == 1000
    assert register["registration_number"]["maxLength"] == 60
    assert register["email"]["maxLength"] == 254
    assert (register["password"]["minLength"], register["password"]["maxLength"]) == (12, 256)
    assert register["roles"]["items"]["enum"] == ["buyer", "supplier"]
    assert register["accept_terms"]["enum"] == [True]
    assert "CN" in register["country"]["enum"]
    assert _properties("MemberPatch")["country"]["enum"][0] is None
    assert _properties("RefereeIn")["name"]["maxLength"] == 200


def test_terms_queries_publish_their_choices():
    paths = _schema()["paths"]
    versions = paths["/api/v1/terms/versions"]["get"]["parameters"]
    obligations = paths["/api/v1/terms/obligations"]["get"]["parameters"]

    assert [p["schema"]["enum"] for p in versions] == [["alibaba", "aliexpress"]]
    assert obligations[0]["name"] == "service"
    assert "listing_services" in obligations[0]["schema"]["enum"]


def _schema_classes(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("tradepost."):
            found.append(sub)
        found.extend(_schema_classes(sub))
    return found


def test_no_two_api_schemas_share_a_component_name():
    """The document names a component by its class name: two different schemas with one name
    would publish one of them for both (a wrong request or response body for a client)."""
    from ninja import Schema

    _schema()  # every router imported
    shapes: dict[str, dict[str, object]] = {}
    for cls in _schema_classes(Schema):
        shape = cls.model_json_schema()
        shapes.setdefault(cls.__name__, {})[f"{cls.__module__}.{cls.__qualname__}"] = shape
    clashes = {
        name: sorted(by_class)
        for name, by_class in shapes.items()
        if len({repr(shape) for shape in by_class.values()}) > 1
    }
    assert clashes == {}
