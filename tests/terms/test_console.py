"""Console writes in the Terms app go through services: validated and audited by staff member."""

from datetime import date

import pytest
from django.test import Client

from tests.factories import member_create, staff_create
from tradepost.terms import selectors, services
from tradepost.terms.models import (
    AdditionalAgreement,
    AgreementChange,
    SiteTermsSettingsChange,
)

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"


@pytest.fixture
def counsel(db):
    return staff_create(username="counsel", role="Legal counsel")


@pytest.fixture
def console(counsel) -> Client:
    client = Client()
    client.force_login(counsel, backend=LOGIN_BACKEND)
    return client


def agreement_form(**overrides) -> dict:
    """The add page as a browser posts it, with the (empty) inlines' management forms."""
    return {
        "key": "free-membership",
        "title": "Free Membership Agreement",
        "service": "listing_services",
        "site": "",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        **overrides,
    }


def test_staff_create_an_agreement_and_the_creation_is_audited(console, counsel):
    response = console.post("/console/terms/additionalagreement/add/", agreement_form())

    agreement = AdditionalAgreement.objects.get()
    change = AgreementChange.objects.get()
    assert response.status_code == 302
    assert (agreement.key, agreement.service, agreement.site) == (
        "free-membership",
        "listing_services",
        "",
    )
    assert (change.agreement, change.action, change.by) == (agreement, "created", counsel)
    assert change.changes == {
        "key": [None, "free-membership"],
        "title": [None, "Free Membership Agreement"],
        "service": [None, "listing_services"],
        "site": [None, ""],
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"key": "Free_Membership"}, "key"),
        ({"key": "free--membership"}, "key"),
        ({"service": "teleportation"}, "service"),
        ({"site": "ebay"}, "site"),
        ({"title": "   "}, "title"),
    ],
)
def test_the_console_refuses_a_bad_agreement(console, overrides, field):
    response = console.post("/console/terms/additionalagreement/add/", agreement_form(**overrides))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert AdditionalAgreement.objects.count() == 0
    assert AgreementChange.objects.count() == 0


def test_the_service_refuses_a_bad_key_and_a_service_not_in_services_toml(counsel):
    with pytest.raises(services.InvalidInput) as refused:
        services.agreement_create(
            key="Bad Key", title="T", service="teleportation", site="", by=counsel
        )

    assert refused.value.fields == {
        "key": ["Lowercase words joined by hyphens, e.g. transaction-services."],
        "service": ["Choose one of: listing_services, messaging, online_orders, paid_services."],
    }


def test_retitling_is_audited_and_members_see_the_new_title_at_once(console, counsel):
    supplier = member_create(country="CN", roles=["supplier"])
    version, _ = services.agreement_import(
        key="free-membership",
        service="listing_services",
        effective_date=date(2020, 1, 1),
        body="1. Text.",
        title="Free Membership Agreement",
    )
    agreement = version.agreement
    assert selectors.agreements_in_force(site=supplier.site, service="listing_services")[
        0
    ].title == ("Free Membership Agreement")

    response = console.post(
        f"/console/terms/additionalagreement/{agreement.pk}/change/",
        {
            "title": "Free Membership Agreement (2020)",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-0-id": version.pk,
            "versions-0-agreement": agreement.pk,
            "changes-TOTAL_FORMS": "2",
            "changes-INITIAL_FORMS": "2",
        },
    )

    update = AgreementChange.objects.get(action="updated")
    assert response.status_code == 302
    assert (update.by, update.changes) == (
        counsel,
        {"title": ["Free Membership Agreement", "Free Membership Agreement (2020)"]},
    )
    in_force = selectors.agreements_in_force(site=supplier.site, service="listing_services")
    assert in_force[0].title == "Free Membership Agreement (2020)"


def test_posting_a_version_in_the_console_is_audited(console, counsel):
    agreement = services.agreement_create(
        key="free-membership", title="Free Membership Agreement", service="messaging", by=None
    )

    response = console.post(
        "/console/terms/agreementversion/add/",
        {
            "agreement": agreement.pk,
            "label": "2026 edition",
            "effective_date": "2026-03-02",
            "body": "Text.",
            "source_name": "",
        },
    )

    posted = AgreementChange.objects.get(action="version_posted")
    assert response.status_code == 302
    assert (posted.agreement, posted.by) == (agreement, counsel)
    assert posted.changes == {
        "version": [None, agreement.versions.get().pk],
        "effective_date": [None, "2026-03-02"],
    }


def test_changing_the_acceptance_mode_is_audited(console, counsel):
    first = console.post(
        "/console/terms/sitetermssettings/add/",
        {"site": "alibaba", "acceptance_mode": "explicit"},
    )
    row = selectors.site_acceptance_mode(site="alibaba")
    again = console.post(
        f"/console/terms/sitetermssettings/{_settings_pk('alibaba')}/change/",
        {"acceptance_mode": "explicit"},
    )
    back = console.post(
        f"/console/terms/sitetermssettings/{_settings_pk('alibaba')}/change/",
        {"acceptance_mode": "continued_use"},
    )

    assert (first.status_code, again.status_code, back.status_code) == (302, 302, 302)
    assert row == "explicit"
    assert [
        (c.site, c.from_mode, c.to_mode, c.by)
        for c in SiteTermsSettingsChange.objects.order_by("id")
    ] == [
        ("alibaba", "", "explicit", counsel),
        ("alibaba", "explicit", "continued_use", counsel),
    ]
    assert selectors.site_acceptance_mode(site="alibaba") == "continued_use"


def test_the_audit_pages_render_for_legal_counsel(console):
    services.site_terms_settings_set(site="alibaba", acceptance_mode="explicit", by=None)

    response = console.get("/console/terms/sitetermssettingschange/")

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def _settings_pk(site: str) -> int:
    from tradepost.terms.models import SiteTermsSettings

    return SiteTermsSettings.objects.get(site=site).pk


def test_versions_and_acceptances_cannot_be_deleted_from_the_console(db):
    """They are evidence (1.1, 1.3, 4.4): not even a superuser deletes them in the console."""
    from tradepost.terms.models import TermsAcceptance, TermsVersion

    member = member_create(country="CN", roles=["supplier"])
    acceptance = TermsAcceptance.objects.get(member=member)
    admin = Client()
    admin.force_login(staff_create(username="root", superuser=True), backend=LOGIN_BACKEND)

    pages = [
        f"/console/terms/termsversion/{acceptance.version_id}/delete/",
        f"/console/terms/termsacceptance/{acceptance.pk}/delete/",
    ]
    answers = [admin.post(page, {"post": "yes"}).status_code for page in pages]

    assert answers == [403, 403]
    assert TermsVersion.objects.filter(pk=acceptance.version_id).count() == 1
    assert TermsAcceptance.objects.filter(pk=acceptance.pk).count() == 1
