"""GET /api/v1/terms/...: public, the same data as the command line, 4xx JSON errors."""

from __future__ import annotations

import pytest

from tradepost.terms.services import terms_translation_attach


def test_versions_list(api, imported):
    response = api.get("/terms/versions?site=alibaba")

    assert response.status_code == 200
    assert response.json() == [
        {"id": imported["A"].pk, "label": "Part A: New version", "effective_date": "2024-03-01"},
        {"id": imported["B"].pk, "label": "Part B: Old version", "effective_date": "2023-11-02"},
    ]


@pytest.mark.parametrize(("at", "part"), [("2024-02-29", "B"), ("2024-03-01", "A")])
def test_in_force(api, imported, at, part):
    response = api.get(f"/terms/in-force?site=alibaba&at={at}")

    assert response.status_code == 200
    assert response.json()["id"] == imported[part].pk


def test_in_force_defaults_to_today(api, imported):
    assert api.get("/terms/in-force?site=alibaba").json()["id"] == imported["A"].pk


def test_version_detail_has_the_clause_tree_and_translations(api, imported):
    terms_translation_attach(version=imported["A"], language="ru", body="Условия")

    data = api.get(f"/terms/versions/{imported['A'].pk}").json()

    assert (data["site"], data["language"], data["governing"]) == ("alibaba", "en", True)
    assert data["translations"] == [{"language": "ru", "governing": False}]
    assert [c["number"] for c in data["clauses"]] == [
        "1.1", "1.3", "1.4", "2.1", "5.3", "5.5", "5.12", "5.13",
    ]  # fmt: skip
    clause = data["clauses"][5]
    assert [s["number"] for s in clause["sub_items"][2]["sub_items"]] == ["5.5(c)(i)", "5.5(c)(ii)"]


def test_diff(api, imported):
    response = api.get(f"/terms/diff?from={imported['B'].pk}&to={imported['A'].pk}")

    data = response.json()
    assert response.status_code == 200
    assert {k: data[k] for k in ("added", "removed", "changed", "heading_only")} == {
        "added": ["5.13"],
        "removed": ["2.2"],
        "changed": ["2.1", "5.5"],
        "heading_only": ["1.3"],
    }
    assert (data["from_version"]["id"], data["to_version"]["id"]) == (
        imported["B"].pk,
        imported["A"].pk,
    )
    change = next(c for c in data["changes"] if c["number"] == "5.5")
    assert [w for w in change["words"] if w["op"] != "equal"] == [
        {"op": "insert", "text": "and controlled"}
    ]


SITE_FIELD = {"site": ["Choose one of: alibaba, aliexpress."]}
TOO_EARLY = {"at": ["Before the first version's effective date."]}


@pytest.mark.parametrize(
    ("path", "status", "code", "fields"),
    [
        ("/terms/versions?site=ebay", 422, "invalid_input", SITE_FIELD),
        ("/terms/versions", 422, "invalid_input", {"site": ["Field required"]}),
        ("/terms/in-force?site=ebay", 422, "invalid_input", SITE_FIELD),
        ("/terms/in-force?site=alibaba&at=2024-02-30", 422, "invalid_input", None),
        ("/terms/in-force?site=alibaba&at=2001-01-01", 404, "no_terms_in_force", TOO_EARLY),
        ("/terms/versions/999999", 404, "not_found", {"id": ["Unknown."]}),
        ("/terms/versions/abc", 422, "invalid_input", None),
        ("/terms/diff?from=999999&to=1", 404, "not_found", {"id": ["Unknown."]}),
        ("/terms/diff?from=1", 422, "invalid_input", {"to": ["Field required"]}),
    ],
)  # fmt: skip
def test_bad_input_is_a_4xx_json_error(api, imported, path, status, code, fields):
    response = api.get(path)

    body = response.json()
    assert response.status_code == status
    assert sorted(body) == ["error"]
    assert body["error"]["code"] == code
    if fields is not None:
        assert body["error"]["fields"] == fields
