"""Disclosure requests (clause 6.4): the register, legal counsel's four-eyes decision, an export
of exactly the approved scope (members and categories, nothing else), audited downloads, the
transparency report's figures and the role matrix."""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import ApiClient
from tests.factories import image_bytes, listing_create, member_create, pdf_bytes, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.catalog import services as catalog_services
from tradepost.members.services import api_token_create
from tradepost.policy.disclosure import load_disclosure_policy
from tradepost.trust.models.requests import DisclosureRequest
from tradepost.trust.selectors import transparency
from tradepost.trust.selectors.disclosure import CATEGORY_READERS
from tradepost.trust.services import disclosure as services


def _token(user):
    return api_token_create(user=user, name="t")[1]


@pytest.fixture
def registrar(db):
    return staff_create(username="legal-1", role="Legal counsel")


@pytest.fixture
def counsel(db):
    return staff_create(username="legal-2", role="Legal counsel")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _payload(member_ids, categories, **kw):
    return {
        "requester_name": "Det. Insp. Weber",
        "requester_organisation": "Landeskriminalamt Berlin",
        "requester_type": "authority",
        "country": "DE",
        "legal_basis": "court_order",
        "reference": "LKA-2026-0042",
        "member_ids": member_ids,
        "categories": categories,
        **kw,
    }


def _register(by, member_ids, categories, **kw):
    return services.disclosure_request_register(
        data=services.DisclosureInput(**_payload(member_ids, categories, **kw)), by=by
    )


def test_every_policy_category_has_a_reader():
    assert set(load_disclosure_policy().category_keys) == set(CATEGORY_READERS)


def test_register_through_the_api_writes_an_audit_row(registrar):
    member = member_create()
    client = ApiClient(token=_token(registrar))

    response = client.post(
        "/staff/disclosure-requests", _payload([member.member_id], ["profile", "contact"])
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["registered_by"], body["member_ids"]) == (
        "registered",
        "legal-1",
        [member.member_id],
    )
    row = AuditEntry.objects.get(action="disclosure.registered")
    assert (row.actor, row.target_id, row.clause) == (registrar, str(body["id"]), "6.4")


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"member_ids": ["nosuchmember"]}, "member_ids"),
        ({"categories": ["bank_accounts"]}, "categories"),
        ({"country": "XX"}, "country"),
    ],
)
def test_register_refuses_unknown_members_categories_and_countries(registrar, override, field):
    member = member_create()
    body = {**_payload([member.member_id], ["profile"]), **override}

    response = ApiClient(token=_token(registrar)).post("/staff/disclosure-requests", body)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]


def test_the_registrar_cannot_approve(registrar):
    member = member_create()
    request = _register(registrar, [member.member_id], ["profile"])

    response = ApiClient(token=_token(registrar)).post(
        f"/staff/disclosure-requests/{request.pk}/decide",
        {"decision": "approved", "reason": "Valid order."},
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "four_eyes_same_staff"
    request.refresh_from_db()
    assert request.decision == ""


def test_another_counsel_decides_once(registrar, counsel):
    member = member_create()
    request = _register(registrar, [member.member_id], ["profile"])
    client = ApiClient(token=_token(counsel))

    decided = client.post(
        f"/staff/disclosure-requests/{request.pk}/decide",
        {"decision": "refused", "reason": "No jurisdiction."},
    )
    again = client.post(
        f"/staff/disclosure-requests/{request.pk}/decide",
        {"decision": "approved", "reason": "Changed my mind."},
    )

    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["decided_by"]) == ("refused", "legal-2")
    assert again.status_code == 409
    export = client.post(f"/staff/disclosure-requests/{request.pk}/export")
    assert export.status_code == 409
    assert export.json()["error"]["code"] == "not_approved"


def test_a_partial_approval_must_be_a_strict_part_of_the_request(registrar, counsel):
    a, b = member_create(), member_create()
    request = _register(registrar, [a.member_id, b.member_id], ["profile", "contact"])
    client = ApiClient(token=_token(counsel))
    url = f"/staff/disclosure-requests/{request.pk}/decide"

    outside = client.post(
        url,
        {"decision": "partially_approved", "reason": "r", "categories": ["listings"]},
    )
    whole = client.post(url, {"decision": "partially_approved", "reason": "r"})

    assert outside.status_code == 422
    assert outside.json()["error"]["fields"] == {
        "categories": ["Not in the request's scope: listings."]
    }
    assert whole.status_code == 422
    assert whole.json()["error"]["code"] == "invalid_scope"


def _zip(response):
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_holds_exactly_the_approved_scope(registrar, counsel, media):
    in_scope = member_create(country="CN", roles=["supplier"])
    also_asked = member_create(country="CN", roles=["supplier"])
    never_asked = member_create(country="CN", roles=["supplier"])
    for m in (in_scope, also_asked, never_asked):
        listing = listing_create(m)
        catalog_services.listing_image_add(
            member=m,
            listing_id=listing.pk,
            upload=SimpleUploadedFile("p.png", image_bytes(), "image/png"),
        )
    catalog_services.certification_add(
        member=in_scope,
        name="ISO 9001",
        issuer="TÜV",
        upload=SimpleUploadedFile("iso.pdf", pdf_bytes(), "application/pdf"),
    )
    request = _register(
        registrar,
        [in_scope.member_id, also_asked.member_id],
        ["contact", "listings", "certifications"],
    )
    client = ApiClient(token=_token(counsel))
    client.post(
        f"/staff/disclosure-requests/{request.pk}/decide",
        {
            "decision": "partially_approved",
            "reason": "Only the named supplier; no certifications.",
            "member_ids": [in_scope.member_id],
            "categories": ["contact", "listings"],
        },
    )

    exported = client.post(f"/staff/disclosure-requests/{request.pk}/export")
    download = client.get(f"/staff/disclosure-requests/{request.pk}/export")

    assert exported.status_code == 201, exported.content
    assert exported.json()["status"] == "fulfilled"
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = _zip(download)
    names = sorted(archive.namelist())
    image_name = [n for n in names if n.endswith(".png")]
    prefix = f"members/{in_scope.member_id}/"
    assert names == sorted(
        [
            "manifest.json",
            f"{prefix}contact.json",
            f"{prefix}listings.json",
            *image_name,
        ]
    )
    assert len(image_name) == 1
    assert image_name[0].startswith(f"{prefix}listings/{in_scope.listings.get().pk}-")
    contact = json.loads(archive.read(f"{prefix}contact.json"))
    assert contact["email"] == in_scope.email
    listings = json.loads(archive.read(f"{prefix}listings.json"))
    assert [item["id"] for item in listings] == [in_scope.listings.get().pk]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["scope"] == {
        "member_ids": [in_scope.member_id],
        "categories": ["contact", "listings"],
    }
    assert sorted(f["path"] for f in manifest["files"]) == sorted(
        n for n in names if n != "manifest.json"
    )
    blob = b"".join(archive.read(n) for n in names if n != "manifest.json")  # nothing of the others
    for other in (also_asked, never_asked):
        assert other.member_id.encode() not in blob
        assert other.email.encode() not in blob
    actions = list(
        AuditEntry.objects.filter(target_type="disclosure_request").values_list("action", flat=True)
    )
    assert actions == [
        "disclosure.registered",
        "disclosure.decided",
        "disclosure.exported",
        "disclosure.downloaded",
    ]


def test_an_export_is_made_once(registrar, counsel, media):
    member = member_create()
    request = _register(registrar, [member.member_id], ["registration"])
    services.disclosure_request_decide(
        request_id=request.pk, decision="approved", reason="Valid.", by=counsel
    )
    client = ApiClient(token=_token(counsel))

    first = client.post(f"/staff/disclosure-requests/{request.pk}/export")
    second = client.post(f"/staff/disclosure-requests/{request.pk}/export")

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_exported"


@pytest.mark.parametrize(
    ("role", "register", "view", "download"),
    [
        ("Support agent", 403, 403, 403),
        ("Trust & safety agent", 403, 403, 403),
        ("Compliance officer", 403, 403, 403),
        ("Legal counsel", 201, 200, 200),
        ("Administrator", 201, 200, 200),
    ],
)
def test_role_matrix(registrar, counsel, media, role, register, view, download):
    member = member_create()
    request = _register(registrar, [member.member_id], ["contact"])
    services.disclosure_request_decide(
        request_id=request.pk, decision="approved", reason="Valid.", by=counsel
    )
    services.disclosure_export(request_id=request.pk, by=counsel)
    staff = staff_create(username="s-" + role.split()[0].lower(), role=role)
    client = ApiClient(token=_token(staff))

    registered = client.post(
        "/staff/disclosure-requests", _payload([member.member_id], ["contact"])
    )
    listed = client.get("/staff/disclosure-requests")
    fetched = client.get(f"/staff/disclosure-requests/{request.pk}/export")

    assert (registered.status_code, listed.status_code, fetched.status_code) == (
        register,
        view,
        download,
    )


def test_members_get_403(registrar):
    member = member_create()

    response = ApiClient(token=_token(member.user)).get("/staff/disclosure-requests")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_only"


# --- Transparency report --------------------------------------------------------------------


def _known_request(registrar, counsel, *, received, decide_days, fulfil_days, **kw):
    member = member_create()
    request = _register(registrar, [member.member_id], ["contact"], received_at=received, **kw)
    if decide_days is not None:
        services.disclosure_request_decide(
            request_id=request.pk,
            decision="approved",
            reason="r",
            by=counsel,
            now=received + timedelta(days=decide_days),
        )
    if fulfil_days is not None:
        services.disclosure_export(
            request_id=request.pk, by=counsel, now=received + timedelta(days=fulfil_days)
        )
    return request


def test_transparency_figures_on_known_data(registrar, counsel, media):
    jan = datetime(2026, 1, 10, 9, tzinfo=UTC)
    _known_request(registrar, counsel, received=jan, decide_days=1, fulfil_days=2)
    _known_request(registrar, counsel, received=jan, decide_days=3, fulfil_days=5)
    _known_request(
        registrar,
        counsel,
        received=jan,
        decide_days=10,
        fulfil_days=None,
        country="US",
        legal_basis="subpoena",
    )
    refused = _register(
        registrar, [member_create().member_id], ["contact"], received_at=jan, country="US"
    )
    services.disclosure_request_decide(
        request_id=refused.pk,
        decision="refused",
        reason="No basis.",
        by=counsel,
        now=jan + timedelta(days=4),
    )
    _register(registrar, [member_create().member_id], ["contact"], received_at=jan, country="FR")
    # Outside the period:
    _register(
        registrar,
        [member_create().member_id],
        ["contact"],
        received_at=datetime(2025, 12, 31, 23, tzinfo=UTC),
    )

    report = transparency.transparency_report(transparency.report_period(period="2026"))

    figures = report["disclosure_requests"]
    assert figures["received"] == 5
    assert figures["by_country"] == {"US": 2, "DE": 2, "FR": 1}
    assert figures["by_legal_basis"] == {"court_order": 4, "subpoena": 1}
    assert figures["by_outcome"] == {"approved": 3, "pending": 1, "refused": 1}
    assert figures["accounts_specified"] == 5
    assert figures["accounts_affected"] == 2
    # Decided after 1, 3, 10 and 4 days: median 3.5; fulfilled after 2 and 5: median 3.5.
    assert figures["median_days_to_decide"] == 3.5
    assert figures["median_days_to_fulfil"] == 3.5
    assert report["from"] == "2026-01-01"
    assert report["to"] == "2026-12-31"


def test_transparency_report_api_json_and_csv(registrar, counsel):
    jan = datetime(2026, 1, 10, 9, tzinfo=UTC)
    _known_request(registrar, counsel, received=jan, decide_days=2, fulfil_days=None)
    client = ApiClient(token=_token(counsel))

    as_json = client.get("/staff/transparency-report?period=2026")
    as_csv = client.get("/staff/transparency-report?from=2026-01-01&to=2026-01-31&format=csv")
    support = ApiClient(token=_token(staff_create(username="sup", role="Support agent")))

    assert as_json.status_code == 200
    assert as_json.json()["disclosure_requests"]["median_days_to_decide"] == 2.0
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    lines = as_csv.content.decode().splitlines()
    assert lines[0] == "period,section,dimension,key,value"
    assert "2026-01-01..2026-01-31,disclosure_requests,by_country,DE,1" in lines
    assert client.get("/staff/transparency-report?period=26").status_code == 422
    assert support.get("/staff/transparency-report").status_code == 403


def test_public_transparency_page_shows_aggregates_only(registrar, counsel, client):
    jan = datetime(2026, 1, 10, 9, tzinfo=UTC)
    request = _known_request(registrar, counsel, received=jan, decide_days=2, fulfil_days=None)

    page = client.get("/transparency/?period=2026")

    assert page.status_code == 200
    html = page.content.decode()
    assert "court_order" not in html  # labels, not codes
    assert "Court order" in html
    assert request.reference not in html
    assert request.member_ids[0] not in html
    assert DisclosureRequest.objects.count() == 1


def test_transparency_counts_actions_by_kind_and_clause_in_the_period(counsel):
    from tradepost.trust.services.actions import action_take

    agent = staff_create(username="ts", role="Trust & safety agent")
    in_period = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for clause in ("5.9", "5.9", "6.3 a"):
        action_take(
            member=member_create(),
            kind="suspend",
            clause=clause,
            reason="r",
            by=agent,
            now=in_period,
        )
    action_take(
        member=member_create(), kind="warn", clause="6.2 (v)", reason="r", by=agent, now=in_period
    )
    action_take(
        member=member_create(),
        kind="warn",
        clause="6.2 (v)",
        reason="r",
        by=agent,
        now=datetime(2025, 6, 1, tzinfo=UTC),
    )

    rows = transparency.action_figures(transparency.report_period(period="2026-Q1"))

    assert [(r["kind"], r["clause"], r["count"]) for r in rows] == [
        ("suspend", "5.9", 2),
        ("suspend", "6.3 a", 1),
        ("warn", "6.2 (v)", 1),
    ]


def test_console_registers_and_the_registrar_cannot_decide_there(registrar, counsel, media):
    from django.test import Client

    member = member_create()
    console = Client()
    console.force_login(registrar, backend="tradepost.members.backends.MemberLoginBackend")

    added = console.post(
        "/console/trust/disclosurerequest/add/",
        {
            "requester_name": "Jane Roe",
            "requester_type": "injured_third_party",
            "country": "GB",
            "legal_basis": "civil_claim",
            "reference": "HC-2026-000123",
            "received_at_0": "2026-01-05",
            "received_at_1": "10:00:00",
            "member_ids_text": member.member_id,
            "categories_choice": ["contact", "listings"],
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    request = DisclosureRequest.objects.get()
    assert (request.member_ids, request.categories) == ([member.member_id], ["contact", "listings"])
    decide = {
        "action": "decide",
        "_selected_action": [request.pk],
        "apply": "1",
        "decision": "approved",
        "reason": "Court order checked.",
    }

    refused = console.post("/console/trust/disclosurerequest/", decide)
    request.refresh_from_db()
    assert refused.status_code == 302
    assert request.decision == ""

    other = Client()
    other.force_login(counsel, backend="tradepost.members.backends.MemberLoginBackend")
    other.post("/console/trust/disclosurerequest/", decide)
    other.post(
        "/console/trust/disclosurerequest/",
        {"action": "export", "_selected_action": [request.pk]},
    )
    request.refresh_from_db()
    assert (request.decision, request.decided_by) == ("approved", counsel)
    assert request.fulfilled_at is not None
    page = other.get(f"/console/trust/disclosurerequest/{request.pk}/change/")
    assert "Download the zip" in page.content.decode()
    download = other.get(f"/api/v1/staff/disclosure-requests/{request.pk}/export")
    assert download.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "period=2026-Q5",
        "from=9999-12-31&to=9999-12-31",
        "from=2026-02-01&to=2026-01-01",
        "period=2026&from=2026-01-01",
        "format=xml",
    ],
)
def test_transparency_report_refuses_bad_periods_with_422(counsel, query):
    response = ApiClient(token=_token(counsel)).get(f"/staff/transparency-report?{query}")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_register_refuses_malformed_member_ids(registrar):
    body = _payload(["cn\x00123", "x" * 40], ["contact"])

    response = ApiClient(token=_token(registrar)).post("/staff/disclosure-requests", body)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["member_ids"]
