"""The operator console (/console/): staff roles, status changes with a reason, 4.1 approvals,
token revocation, read-only audit trails."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, member_create, registration_payload, staff_create
from tradepost.errors import DomainError
from tradepost.members import identity, services
from tradepost.members.models import (
    ApiToken,
    DuplicateSignal,
    Member,
    MemberIdentifier,
    MemberStatus,
    MemberStatusChange,
    SecondAccountApproval,
    SignalOutcome,
    StaffRole,
    User,
)
from tradepost.terms.registration import RegistrationInput, member_register
from tradepost.trust.services import member_change_status

BACKEND = "tradepost.members.backends.MemberLoginBackend"
CHANGELIST = "/console/members/member/"


def console(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def service_message(fn, **kwargs) -> str:
    """The message the service gives for this input: the console must show exactly that."""
    with pytest.raises(DomainError) as error:
        fn(**kwargs)
    return error.value.message


def status_action(client: Client, member: Member, **form) -> object:
    data = {"action": "change_status", "_selected_action": [member.pk], **form}
    return client.post(CHANGELIST, data)


@pytest.fixture
def supplier(db) -> Member:
    return member_create(country="CN", company_name="Ningbo Valve Works Co., Ltd.")


@pytest.fixture
def trust_agent(db) -> User:
    return staff_create(username="tsa", role=StaffRole.TRUST_SAFETY)


@pytest.fixture
def support_agent(db) -> User:
    return staff_create(username="support", role=StaffRole.SUPPORT)


@pytest.fixture
def superuser(db) -> User:
    return staff_create(username="root", superuser=True)


# --- Members: list, detail --------------------------------------------------------------


def test_trust_and_safety_agent_opens_the_member_list_and_page(trust_agent, supplier):
    client = console(trust_agent)

    listing = client.get(CHANGELIST, {"q": supplier.member_id})
    page = client.get(f"{CHANGELIST}{supplier.pk}/change/")

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [supplier]
    assert page.status_code == 200
    assert f"{CHANGELIST}{supplier.pk}/status/" in page.content.decode()


def test_the_member_page_labels_identifiers_as_folded_matching_keys(superuser, supplier):
    page = console(superuser).get(f"{CHANGELIST}{supplier.pk}/change/").content.decode()

    assert "Matching key (look-alike letters folded)" in page
    key = MemberIdentifier.objects.get(member=supplier, kind="email").value
    assert key != supplier.email  # folded ("m" reads as "rn"), not the address as typed
    assert key in page


@pytest.mark.parametrize(
    "query", ["Ningbo Valve", "+8613800130001", "ningbo@example.com", "91330200MA2H"]
)
def test_member_search_covers_name_phone_email_and_registration_number(trust_agent, query):
    wanted = member_create(
        country="CN",
        company_name="Ningbo Valve Works Co., Ltd.",
        email="ningbo@example.com",
        phone="+86 138 0013 0001",
        registration_number="91330200MA2H000001",
    )
    member_create(country="DE")

    response = console(trust_agent).get(CHANGELIST, {"q": query})

    assert list(response.context["cl"].result_list) == [wanted]


def test_member_page_is_read_only_status_cannot_be_edited_directly(trust_agent, supplier):
    client = console(trust_agent)

    page = client.get(f"{CHANGELIST}{supplier.pk}/change/")
    post = client.post(f"{CHANGELIST}{supplier.pk}/change/", {"status": "terminated"})

    assert 'name="status"' not in page.content.decode()
    assert page.context["title"] == "View member"
    assert post.status_code == 403
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.ACTIVE


def test_member_list_filters_by_site_status_country_entity_and_role(trust_agent):
    ru = member_create(country="RU", site="aliexpress")
    member_create(country="DE")

    response = console(trust_agent).get(
        CHANGELIST,
        {
            "site__exact": "aliexpress",
            "status__exact": "active",
            "country": "RU",
            "contracting_entity": "aliexpress_russia",
            "is_supplier__exact": "1",
        },
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ru]


# --- Status changes (4.5, 6.2 i) ---------------------------------------------------------


def test_suspend_through_the_intermediate_form(trust_agent, supplier):
    client = console(trust_agent)

    form_page = status_action(client, supplier)
    done = status_action(
        client, supplier, apply="1", to_status="suspended", reason="Counterfeit listings (6.2)."
    )

    assert form_page.status_code == 200
    assert form_page.templates[0].name == "admin/members/reason_form.html"
    assert done.status_code == 302
    assert done.url == CHANGELIST
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.SUSPENDED
    change = MemberStatusChange.objects.get()
    assert (change.member, change.from_status, change.to_status) == (
        supplier,
        "active",
        "suspended",
    )
    assert change.reason == "Counterfeit listings (6.2)."
    assert change.changed_by == trust_agent
    assert messages_of(done) == [f"Status set to suspended for {supplier.member_id}."]
    assert LogEntry.objects.get().change_message == (
        "Status changed to suspended: Counterfeit listings (6.2)."
    )


def test_reinstate_from_the_member_page(trust_agent, supplier):
    member_change_status(
        member=supplier, to_status="suspended", reason="Investigation.", by=trust_agent
    )
    client = console(trust_agent)
    url = f"{CHANGELIST}{supplier.pk}/status/"

    form_page = client.get(url)
    done = client.post(url, {"to_status": "active", "reason": "Cleared after review."})

    assert form_page.status_code == 200
    assert done.status_code == 302
    assert done.url == f"{CHANGELIST}{supplier.pk}/change/"
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.ACTIVE
    assert User.objects.get(pk=supplier.user_id).is_active is True
    assert MemberStatusChange.objects.filter(to_status="active").get().changed_by == trust_agent


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_status_change_without_reason_shows_the_error_and_changes_nothing(
    trust_agent, supplier, reason
):
    client = console(trust_agent)

    response = status_action(client, supplier, apply="1", to_status="suspended", reason=reason)

    assert response.status_code == 200
    assert messages_of(response) == [
        service_message(
            member_change_status,
            member=supplier,
            to_status="suspended",
            reason=reason,
            by=trust_agent,
        )
    ]
    assert response.context["form"].errors == {"reason": ["Required."]}
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.ACTIVE
    assert MemberStatusChange.objects.count() == 0


def test_status_change_without_a_status_asks_again(trust_agent, supplier):
    response = console(trust_agent).post(f"{CHANGELIST}{supplier.pk}/status/", {"reason": "Fraud."})

    assert response.status_code == 200
    assert messages_of(response) == ["Please choose the new status."]
    assert MemberStatusChange.objects.count() == 0


def test_refused_status_change_shows_the_domain_error_not_a_500(trust_agent, supplier):
    member_change_status(member=supplier, to_status="terminated", reason="Fraud.", by=trust_agent)
    client = console(trust_agent)

    response = status_action(client, supplier, apply="1", to_status="active", reason="Oops.")

    assert response.status_code == 302
    assert messages_of(response) == [
        f"{supplier.member_id}: A terminated account cannot be changed."
    ]
    assert MemberStatusChange.objects.count() == 1


def test_bulk_status_change_reports_each_outcome(trust_agent):
    first, second = member_create(country="DE"), member_create(country="US")
    member_change_status(member=second, to_status="suspended", reason="Earlier.", by=trust_agent)
    client = console(trust_agent)

    response = client.post(
        CHANGELIST,
        {
            "action": "change_status",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "to_status": "suspended",
            "reason": "Sanctions screening hit.",
        },
    )

    assert sorted(messages_of(response)) == sorted(
        [
            f"Status set to suspended for {first.member_id}.",
            f"{second.member_id}: The member is already suspended.",
        ]
    )
    assert MemberStatusChange.objects.filter(reason="Sanctions screening hit.").count() == 1


def test_support_agent_can_view_but_not_change_status(support_agent, supplier):
    client = console(support_agent)

    listing = client.get(CHANGELIST)
    page = client.get(f"{CHANGELIST}{supplier.pk}/change/")
    status_page = client.get(f"{CHANGELIST}{supplier.pk}/status/")
    status_post = client.post(
        f"{CHANGELIST}{supplier.pk}/status/", {"to_status": "suspended", "reason": "No."}
    )
    action = status_action(client, supplier, apply="1", to_status="suspended", reason="No.")

    assert listing.status_code == 200
    assert listing.context["action_form"] is None
    assert page.status_code == 200
    assert f"{CHANGELIST}{supplier.pk}/status/" not in page.content.decode()
    assert status_page.status_code == 403
    assert status_post.status_code == 403
    assert action.status_code == 200
    assert messages_of(action) == []
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.ACTIVE
    assert MemberStatusChange.objects.count() == 0


def test_member_without_staff_flag_cannot_open_the_console(supplier):
    response = console(supplier.user).get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith("/console/login/")


# --- Clause 4.1: duplicate signals, second accounts -------------------------------------


def refused_attempt(existing: Member) -> dict:
    payload = registration_payload(country="DE", email=existing.email, phone=existing.phone)
    with pytest.raises(DomainError):
        member_register(data=RegistrationInput(**payload), ip="203.0.113.9")
    return payload


def test_approve_second_account_creates_one_approval_per_attempt(trust_agent):
    existing = member_create(country="DE")
    payload = refused_attempt(existing)
    signals = list(DuplicateSignal.objects.order_by("kind"))
    client = console(trust_agent)

    form_page = client.post(
        "/console/members/duplicatesignal/",
        {"action": "approve_second_account", "_selected_action": [s.pk for s in signals]},
    )
    done = client.post(
        "/console/members/duplicatesignal/",
        {
            "action": "approve_second_account",
            "_selected_action": [s.pk for s in signals],
            "apply": "1",
            "reason": "Separate legal entity of the same group; documents checked.",
        },
    )

    assert [s.kind for s in signals] == ["email", "phone"]
    assert form_page.status_code == 200
    assert done.status_code == 302
    approval = SecondAccountApproval.objects.get()
    assert approval.approved_by == trust_agent
    assert approval.reason == "Separate legal entity of the same group; documents checked."
    assert approval.email == identity.email_identity(existing.email)
    assert approval.phone == existing.phone
    second = member_register(data=RegistrationInput(**payload), ip="203.0.113.9")
    approval.refresh_from_db()
    assert approval.used_by == second


def test_approve_second_account_requires_a_reason(trust_agent):
    refused_attempt(member_create(country="DE"))
    signal = DuplicateSignal.objects.filter(kind="email").get()

    response = console(trust_agent).post(
        "/console/members/duplicatesignal/",
        {
            "action": "approve_second_account",
            "_selected_action": [signal.pk],
            "apply": "1",
            "reason": " ",
        },
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        service_message(services.second_account_approve, signal=signal, by=trust_agent, reason="")
    ]
    assert SecondAccountApproval.objects.count() == 0


def test_approved_signals_are_not_approved_again(trust_agent):
    DuplicateSignal.objects.create(
        kind="email",
        value="x@example.com",
        existing_member=member_create(country="DE"),
        outcome=SignalOutcome.APPROVED,
        attempt={"approval": 1},
    )
    signal = DuplicateSignal.objects.get()

    response = console(trust_agent).post(
        "/console/members/duplicatesignal/",
        {
            "action": "approve_second_account",
            "_selected_action": [signal.pk],
            "apply": "1",
            "reason": "Duplicate click.",
        },
    )

    assert messages_of(response) == [
        f"#{signal.pk}: already an approved registration; nothing to approve."
    ]
    assert SecondAccountApproval.objects.count() == 0


def test_support_agent_sees_signals_but_cannot_approve(support_agent):
    refused_attempt(member_create(country="DE"))
    signal = DuplicateSignal.objects.filter(kind="email").get()
    client = console(support_agent)

    listing = client.get("/console/members/duplicatesignal/", {"outcome": "refused"})
    response = client.post(
        "/console/members/duplicatesignal/",
        {
            "action": "approve_second_account",
            "_selected_action": [signal.pk],
            "apply": "1",
            "reason": "Trying.",
        },
    )

    assert listing.status_code == 200
    assert len(listing.context["cl"].result_list) == 2
    assert listing.context["action_form"] is None
    assert response.status_code == 200
    assert messages_of(response) == []
    assert SecondAccountApproval.objects.count() == 0


# --- API tokens ---------------------------------------------------------------------------


def test_administrator_revokes_a_token_and_never_sees_its_hash(supplier):
    administrator = staff_create(username="admin", role=StaffRole.ADMINISTRATOR)
    token, _raw = services.api_token_create(user=supplier.user, name="ERP sync")
    client = console(administrator)

    listing = client.get("/console/members/apitoken/")
    page = client.get(f"/console/members/apitoken/{token.pk}/change/")
    done = client.post(
        "/console/members/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert listing.status_code == 200
    assert page.status_code == 200
    assert token.key_hash not in listing.content.decode()
    assert token.key_hash not in page.content.decode()
    assert "field-key_hash" not in page.content.decode()
    assert "field-created_at" in page.content.decode()
    assert done.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == administrator
    assert messages_of(done) == [f"Revoked: {supplier.member_id} {token.prefix}…."]


def test_revoking_a_revoked_token_says_so(supplier, superuser):
    token, _raw = services.api_token_create(user=supplier.user, name="old")
    services.api_token_revoke(user=supplier.user, token_id=token.pk)
    revoked_at = ApiToken.objects.get().revoked_at

    done = console(superuser).post(
        "/console/members/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert messages_of(done) == [f"Already revoked: {supplier.member_id} {token.prefix}…."]
    assert ApiToken.objects.get().revoked_at == revoked_at


def test_trust_agent_cannot_revoke_tokens(trust_agent, supplier):
    token, _raw = services.api_token_create(user=supplier.user, name="ERP sync")

    response = console(trust_agent).post(
        "/console/members/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Read-only audit trails ---------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "member",
        "memberstatuschange",
        "profilerevision",
        "duplicatesignal",
        "secondaccountapproval",
        "apitoken",
    ],
)
def test_audit_admins_refuse_add_change_and_delete(superuser, supplier, model):
    member_change_status(member=supplier, to_status="suspended", reason="Audit.", by=superuser)
    services.member_update_profile(
        member=supplier, by=supplier.user, changes={"contact_name": "New Contact"}, ip=None
    )
    refused_attempt(supplier)
    signal = DuplicateSignal.objects.filter(kind="email").get()
    services.second_account_approve(signal=signal, by=superuser, reason="Group company.")
    services.api_token_create(user=supplier.user, name="t")
    obj = reverse(f"admin:members_{model}_changelist")
    if model == "member":
        pk = supplier.pk
    elif model == "duplicatesignal":
        pk = signal.pk
    else:
        pk = apps.get_model("members", model).objects.get().pk
    client = console(superuser)

    add = client.get(f"{obj}add/")
    view = client.get(f"{obj}{pk}/change/")
    change = client.post(f"{obj}{pk}/change/", {})
    delete = client.post(f"{obj}{pk}/delete/", {"post": "yes"})

    assert add.status_code == 403
    assert view.status_code == 200
    assert change.status_code == 403
    assert delete.status_code == 403


def test_audit_pages_show_every_recorded_field(superuser, supplier):
    member_change_status(member=supplier, to_status="suspended", reason="Audit.", by=superuser)
    change = MemberStatusChange.objects.get()
    client = console(superuser)

    page = client.get(f"/console/members/memberstatuschange/{change.pk}/change/").content.decode()
    member_page = client.get(f"{CHANGELIST}{supplier.pk}/change/").content.decode()

    for name in ("member", "from_status", "to_status", "reason", "changed_by", "changed_at"):
        assert f"field-{name}" in page
    assert "Audit." in member_page
    assert "field-status_changed_at" in member_page


# --- Staff logins, roles, axes ------------------------------------------------------------


def test_superuser_creates_a_staff_user_with_a_password_and_role(superuser):
    role = Group.objects.get(name=StaffRole.COMPLIANCE)

    response = console(superuser).post(
        "/console/members/user/add/",
        {
            "username": "compliance1",
            "email": "compliance1@tradepost.test",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "is_staff": "on",
            "groups": [role.pk],
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="compliance1")
    assert user.check_password(PASSWORD) is True
    assert user.is_staff is True
    assert user.is_superuser is False
    assert list(user.groups.all()) == [role]


def test_administrator_cannot_grant_superuser_or_edit_a_superuser(superuser):
    administrator = staff_create(username="admin", role=StaffRole.ADMINISTRATOR)
    staffer = staff_create(username="support2", role=StaffRole.SUPPORT)
    client = console(administrator)

    page = client.get(f"/console/members/user/{staffer.pk}/change/")
    superuser_page = client.post(f"/console/members/user/{superuser.pk}/change/", {})

    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert superuser_page.status_code == 403


def test_member_login_status_follows_the_member_not_the_user_form(superuser, supplier):
    page = console(superuser).get(f"/console/members/user/{supplier.user.pk}/change/")

    assert page.status_code == 200
    assert 'name="is_active"' not in page.content.decode()
    assert 'name="username"' not in page.content.decode()


def test_staff_roles_are_read_only_in_the_console(superuser):
    group = Group.objects.get(name=StaffRole.SUPPORT)
    client = console(superuser)

    listing = client.get("/console/auth/group/")
    change = client.post(f"/console/auth/group/{group.pk}/change/", {"name": "x"})

    assert listing.status_code == 200
    assert change.status_code == 403
    assert Group.objects.get(pk=group.pk).name == StaffRole.SUPPORT


def test_login_attempts_admin_stays_available_to_administrators(superuser):
    response = console(superuser).get("/console/axes/accessattempt/")

    assert response.status_code == 200


def test_a_member_revoking_its_own_token_is_recorded_as_the_revoker(supplier):
    token, _raw = services.api_token_create(user=supplier.user, name="ERP sync")

    services.api_token_revoke(user=supplier.user, token_id=token.pk)

    assert ApiToken.objects.get().revoked_by == supplier.user


def test_staff_revoking_a_revoked_token_keeps_the_first_revoker(supplier, superuser):
    token, _raw = services.api_token_create(user=supplier.user, name="old")
    services.api_token_revoke(user=supplier.user, token_id=token.pk)

    again = services.api_token_revoke_by_staff(token_id=token.pk, by=superuser)

    assert again.revoked_by == supplier.user


def test_a_status_change_records_the_staff_member_on_the_tokens_it_revokes(supplier, superuser):
    services.api_token_create(user=supplier.user, name="ERP sync")

    member_change_status(member=supplier, to_status="suspended", reason="Fraud.", by=superuser)

    assert ApiToken.objects.get().revoked_by == superuser


def test_staff_revoking_an_unknown_token_is_not_found(superuser):
    with pytest.raises(DomainError) as error:
        services.api_token_revoke_by_staff(token_id=999, by=superuser)

    assert (error.value.code, error.value.message) == ("not_found", "No such API token.")


def test_two_open_approvals_for_the_same_identifiers_are_refused_by_the_database(trust_agent):
    from django.db import IntegrityError, transaction

    fields = {"email": "a@example.com", "phone": "+4930123456", "registration_number": ""}
    later = timezone.now() + timedelta(days=14)
    SecondAccountApproval.objects.create(
        **fields, reason="x", approved_by=trust_agent, expires_at=later
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        SecondAccountApproval.objects.create(
            **fields, reason="y", approved_by=trust_agent, expires_at=later
        )


def test_a_concurrent_approval_of_the_same_attempt_is_a_clear_conflict(trust_agent, monkeypatch):
    refused_attempt(member_create(country="DE"))
    signal = DuplicateSignal.objects.order_by("pk").first()
    colleague = staff_create(username="colleague", role=StaffRole.TRUST_SAFETY)
    real_create = SecondAccountApproval.objects.create
    raced: list[SecondAccountApproval] = []

    def colleague_commits_first(**fields):
        # The race: both looked for an open approval and found none; the colleague's
        # insert lands first.
        raced.append(real_create(**{**fields, "approved_by": colleague, "reason": "Theirs."}))
        return real_create(**fields)

    monkeypatch.setattr(SecondAccountApproval.objects, "create", colleague_commits_first)

    with pytest.raises(services.SecondAccountAlreadyApproved) as error:
        services.second_account_approve(signal=signal, by=trust_agent, reason="Same group.")

    assert error.value.code == "second_account_already_approved"
    assert error.value.status == 409
    assert error.value.message == (
        "Another staff member has just approved a second account for this registration; "
        "that approval applies. Refresh to see it."
    )
    assert len(raced) == 1  # the colleague's row; in this test it rolls back with ours


def test_an_expired_unused_approval_is_closed_and_replaced(trust_agent):
    refused_attempt(member_create(country="DE"))
    signal = DuplicateSignal.objects.order_by("pk").first()
    old = services.second_account_approve(signal=signal, by=trust_agent, reason="Group entity.")
    SecondAccountApproval.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    new = services.second_account_approve(signal=signal, by=trust_agent, reason="Again.")

    old.refresh_from_db()
    assert new.pk != old.pk
    assert old.closed_at is not None
    assert new.closed_at is None


def test_signal_list_names_the_kind_masks_the_value_and_links_the_existing_member(trust_agent):
    existing = member_create(country="DE")
    DuplicateSignal.objects.create(
        kind="phone",
        value="+493012345678",
        existing_member=existing,
        outcome=SignalOutcome.REFUSED,
        attempt={"company_name": "Second GmbH", "country": "DE"},
    )

    html = console(trust_agent).get("/console/members/duplicatesignal/").content.decode()

    assert "Phone +49301 …" in html
    assert "+493012345678" not in html
    assert f'href="/console/members/member/{existing.pk}/change/">{existing.member_id}</a>' in html
    assert "Second GmbH (DE)" in html
